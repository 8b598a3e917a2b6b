import CairoGraphics
import Checkpoints
import Experiments
import Foundation
import MarginMath
import _TestSupport
import Testing

import CairoBackend
@testable import Figures
@testable import PlotKit

/// Figures drawn from checkpoints: sectors from the shared margin math, paper figures from run directories.
@Suite("Figures from checkpoints", .noLeakedCairoObjects)
struct CheckpointFigureTests {
  static let degree = Double.pi / 180

  /// Four classes along the axes, features within ±20° of their class direction at radius 5.
  static func checkpoint(
    loss: LossKind, parameters: LossParameters, experiment: String = "demo", run: String = "r", epoch: Int = 1,
    codeVersion: String = "test"
  ) -> FeatureCheckpoint {
    var features: [Float] = []
    var labels: [UInt8] = []
    for c in 0..<4 {
      for k in 0..<50 {
        let angle = (Double(c) * 90 + Double(k - 25) * 0.8) * degree
        features += [Float(5 * cos(angle)), Float(5 * sin(angle))]
        labels.append(UInt8(c))
      }
    }
    let weights: [Float] = [1, 0, 0, 1, -1, 0, 0, -1]
    let metrics = FeatureMetrics(
      features: features, labels: labels.map(Int.init), classWeights: weights, dimension: 2, accuracy: 1)
    let metadata = CheckpointMetadata(
      experiment: experiment, run: run, profile: "default", loss: loss, lossParameters: parameters, lambda: 0,
      margin: parameters.m, epoch: epoch, iteration: 10_000, plannedEpochs: 4,
      accuracy: .init(test: 0.9876, train: 0.99, trainMarginRule: 0.9), meanLoss: 0.1, seed: 7, threads: 2,
      kernelThreads: 1,
      dataset: .init(
        name: "mnist", checksum: "abcdef0123456789", classes: nil, trainCaps: nil, trainCount: 200, testCount: 200),
      network: .init(architecture: "compact", featureDimension: 2, featureBias: false, parameterCount: 10),
      classNames: ["a", "b", "c", "d"], codeVersion: codeVersion, wallTimeSeconds: 1,
      metrics: ["train": metrics, "test": metrics])
    return FeatureCheckpoint(
      metadata: metadata, trainFeatures: features, trainLabels: labels, testFeatures: features, testLabels: labels,
      classWeights: weights)
  }

  static func embeddings(_ checkpoint: FeatureCheckpoint) throws -> Embeddings {
    try EmbeddingReader.embeddings(checkpoint: checkpoint, path: "test/epoch-001.npz")
  }

  // Panels trained by different code versions: the caption names each once, in panel order.
  @Test func captionNamesEveryCodeVersion() throws {
    let all = try ["3c0b7a1", "3c0b7a1", "8d496ce", "3c0b7a1"].enumerated().map { index, version in
      try Self.embeddings(
        Self.checkpoint(loss: .lSoftmax, parameters: LossParameters(m: 1), run: "m\(index + 1)", codeVersion: version))
    }
    let caption = CheckpointViews.caption(all)
    #expect(caption.first { $0.key == "code" }?.value == "3c0b7a1,8d496ce")
    #expect(caption.first { $0.key == "profile" }?.value == "default")
    #expect(CheckpointViews.caption([all[0]]).first { $0.key == "code" }?.value == "3c0b7a1")
  }

