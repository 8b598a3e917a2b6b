import CairoBackend
import Checkpoints
import FigureAnimation
import Figures
import FileFormats
import Foundation
import GIFEncoding
import PlotKit
import Testing
import _TestSupport

@Suite(.timeLimit(.minutes(5))) struct AnimationGIFTests {
  let directory = NSTemporaryDirectory() + "animation-\(UUID().uuidString)"

  /// A snapshot in the format README "Animations" gives the trainer: test split, class weights, scalars.
  func writeSnapshot(
    _ path: String, iteration: Int?, dimension d: Int = 3, classes: Int = 4, points: Int = 400,
    withTrainSplit: Bool = false
  ) throws {
    var features: [Float] = [], labels: [Int64] = []
    let t = Float(iteration ?? 150) / 300
    for i in 0..<points {
      let c = i % classes
      for k in 0..<d {
        features.append(
          (k == c % d ? 4 * t + 1 : 0) + (c >= d && k == 0 ? -3 : 0) + Float((i * 7 + k * 3) % 11) * 0.08 * (1 - t))
      }
      labels.append(Int64(c))
    }
    let weights = (0..<classes).flatMap { c in
      (0..<d).map { k -> Float in (k == c % d ? 1 : 0) + (c >= d && k == 0 ? -1 : 0) }
    }
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    var arrays: [(name: String, array: NumpyArray)] = [
      (name: "test_features", array: NumpyArray(shape: [points, d], values: .float32(features))),
      (name: "test_labels", array: NumpyArray(shape: [points], values: .int64(labels))),
      (name: "class_weights", array: NumpyArray(shape: [classes, d], values: .float32(weights))),
      (name: "loss", array: NumpyArray(shape: [], values: .strings(["arcface"]))),
    ]
    if let iteration {
      arrays += [
        (name: "epoch", array: NumpyArray(shape: [], values: .int64([Int64(1 + iteration / 200)]))),
        (name: "iteration", array: NumpyArray(shape: [], values: .int64([Int64(iteration)]))),
        (name: "train_loss", array: NumpyArray(shape: [], values: .float64([2.0 / Double(iteration)]))),
      ]
    }
    if withTrainSplit {
      // The train split: the same points, every third label moved on by one (so its accuracy differs).
      let trainLabels = labels.enumerated().map { i, l in i % 3 == 0 ? (l + 1) % Int64(classes) : l }
      arrays += [
        (name: "train_features", array: NumpyArray(shape: [points, d], values: .float32(features))),
        (name: "train_labels", array: NumpyArray(shape: [points], values: .int64(trainLabels))),
      ]
    }
    try NumpyArchive.data(arrays).write(to: URL(fileURLWithPath: path))
  }

  @Test func snapshotsOfARunBecomeALoopingGIFInIterationOrder() throws {
    defer { try? FileManager.default.removeItem(atPath: directory) }
    for iteration in [300, 100, 200] {
      try writeSnapshot(
        directory + "/run/snapshots/iter-\(String(format: "%06d", iteration)).npz", iteration: iteration)
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
    var figures = try Animation.figures(
      try AnimationFrames.load([directory + "/b/iter-000100.npz"]), settings: settings)
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
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
      $0.hasSuffix(".tmp") || $0.hasSuffix(".gif")
    }
    #expect(leftovers.isEmpty)
  }

  /// Frame labels read back from a frame figure: the lines of each panel's `FrameLabelLayer`, in panel order.
  func labelLines(_ figure: Figure) -> [[String]] {
    figure.panels.compactMap { $0 }.map { panel in panel.layers.compactMap { $0 as? FrameLabelLayer }.flatMap(\.lines) }
  }

  @Test func trainAndTestSideBySideWithFrameLabelsInPlaneAndSphereViews() throws {
    defer { try? FileManager.default.removeItem(atPath: directory) }
    for (d, content) in [(2, AnimationSettings.Content.plane(.scatter)), (3, .sphere)] {
      for iteration in [100, 200] {
        try writeSnapshot(
          directory + "/both\(d)/snapshots/iter-\(String(format: "%07d", iteration)).npz", iteration: iteration,
          dimension: d, withTrainSplit: true)
      }
      let frames = try AnimationFrames.load([directory + "/both\(d)"])
      var settings = AnimationSettings()
      settings.content = content
      settings.splits = [.train, .test]
      settings.dpi = 72
      let figures = try Animation.figures(frames, settings: settings)
      #expect(figures.count == 2)
      let perSplit = d == 3 ? 2 : 1
      for (figure, frame) in zip(figures, frames) {
        #expect(figure.panels.compactMap { $0 }.count == 2 * perSplit)
        let e = frame.embeddings
        let train = try #require(e.split("train")), test = try #require(e.split("test"))
        let trainAccuracy = try #require(e.accuracy(of: train)), testAccuracy = try #require(e.accuracy(of: test))
        #expect(abs(trainAccuracy - testAccuracy) > 0.1, "the fixture's splits should differ")
        let expectedHead = "epoch \(e.epoch!) · iteration \(e.iteration!)"
        let loss = String(format: "loss %.3f", frame.trainingLoss!)
        var expected: [[String]] = [[expectedHead, loss, String(format: "train accuracy %.2f%%", 100 * trainAccuracy)]]
        expected += Array(repeating: [], count: perSplit - 1)
        expected += [[expectedHead, loss, String(format: "test accuracy %.2f%%", 100 * testAccuracy)]]
        expected += Array(repeating: [], count: perSplit - 1)
        #expect(labelLines(figure) == expected)
      }
      let path = directory + "/both\(d).gif"
      let written = try Animation.write(figures, to: path, settings: settings)
      let gif = try GIFReader(data: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
      #expect(gif.frames.count == 2 && gif.width == written.width && gif.loopCount == 0)
      // Side by side: wider than tall.
      #expect(written.width > written.height)
    }
  }

  @Test func aSnapshotWithoutTheTrainSplitIsNamedWhenBothAreAsked() throws {
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try writeSnapshot(directory + "/t/iter-0000100.npz", iteration: 100, dimension: 2)
    var settings = AnimationSettings()
    settings.splits = [.train, .test]
    do {
      _ = try Animation.figures(try AnimationFrames.load([directory + "/t/iter-0000100.npz"]), settings: settings)
      Issue.record("a test-only snapshot was animated with a train split")
    } catch let error as EmbeddingError {
      #expect(error.path.hasSuffix("iter-0000100.npz") && error.description.contains("no train split"), "\(error)")
    }
  }

  @Test func framesWithoutIterationOrEpochFollowTheNumbersInTheirNames() throws {
    defer { try? FileManager.default.removeItem(atPath: directory) }
    for n in [10, 9, 100] { try writeSnapshot(directory + "/n/frame-\(n).npz", iteration: nil, dimension: 2) }
    let names = try ["frame-10", "frame-100", "frame-9"].map { directory + "/n/\($0).npz" }
    let frames = try AnimationFrames.load(names)
    #expect(
      frames.map { ($0.embeddings.path as NSString).lastPathComponent } == [
        "frame-9.npz", "frame-10.npz", "frame-100.npz",
      ])
  }

  @Test func tooManyFramesFailBeforeAnythingIsRendered() throws {
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try writeSnapshot(directory + "/m/iter-0000100.npz", iteration: 100, dimension: 2, points: 20)
    var settings = AnimationSettings()
    settings.dpi = 72
    let one = try Animation.figures(try AnimationFrames.load([directory + "/m/iter-0000100.npz"]), settings: settings)
    let path = directory + "/many.gif"
    do {
      try Animation.write(Array(repeating: one[0], count: GIFOptions.maximumFrames + 1), to: path, settings: settings)
      Issue.record("\(GIFOptions.maximumFrames + 1) frames were written")
    } catch let error as GIFEncodingError {
      guard case .tooManyFrames(let file, let limit) = error else { Issue.record("\(error)"); return }
      #expect(file == path && limit == GIFOptions.maximumFrames)
    }
    #expect(!FileManager.default.fileExists(atPath: path))
  }
}

