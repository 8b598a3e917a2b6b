import CairoGraphics
import Checkpoints
import Experiments
import FileFormats
import Foundation
import MarginMath
import SphereScene
import _TestSupport
import Testing

import CairoBackend
@testable import Figures
@testable import PlotKit

@Suite("Sphere figures", .noLeakedCairoObjects)
struct SphereFigureTests {
  /// Writes `arrays` as an .npz in a fresh temporary directory and reads it back as embeddings.
  func embeddings(_ arrays: [(String, NumpyArray)]) throws -> Embeddings {
    let path = NSTemporaryDirectory() + "sphere-\(UUID().uuidString).npz"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try NumpyArchive.data(arrays.map { (name: $0.0, array: $0.1) }).write(to: URL(fileURLWithPath: path))
    return try EmbeddingReader.read(path)
  }

  /// 200 points near each of three directions: class 0 at +z, class 1 in front at (−0.6, 0, 0.8) and
  /// behind at (0.6, 0, −0.8).
  func threeClusters() throws -> Embeddings {
    var features: [Float] = [], labels: [Int64] = []
    let centres: [(Float, Float, Float, Int64)] = [(0, 0, 5, 0), (-3, 0, 4, 1), (3, 0, -4, 1)]
    for (x, y, z, label) in centres {
      for k in 0..<200 {
        let wobble = Float(k % 10) * 0.004 - 0.02
        features += [x + wobble, y - wobble, z]
        labels.append(label)
      }
    }
    return try embeddings([
      ("features", NumpyArray(shape: [600, 3], values: .float32(features))),
      ("labels", NumpyArray(shape: [600], values: .int64(labels))),
    ])
  }

  func distance(_ p: Pixel, _ c: Color) -> Double {
    let d = [Double(p.red) - c.red * 255, Double(p.green) - c.green * 255, Double(p.blue) - c.blue * 255]
    return d.map { $0 * $0 }.reduce(0, +).squareRoot()
  }