  @Test func cosFaceSectorsSplitAtBisectorsWithMarginZonesAroundThem() throws {
    let m = 0.2
    let sectors = CheckpointViews.sectors(
      try Self.embeddings(Self.checkpoint(loss: .cosFace, parameters: LossParameters(m: m, s: 10))))
    let decision = sectors.filter { $0.kind == .decisionRegion }
    #expect(decision.count == 4)
    for sector in decision { #expect(abs(sector.span - .pi / 2) < 1e-3) }
    // Towards class 1 (at 90°), class 0 meets its margin rule while cos φ − m > sin φ,
    // i.e. √2 cos(φ + 45°) > m: up to φ = acos(m/√2) − 45°; the zone runs from there to the bisector.
    let acceptanceEdge = acos(m / 2.squareRoot()) - 45 * Self.degree
    let zones = sectors.filter { $0.kind == .marginZone && $0.classIndex == 0 }
    #expect(!zones.isEmpty)
    let upper = try #require(zones.first { $0.contains(angle: 40 * Self.degree) })
    #expect(abs(upper.end - 45 * Self.degree) < 1e-3)
    #expect(abs(upper.start - acceptanceEdge) < 1e-3)
  }

  @Test func softmaxHasNoMarginZoneAndLSoftmaxM1IsLabelledSoftmax() throws {
    let e = try Self.embeddings(Self.checkpoint(loss: .lSoftmax, parameters: LossParameters(m: 1)))
    #expect(CheckpointViews.sectors(e).allSatisfy { $0.kind == .decisionRegion })
    #expect(CheckpointViews.lossLabel(e) == "m=1, Softmax")
    // Computed from the arrays (every synthetic feature lies in its own quadrant), not the stored 98.76 %.
    #expect(CheckpointViews.accuracyLine(e, split: try #require(e.split("test"))) == "Testing Accuracy: 100.00%")
  }

  @Test func sectorFigureShadesRegionsAndZones() throws {
    let checkpoint = Self.checkpoint(loss: .cosFace, parameters: LossParameters(m: 0.2, s: 10))
    var options = CheckpointFigureOptions()
    options.splits = [.test]
    let figure = try Figure.checkpointFigure(.sectors, embeddings: [try Self.embeddings(checkpoint)], options: options)
    let dpi = 144.0
    let image = try figure.renderImage(dpi: dpi)
    let mapping = try #require(try figure.layout().frame(row: 0, column: 0)).mapping
    func pixel(_ angle: Double, _ radius: Double) throws -> Pixel {
      let d = mapping.device(Point(x: radius * cos(angle * Self.degree), y: radius * sin(angle * Self.degree)))
      return try #require(image.pixel(x: Int(d.x * dpi / 72), y: Int(d.y * dpi / 72)))
    }
    let zone = try pixel(45, 0.6)
    #expect(
      zone.distance(to: Pixel(red: zone.red, green: zone.red, blue: zone.red)) <= 2, "margin zone is grey: \(zone)")
    #expect(zone.red < 235)
    let region = try pixel(90 + 30, 0.6)
    #expect(
      region.distance(to: Pixel(red: region.red, green: region.red, blue: region.red)) > 10, "class tint: \(region)")
    #expect(figure.caption.contains { $0.key == "seed" && $0.value == "7" })
  }

  @Test func paperFigureReadsItsRunsAndNamesMissingOnes() throws {
    let root = NSTemporaryDirectory() + "paper-figure-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    let source = try CheckpointSource(runsRoot: root)
    let figure = try #require(PaperFigure.named("lsoftmax-fig2"))
    do {
      _ = try figure.figure(from: source)
      Issue.record("a figure was built without its runs")
    } catch let error as CheckpointError {
      #expect(error.description.contains("margins train lsoftmax-fig2 --run m1"))
    }
    for m in 1...4 {
      let checkpoint = Self.checkpoint(
        loss: .lSoftmax, parameters: LossParameters(m: Double(m)), experiment: "lsoftmax-fig2", run: "m\(m)")
      try source.directory(RunReference("lsoftmax-fig2", "m\(m)")).write(checkpoint, state: [])
    }
    let built = try figure.figure(from: source)
    #expect(built.rows == 2 && built.columns == 4)
    #expect(built[0, 0]?.title == "Training Set (m=1, Softmax)")
    #expect(built[1, 2]?.title == "Testing Set (m=3)")
    #expect(built[1, 3]?.subtitle == "Testing Accuracy: 100.00%")
    let png = try built.pngData(dpi: 72)
    #expect(png.count > 1000)
  }

  @Test func everyNamedFigureHasAUniqueNameAndPureMathFiguresNeedNoRuns() throws {
    #expect(Set(PaperFigure.all.map(\.name)).count == PaperFigure.all.count)
    let source = try CheckpointSource(runsRoot: "/nonexistent")
    for figure in PaperFigure.all where try figure.runs(in: source).isEmpty {
      let built = try figure.figure(from: source)
      #expect(!built.panels.compactMap { $0 }.isEmpty, "\(figure.name) has panels")
    }
  }
}
