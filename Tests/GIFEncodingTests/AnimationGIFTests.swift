import Checkpoints
import FigureAnimation
import Figures
import FileFormats
import Foundation
import GIFEncoding
import Testing

@Suite struct AnimationGIFTests {
  let directory = NSTemporaryDirectory() + "animation-\(UUID().uuidString)"

  /// A snapshot in the format README "Animations" gives the trainer: test split, class weights, scalars.
  func writeSnapshot(_ path: String, iteration: Int, dimension d: Int = 3, classes: Int = 4, points: Int = 400) throws {
    var features: [Float] = [], labels: [Int64] = []
    let t = Float(iteration) / 300
    for i in 0..<points {
      let c = i % classes
      for k in 0..<d { features.append((k == c % d ? 4 * t + 1 : 0) + (c >= d && k == 0 ? -3 : 0) + Float((i * 7 + k * 3) % 11) * 0.08 * (1 - t)) }
      labels.append(Int64(c))
    }
    let weights = (0..<classes).flatMap { c in (0..<d).map { k -> Float in (k == c % d ? 1 : 0) + (c >= d && k == 0 ? -1 : 0) } }
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try NumpyArchive.data([
      (name: "test_features", array: NumpyArray(shape: [points, d], values: .float32(features))),
      (name: "test_labels", array: NumpyArray(shape: [points], values: .int64(labels))),
      (name: "class_weights", array: NumpyArray(shape: [classes, d], values: .float32(weights))),
      (name: "epoch", array: NumpyArray(shape: [], values: .int64([Int64(1 + iteration / 200)]))),
      (name: "iteration", array: NumpyArray(shape: [], values: .int64([Int64(iteration)]))),
      (name: "loss", array: NumpyArray(shape: [], values: .strings(["arcface"]))),
      (name: "train_loss", array: NumpyArray(shape: [], values: .float64([2.0 / Double(iteration)]))),
    ]).write(to: URL(fileURLWithPath: path))
  }

  @Test func snapshotsOfARunBecomeALoopingGIFInIterationOrder() throws {
    defer { try? FileManager.default.removeItem(atPath: directory) }
    for iteration in [300, 100, 200] {
      try writeSnapshot(directory + "/run/snapshots/iter-\(String(format: "%06d", iteration)).npz", iteration: iteration)
    }
    let frames = try AnimationFrames.load([directory + "/run"])
    #expect(frames.map(\.embeddings.iteration) == [100, 200, 300])
    #expect(frames[0].trainingLoss == 0.02)
    var settings = AnimationSettings()
    settings.content = .sphere
    settings.dpi = 72
    settings.frameDelay = 7
    let figures = try Animation.figures(frames, settings: settings)
    let path = directory + "/out.gif"
    let written = try Animation.write(figures, to: path, settings: settings)
    let gif = try GIFReader(data: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    #expect(gif.version == "GIF89a")
    #expect(gif.width == written.width && gif.height == written.height && gif.width > 100 && gif.height > 50)
    #expect(gif.frames.count == 3)
    #expect(gif.loopCount == 0)
    #expect(gif.frames.first?.delay == 7)
    #expect(gif.sawTrailer)
  }

  @Test func mixedDimensionsOrClassCountsNameTheFile() throws {
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try writeSnapshot(directory + "/a/iter-000100.npz", iteration: 100)
    try writeSnapshot(directory + "/a/iter-000200.npz", iteration: 200, dimension: 2)
    try writeSnapshot(directory + "/a/iter-000300.npz", iteration: 300, classes: 3)
    for (second, needle) in [("iter-000200.npz", "D = 2"), ("iter-000300.npz", "3 classes")] {
      do {
        _ = try AnimationFrames.load([directory + "/a/iter-000100.npz", directory + "/a/" + second])
        Issue.record("mixed snapshots were accepted")
      } catch let error as EmbeddingError {
        #expect(error.path.hasSuffix(second) && error.description.contains(needle), "\(error)")
      }
    }
  }

  @Test func aFrameOverTheSizeLimitFailsBeforeWritingAnything() throws {
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try writeSnapshot(directory + "/b/iter-000100.npz", iteration: 100, dimension: 2)
    var settings = AnimationSettings()
    settings.dpi = 600
    var figures = try Animation.figures(try AnimationFrames.load([directory + "/b/iter-000100.npz"]), settings: settings)
    figures[0].width = 10 * 72
    let path = directory + "/big.gif"
    do {
      try Animation.write(figures, to: path, settings: settings)
      Issue.record("a 6000 px frame was written")
    } catch let error as GIFEncodingError {
      guard case .frameTooLarge(let file, let width, _, _) = error else { Issue.record("\(error)"); return }
      #expect(file == path && width == 6000)
    }
    #expect(!FileManager.default.fileExists(atPath: path))
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".tmp") || $0.hasSuffix(".gif") }
    #expect(leftovers.isEmpty)
  }
}
