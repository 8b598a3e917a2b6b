import ArgumentParser
import FigureAnimation
import Figures
import Foundation

/// `margins-bench gif`: the animation goal of issue 13 end to end. Writes synthetic snapshot runs
/// (untimed), then times what `margins plot RUN --animate` does for the plane view and the sphere
/// view: read the snapshots, build the frame figures, render, quantise, encode.
struct GIFBenchmarkCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gif",
    abstract: "Time animated GIFs of synthetic snapshot runs, plane and sphere view, end to end.")

  /// Which views to animate.
  enum View: String, ExpressibleByArgument, CaseIterable {
    case plane, sphere, both
  }

  @Option(help: "Frames per GIF.")
  var frames: Int = 40

  @Option(help: "Test points per frame.")
  var points: Int = 10_000

  @Option(help: "Width and height of the GIF in pixels.")
  var size: Int = 600

  @Option(help: "The view to animate.")
  var view: View = .both

  @Option(help: "What the plane view draws (\(Self.planeKinds.map(\.rawValue).joined(separator: ", "))).")
  var kind: CheckpointFigureKind = .scatter

  @Option(help: "Timed repetitions per view; the fastest is reported.")
  var repeats: Int = 1

  @Option(help: "Directory for the snapshot runs and the GIFs (a temporary directory by default).")
  var outputDirectory: String?

  static let planeKinds: [CheckpointFigureKind] = [.scatter, .circle, .sectors, .rose]

  func validate() throws {
    for (name, value) in [("--frames", frames), ("--points", points), ("--size", size), ("--repeats", repeats)]
    where value < 1 {
      throw ValidationError("\(name) must be positive")
    }
    guard Self.planeKinds.contains(kind) else {
      throw ValidationError("--kind takes \(Self.planeKinds.map(\.rawValue).joined(separator: ", "))")
    }
  }

  func run() throws {
    let directory = outputDirectory ?? NSTemporaryDirectory() + "margins-bench-gif-\(getpid())"
    print(
      "gif: \(frames) frames of \(points) test points, \(size) x \(size) px asked for, 10 classes, arcface snapshots")
    print("machine: \(Machine.description); load average \(Machine.loadAverage) at start")
    print(
      "timed: reading the snapshots, building the frame figures, rendering + quantising + encoding the GIF "
        + "(snapshot synthesis untimed)")
    let views = view == .both ? ["plane", "sphere"] : [view.rawValue]
    for view in views {
      let run = (directory as NSString).appendingPathComponent("\(view)-run")
      try AnimationBenchmark.writeSnapshots(
        into: run, frames: frames, points: points, dimension: view == "sphere" ? 3 : 2)
      var settings = AnimationSettings()
      settings.content = view == "sphere" ? .sphere : .plane(kind)
      settings.dpi = 100
      let gif = (directory as NSString).appendingPathComponent("\(view).gif")
      let results = try (0..<repeats).map { _ in
        try AnimationBenchmark.measure(run: run, settings: settings, width: size, height: size, path: gif)
      }
      guard let r = results.min(by: { $0.seconds < $1.seconds }) else { continue }
      let phases = r.phases.map { String(format: "%@ %.2f s (%.2f CPU)", $0.name, $0.seconds, $0.cpuSeconds) }
        .joined(separator: ", ")
      print(
        r.view.padding(toLength: 17, withPad: " ", startingAt: 0)
          + String(
            format: " %d frames, %d x %d px: %.2f s wall, %.2f s CPU, %.2f MB", r.frames, r.width, r.height,
            r.seconds, r.cpuSeconds, Double(r.bytes) / 1e6)
          + "  [\(phases)]")
      if abs(r.height - size) > 1 {
        // The panels shrink to fit; the legend and captions below them do not.
        print("  (\(size) px tall was asked for: at \(r.width) px wide, its legend and captions need \(r.height))")
      }
    }
    print("load average \(Machine.loadAverage) at end; files in \(directory)")
  }
}

extension CheckpointFigureKind: ExpressibleByArgument {}