  @Test func aPlusZViewPutsPlusZPointsAtTheCentreAndDimsTheBackHemisphere() throws {
    let e = try threeClusters()
    var options = CheckpointFigureOptions()
    options.splits = [.test]
    options.sphereView = .direction(Vector3(0, 0, 1))
    let figure = try Figure.checkpointFigure(.sphere, embeddings: [e], options: options)
    #expect(figure.rows == 1 && figure.columns == 2)
    let dpi = 150.0
    let layout = try figure.layout()
    let image = try figure.renderImage(dpi: dpi)
    let sphere = try #require(layout.frame(row: 0, column: 0)).mapping
    func pixel(_ x: Double, _ y: Double) throws -> Pixel {
      let d = sphere.device(Point(x: x, y: y))
      return try #require(image.pixel(x: Int(d.x * dpi / 72), y: Int(d.y * dpi / 72)))
    }
    let palette = Palette.colorBlindSafe
    let centre = try pixel(0, 0), front = try pixel(-0.6, 0), back = try pixel(0.6, 0), empty = try pixel(0, -0.6)
    #expect(distance(centre, palette.color(forClass: 0)) < 40, "centre \(centre)")
    #expect(distance(front, palette.color(forClass: 1)) < 40, "front \(front)")
    // The back cluster shows through the translucent sphere (drawn under it): tinted, but fainter than in front,
    // where the stacked dots give the exact class colour.
    #expect(
      distance(back, palette.color(forClass: 1)) > distance(front, palette.color(forClass: 1)) + 25, "back \(back)")
    #expect(
      distance(back, palette.color(forClass: 1)) < distance(empty, palette.color(forClass: 1)),
      "back \(back), empty sphere \(empty)")
  }

  @Test func otherKindsRefuse3DAndNoKindDrawsFourDimensions() throws {
    let e = try threeClusters()
    #expect(throws: EmbeddingError.self) { try Figure.checkpointFigure(.scatter, embeddings: [e]) }
    do {
      _ = try Figure.checkpointFigure(.circle, embeddings: [e])
    } catch let error as EmbeddingError {
      #expect(error.description.contains("--kind sphere"), "\(error)")
    }
    let four = try embeddings([
      ("features", NumpyArray(shape: [2, 4], values: .float32(Array(repeating: 1, count: 8)))),
      ("labels", NumpyArray(shape: [2], values: .int64([0, 1]))),
    ])
    #expect(four.dimension == 4, "the reader reads any D >= 2")
    do {
      _ = try Figure.checkpointFigure(.sphere, embeddings: [four])
      Issue.record("a 4-D file was drawn")
    } catch let error as EmbeddingError {
      #expect(error.array == "features" && error.description.contains("D = 4"), "\(error)")
    }
  }

  @Test func evenOddRingsBecomeWindingRingsWithTheSameHoles() {
    let outer = [Point2(x: 0, y: 0), Point2(x: 4, y: 0), Point2(x: 4, y: 4), Point2(x: 0, y: 4)]
    let inner = [Point2(x: 1, y: 1), Point2(x: 3, y: 1), Point2(x: 3, y: 3), Point2(x: 1, y: 3)]
    let rings = SceneLayer.windingRings([outer, inner])
    #expect(SceneLayer.signedArea(rings[0]) > 0)
    #expect(SceneLayer.signedArea(rings[1]) < 0)
    let apart = SceneLayer.windingRings([inner, inner.map { Point2(x: $0.x + 10, y: $0.y) }])
    #expect(apart.allSatisfy { SceneLayer.signedArea($0) > 0 })
  }

  /// A 3-D checkpoint of `run`: ten classes around golden-spiral directions (the weights), 60 test points each.
  static func sphereCheckpoint(_ reference: RunReference, _ run: RunSpecification) -> FeatureCheckpoint {
    let directions: [[Float]] = (0..<10).map { c in
      let z = 1 - 2 * (Float(c) + 0.5) / 10, r = (1 - z * z).squareRoot(), a = Float(c) * 2.399963
      return [r * cos(a), r * sin(a), z]
    }
    var features: [Float] = [], labels: [UInt8] = []
    for (c, d) in directions.enumerated() {
      for k in 0..<60 {
        let wobble = Float(k % 7) * 0.03 - 0.09, norm = 4 + Float(k % 5)
        features += [norm * (d[0] + wobble), norm * (d[1] - wobble), norm * d[2]]
        labels.append(UInt8(c))
      }
    }
    let weights = directions.flatMap { $0 }
    let metrics = FeatureMetrics(
      features: features, labels: labels.map(Int.init), classWeights: weights, dimension: 3, accuracy: 1)
    let parameters = run.lossParameters(profile: "default")
    let metadata = CheckpointMetadata(
      experiment: reference.experiment, run: run.name, profile: "default", loss: run.loss,
      lossParameters: parameters, lambda: 0.5,
      margin: parameters.m, epoch: 4, iteration: 628, plannedEpochs: 4,
      accuracy: .init(test: 1, train: 1, trainMarginRule: 1), meanLoss: 0.1, seed: 1701, threads: 2, kernelThreads: 1,
      dataset: .init(
        name: "mnist", checksum: "abcdef0123456789", classes: nil, trainCaps: nil, trainCount: 600, testCount: 600),
      network: .init(architecture: "compact", featureDimension: 3, featureBias: false, parameterCount: 10),
      classNames: (0..<10).map(String.init), codeVersion: "test", wallTimeSeconds: 1,
      metrics: ["train": metrics, "test": metrics])
    return FeatureCheckpoint(
      metadata: metadata, trainFeatures: features, trainLabels: labels, testFeatures: features, testLabels: labels,
      classWeights: weights)
  }

  /// AM-Softmax Fig. 1 from five synthetic 3-D runs laid out as `make figures` draws it: a sphere and a
  /// raw panel per run, at 6.5 in wide, every text inside the figure and the page-sized whole.
  @Test func theAMSoftmaxSphereFigureDrawsItsFiveRunsAtReportWidth() throws {
    let root = NSTemporaryDirectory() + "sphere-am-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    let source = try CheckpointSource(runsRoot: root)
    let figure = try #require(PaperFigure.named("sphere-am-softmax"))
    let runs = try figure.runs(in: source)
    #expect(runs.map(\.run) == ["softmax", "normface", "sphereface", "am-m0.2", "am-m0.5"])
    for reference in runs {
      try source.directory(reference).write(
        Self.sphereCheckpoint(reference, try source.experiments.run(reference)), state: [])
    }
    var built = try figure.figure(from: source)
    built.width = 6.5 * 72
    #expect(built.rows == 2 && built.columns == 5 && built.panels.allSatisfy { $0 != nil })
    #expect(built.style.legend == .bottom)
    #expect(built[0, 2]?.title?.hasPrefix("A-Softmax") == true && built[1, 2]?.title == "raw 3-D")
    let layout = try built.layout()
    #expect(layout.height < 9 * 72, "\(layout.height / 72) in tall")
    let measurer = try CairoRenderer.measuring()
    for line in layout.captionLines {
      #expect(
        measurer.measureText(line, font: built.style.captionFont).advance <= layout.width - 8,
        "caption line overruns: \(line)")
    }
    for frame in layout.panels {
      #expect(frame.mapping.box.width > 60, "panel \(frame.index) is \(frame.mapping.box.width) pt wide")
      #expect(frame.titleLines.count <= 3, "\(frame.titleLines)")
    }
    let dpi = 150.0
    let image = try built.renderImage(dpi: dpi)
    #expect(image.width == 975)
    // Each sphere panel shows its class colours: some pixel of the panel is near the colour of a class in front.
    let palette = Palette.colorBlindSafe
    for column in 0..<5 {
      let box = try #require(layout.frame(row: 0, column: column)).mapping.box
      var seen = Set<Int>()
      for y in stride(from: box.minY, to: box.maxY, by: 1) {
        for x in stride(from: box.minX, to: box.maxX, by: 1) {
          guard let p = image.pixel(x: Int(x * dpi / 72), y: Int(y * dpi / 72)) else { continue }
          for c in 0..<10 where distance(p, palette.color(forClass: c)) < 12 { seen.insert(c) }
        }
      }
      #expect(seen.count >= 4, "column \(column) shows classes \(seen.sorted())")
    }
  }
}