extension AnimationGIFTests {
  /// A GIF of 15 classes (past the 10 colours of the built-in palettes) draws every class in its
  /// still-figure colour (``Palette/forClasses(_:)``), each an exact palette entry, and where the class
  /// lies: class c's points sit at angle 2πc/15 around the origin, so the pixels of its colour must
  /// lie in that direction from the centre of all class pixels.
  @Test func fifteenClassesKeepTheirStillFigureColoursInTheGIF() throws {
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let classes = 15
    var features: [Float] = [], labels: [Int64] = []
    for c in 0..<classes {
      let a = 2 * Float.pi * Float(c) / Float(classes)
      for k in 0..<60 {
        let r = 4 + Float(k % 6) * 0.01
        features += [r * cos(a), r * sin(a)]
        labels.append(Int64(c))
      }
    }
    let n = labels.count
    try FileManager.default.createDirectory(atPath: directory + "/c", withIntermediateDirectories: true)
    try NumpyArchive.data([
      (name: "test_features", array: NumpyArray(shape: [n, 2], values: .float32(features))),
      (name: "test_labels", array: NumpyArray(shape: [n], values: .int64(labels))),
      (name: "iteration", array: NumpyArray(shape: [], values: .int64([100]))),
    ]).write(to: URL(fileURLWithPath: directory + "/c/iter-0000100.npz"))
    let frames = try AnimationFrames.load([directory + "/c/iter-0000100.npz"])
    var settings = AnimationSettings()
    settings.dpi = 150
    // A palette without black, which the axes and text are drawn in too.
    settings.palette = .seabornColorblind
    settings.classCount = classes
    // Without the legend (its swatches carry the class colours too), only the points do.
    let figures = try Animation.figures(frames, settings: settings).map { f in
      var copy = f
      copy.legendEntries = []
      return copy
    }
    let path = directory + "/classes.gif"
    try Animation.write(figures, to: path, settings: settings)
    let gif = try GIFReader(data: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    let screen = try #require(gif.screens().first)
    let expected = Palette.seabornColorblind.forClasses(classes).colors.map { c in
      [c.red, c.green, c.blue].map { UInt8(($0 * 255).rounded()) }
    }
    #expect(Set(expected).count == classes)
    // The palette index of each class colour (exact entries), then the pixels drawn in it.
    let indices = try expected.map { rgb in
      try #require(gif.globalColors.firstIndex(of: rgb), "\(rgb) not in the GIF palette")
    }
    var sums = Array(repeating: (x: 0.0, y: 0.0, count: 0), count: classes)
    // Only the insides of dots: pixels whose eight neighbours share their colour (antialiased text
    // can take a grey class colour, but not over a 3 × 3 block).
    for (p, index) in screen.enumerated() {
      guard let c = indices.firstIndex(of: Int(index)) else { continue }
      let x = p % gif.width, y = p / gif.width
      guard x > 0, y > 0, x + 1 < gif.width, y + 1 < gif.height,
        (-1...1).allSatisfy({ dy in (-1...1).allSatisfy { dx in screen[p + dy * gif.width + dx] == index } })
      else { continue }
      sums[c].x += Double(x)
      sums[c].y += Double(y)
      sums[c].count += 1
    }
    #expect(sums.allSatisfy { $0.count >= 4 }, "pixels per class colour: \(sums.map(\.count))")
    let total = Double(sums.map(\.count).reduce(0, +))
    let cx = sums.map(\.x).reduce(0, +) / total, cy = sums.map(\.y).reduce(0, +) / total
    // Going round the centre, the classes come in their order (the axes may stretch, never reorder).
    let angles = sums.map { s in atan2(-(s.y / Double(max(s.count, 1)) - cy), s.x / Double(max(s.count, 1)) - cx) }
    let order = angles.indices.sorted { angles[$0] < angles[$1] }
    let start = try #require(order.firstIndex(of: 0))
    #expect(Array(order[start...] + order[..<start]) == Array(0..<classes), "classes round the centre: \(order)")
  }
}

extension AnimationGIFTests {
  /// A sphere animation's frame label fits its panel (the clip it is drawn in) and the canvas at a
  /// column's and a page's width, with one split and with two side by side: measured with Cairo.
  @Test(arguments: [3.25, 6.5]) func sphereFrameLabelsStayInsideTheirPanelAtPrintWidths(inches: Double) throws {
    let run = directory + "/label-\(inches)"
    defer { try? FileManager.default.removeItem(atPath: run) }
    try writeSnapshot(run + "/snapshots/iter-0000200.npz", iteration: 200, withTrainSplit: true)
    let frames = try AnimationFrames.load([run])
    for splits in [[CheckpointViews.SplitChoice.test], [.train, .test]] {
      var settings = AnimationSettings()
      settings.content = .sphere
      settings.splits = splits
      var figure = try #require(try Animation.figures(frames, settings: settings).first)
      figure.width = inches * 72
      let labels = Set(labelLines(figure).flatMap { $0 })
      #expect(labels.contains { $0.hasPrefix("test accuracy ") })
      let (layout, texts) = try figure.placedTexts()
      let drawn = texts.filter { t in
        labels.contains { $0 == t.text || $0.components(separatedBy: " · ").contains(t.text) }
      }
      #expect(Set(drawn.map(\.text)).count >= labels.count, "every label line is drawn")
      #expect(TextCollisions.problems(in: drawn, width: layout.width, height: layout.height).isEmpty)
      for t in drawn {
        #expect(
          layout.panels.map(\.mapping.box).contains { p in
            t.box.minX >= p.minX - 0.3 && t.box.maxX <= p.maxX + 0.3 && t.box.minY >= p.minY - 0.3
              && t.box.maxY <= p.maxY + 0.3
          }, "'\(t.text)' at \(t.box) leaves its panel (\(splits.count) split(s), \(inches) in)")
      }
    }
  }
}
