import CairoBackend
import Checkpoints
import FigureAnimation
import FileFormats
import Foundation
import PlotKit

/// The animation speed goal of issue 13, measured end to end: 40 frames of 10,000 test points at
/// 600 × 600 px in ≤ 3 s and ≤ 5 MB, for the plane and the sphere view.
///
/// Synthetic snapshots in the trainer's format (`snapshots/iter-NNNNNNN.npz`: features drifting from
/// a Gaussian blob towards their class directions, arcface loss, 10 classes) are written untimed; then
/// what `margins plot RUN --animate` does is timed in three phases: reading the snapshots, building the
/// frame figures (fixed axes, labels; for the sphere, boundaries and zones per frame) and rendering +
/// quantising + encoding the GIF.
enum AnimationBenchmark {
  struct Phase: Sendable {
    var name: String
    var seconds: Double
    var cpuSeconds: Double
  }

  struct Result: Sendable {
    var view: String
    var frames: Int
    var points: Int
    var width: Int
    var height: Int
    var bytes: Int
    var phases: [Phase]
    var seconds: Double { phases.map(\.seconds).reduce(0, +) }
    var cpuSeconds: Double { phases.map(\.cpuSeconds).reduce(0, +) }
  }

  /// Writes `frames` snapshots of `points` test features with `dimension` 2 or 3 into `directory/snapshots`.
  static func writeSnapshots(
    into directory: String, frames: Int, points: Int, dimension d: Int, classes: Int = 10
  ) throws {
    precondition((2...3).contains(d) && frames > 0 && points > 0 && classes > 0)
    var state: UInt64 = 0x2545_F491_4F6C_DD1D
    func uniform() -> Float {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Float(state >> 40) / Float(1 << 24)
    }
    func gaussian() -> Float { (0..<4).map { _ in uniform() }.reduce(0, +) * 1.7 - 3.4 }
    // Class directions: evenly around the circle, or a golden-angle spiral on the sphere.
    let weights: [[Float]] = (0..<classes).map { c in
      if d == 2 {
        let a = 2 * Float.pi * Float(c) / Float(classes)
        return [cos(a), sin(a)]
      }
      let z = 1 - 2 * (Float(c) + 0.5) / Float(classes), r = (1 - z * z).squareRoot(), a = Float(c) * 2.399963
      return [r * cos(a), r * sin(a), z]
    }
    let labels = (0..<points).map { UInt8($0 % classes) }
    let start = (0..<points * d).map { _ in 3 * gaussian() }
    let end = (0..<points).flatMap { i -> [Float] in
      let norm = 2 + 8 * uniform()
      return weights[Int(labels[i])].map { norm * $0 + 0.4 * gaussian() }
    }
    let run = RunDirectory(path: directory)
    try FileManager.default.createDirectory(atPath: run.snapshotDirectory, withIntermediateDirectories: true)
    for f in 0..<frames {
      let t = frames == 1 ? 1 : Float(f) / Float(frames - 1)
      let iteration = 25 * (f + 1)
      let features = zip(start, end).map { $0 * (1 - t) + $1 * t }
      let path = run.snapshotPath(iteration: iteration)
      try NumpyArchive.data([
        (name: "test_features", array: NumpyArray(shape: [points, d], values: .float32(features))),
        (name: "test_labels", array: NumpyArray(shape: [points], values: .uint8(labels))),
        (name: "class_weights", array: NumpyArray(shape: [classes, d], values: .float32(weights.flatMap { $0 }))),
        (name: "epoch", array: NumpyArray(shape: [], values: .int64([Int64(1 + iteration / 235)]))),
        (name: "iteration", array: NumpyArray(shape: [], values: .int64([Int64(iteration)]))),
        (name: "loss", array: NumpyArray(shape: [], values: .strings(["arcface"]))),
        (name: "loss_parameters", array: NumpyArray(shape: [], values: .strings(["{\"m\": 0.5, \"s\": 10}"]))),
        (name: "train_loss", array: NumpyArray(shape: [], values: .float64([2.3 * Double(1 - t) + 0.1]))),
      ]).write(to: URL(fileURLWithPath: path))
    }
  }

  /// Times reading the run at `directory`, building its frame figures sized to `width` × `height` px
  /// and writing the GIF to `path`.
  static func measure(run directory: String, settings: AnimationSettings, width: Int, height: Int, path: String)
    throws -> Result
  {
    var phases: [Phase] = []
    func timed<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
      let wall = DispatchTime.now().uptimeNanoseconds, cpu = processCPUSeconds()
      let value = try body()
      phases.append(
        Phase(
          name: name, seconds: Double(DispatchTime.now().uptimeNanoseconds - wall) / 1e9,
          cpuSeconds: processCPUSeconds() - cpu))
      return value
    }
    let frames = try timed("read") { try AnimationFrames.load([directory]) }
    let figures = try timed("figures") {
      try sized(try Animation.figures(frames, settings: settings), width: width, height: height, dpi: settings.dpi)
    }
    let written = try timed("render+encode") { try Animation.write(figures, to: path, settings: settings) }
    let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    let view =
      switch settings.content {
      case .sphere: "sphere"
      case .plane(let kind): "plane (\(kind.rawValue))"
      }
    return Result(
      view: view, frames: written.frames, points: frames.first?.embeddings.splits.first?.count ?? 0,
      width: written.width, height: written.height, bytes: bytes, phases: phases)
  }

  /// The figures at `width` px wide (at `dpi`) with the panels' aspect ratio chosen so the layout is
  /// `height` px tall: the layout's height grows with the aspect, so bisection finds it (to a pixel when
  /// the panels, not the legend, set the height).
  static func sized(_ figures: [Figure], width: Int, height: Int, dpi: Double) throws -> [Figure] {
    guard let first = figures.first else { return figures }
    func resized(_ f: Figure, _ aspect: Double) -> Figure {
      var copy = f
      copy.width = Double(width) * 72 / dpi
      copy.panelHeight = copy.panelWidth * aspect
      return copy
    }
    var (low, high) = (0.05, 4.0)
    for _ in 0..<30 {
      let mid = (low + high) / 2
      if try resized(first, mid).layout().height * dpi / 72 > Double(height) { high = mid } else { low = mid }
    }
    return figures.map { resized($0, low) }
  }

  static func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
  }
}