extension SphereFigureTests {
  /// `classes` classes of 20 points each, spread over the sphere on a spiral (train and test splits).
  func manyClasses(_ classes: Int) throws -> Embeddings {
    var features: [Float] = [], labels: [Int64] = []
    for c in 0..<classes {
      let z = 1 - 2 * (Float(c) + 0.5) / Float(classes), r = (1 - z * z).squareRoot(), a = Float(c) * 2.4
      for k in 0..<20 {
        let s = 3 + Float(k) * 0.05
        features += [s * r * cos(a), s * r * sin(a), s * z]
        labels.append(Int64(c))
      }
    }
    let n = labels.count
    return try embeddings([
      ("train_features", NumpyArray(shape: [n, 3], values: .float32(features))),
      ("train_labels", NumpyArray(shape: [n], values: .int64(labels))),
      ("test_features", NumpyArray(shape: [n, 3], values: .float32(features))),
      ("test_labels", NumpyArray(shape: [n], values: .int64(labels))),
    ])
  }

  /// A sphere figure draws each class in the colour a plane figure of as many classes gives it, and
  /// above Palette.distinctClassLimit classes shows a colour bar (captioned) in the legend's place.
  @Test(arguments: [10, 15, 30]) func sphereClassColoursFollowThePlaneFigures(classes: Int) throws {
    let e = try manyClasses(classes)
    var options = CheckpointFigureOptions()
    options.splits = [.test]
    let figure = try Figure.sphereFigure([e], options: options, view: .automatic)
    let expected = Palette.colorBlindSafe.forClasses(classes).colors.prefix(classes).map { $0.withAlpha(1) }
    let scenes = figure.panels.compactMap { $0 }.flatMap(\.layers).compactMap { $0 as? SceneLayer }
    #expect(scenes.count == 2)
    for scene in scenes { #expect(Array(scene.scene.palette) == Array(expected)) }
    #expect(Set(expected).count == classes)
    if classes > Palette.distinctClassLimit {
      let bar = try #require(figure.colorBar)
      #expect(bar.colors.map { $0.withAlpha(1) } == Array(expected) && bar.labels == e.classNames)
      #expect(figure.caption.contains { $0.key == "colours" })
    } else {
      #expect(figure.colorBar == nil)
    }
    _ = try figure.renderImage(dpi: 72)
  }
}
