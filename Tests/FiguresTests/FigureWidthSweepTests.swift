import Checkpoints
import Experiments
import Foundation
import MarginMath
import Testing

import CairoBackend
@testable import Figures
@testable import PlotKit

/// Every named figure at a column's width, a wider column and a page's width, at 8 and 10 pt: it
/// lays out (nothing refused), and no string it draws leaves the canvas or touches another string.
/// Text boxes come from the layout and the layers (measured with Cairo, nothing rasterised), drawn
/// from small synthetic runs written where the figures look for them.
@Suite("Every paper figure at every width")
struct FigureWidthSweepTests {
  static let widthsInches = [3.25, 4.5, 6.5]
  static let fontSizes = [8.0, 10.0]

  /// The runs of every figure, written once into a temporary runs directory.
  static let source: Result<CheckpointSource, any Error> = Result {
    let root = NSTemporaryDirectory() + "width-sweep-\(UUID().uuidString)"
    let source = try CheckpointSource(runsRoot: root)
    var written = Set<RunReference>()
    for figure in PaperFigure.all {
      for reference in try figure.runs(in: source) where written.insert(reference).inserted {
        let run = try source.experiments.run(reference)
        let threeD = figure.name.hasPrefix("sphere")
        try source.directory(reference).write(
          threeD ? sphereCheckpoint(reference, run) : planeCheckpoint(reference, run), state: [])
        try log.write(toFile: source.directory(reference).logPath, atomically: true, encoding: .utf8)
      }
    }
    return source
  }

  static let log: String = {
    var lines = ["iteration,epoch,loss,lambda,margin,lr,batch_accuracy,batch_margin_accuracy"]
    for i in 1...400 {
      let t = Double(i)
      lines.append("\(i),\(1 + i / 100),\(2.3 * exp(-t / 60) + 0.02),0,1,0.01,\(1 - 0.9 * exp(-t / 50) - 0.001),0.9")
    }
    return lines.joined(separator: "\n") + "\n"
  }()

  static func metadata(
    _ reference: RunReference, _ run: RunSpecification, dimension: Int, features: [Float], labels: [UInt8],
    weights: [Float]
  ) -> CheckpointMetadata {
    let classes = weights.count / dimension
    let metrics = FeatureMetrics(
      features: features, labels: labels.map(Int.init), classWeights: weights, dimension: dimension, accuracy: 0.9876)
    let parameters = run.lossParameters(profile: "default")
    return CheckpointMetadata(
      experiment: reference.experiment, run: run.name, profile: "default", loss: run.loss,
      lossParameters: parameters,
      lambda: 0.164, margin: parameters.m, epoch: 4, iteration: 628, plannedEpochs: 4,
      accuracy: .init(test: 0.9876, train: 0.99, trainMarginRule: 0.9), meanLoss: 0.1, seed: 1701, threads: 2,
      kernelThreads: 1,
      dataset: .init(
        name: "mnist", checksum: "abcdef0123456789", classes: nil, trainCaps: nil, trainCount: 300, testCount: 300),
      network: .init(architecture: "lenetpp", featureDimension: dimension, featureBias: false, parameterCount: 10),
      classNames: (0..<classes).map(String.init), codeVersion: "test", wallTimeSeconds: 1,
      metrics: ["train": metrics, "test": metrics])
  }

  /// Two classes as opposite rays, 30 points each, reaching about 40 (MNIST softmax features'
  /// size). Few classes: the debug build's sector scan costs classes² per run, and the ten-class
  /// legends and labels are swept by the sphere figures.
  static func planeCheckpoint(_ reference: RunReference, _ run: RunSpecification) -> FeatureCheckpoint {
    var features: [Float] = [], labels: [UInt8] = [], weights: [Float] = []
    for c in 0..<2 {
      let a = Double(c) * 180 * .pi / 180 + 0.3
      weights += [Float(cos(a)), Float(sin(a))]
      for k in 0..<30 {
        let r = 4 + Double(k) * 1.2, wobble = Double(k % 5 - 2) * 0.04
        features += [Float(r * cos(a + wobble)), Float(r * sin(a + wobble))]
        labels.append(UInt8(c))
      }
    }
    return FeatureCheckpoint(
      metadata: metadata(reference, run, dimension: 2, features: features, labels: labels, weights: weights),
      trainFeatures: features, trainLabels: labels, testFeatures: features, testLabels: labels, classWeights: weights)
  }

  /// Ten classes around golden-spiral directions (the weights), 30 points each.
  static func sphereCheckpoint(_ reference: RunReference, _ run: RunSpecification) -> FeatureCheckpoint {
    var features: [Float] = [], labels: [UInt8] = [], weights: [Float] = []
    for c in 0..<10 {
      let z = 1 - 2 * (Float(c) + 0.5) / 10, r = (1 - z * z).squareRoot(), a = Float(c) * 2.399963
      let d = [r * cos(a), r * sin(a), z]
      weights += d
      for k in 0..<30 {
        let wobble = Float(k % 7) * 0.03 - 0.09, norm = 4 + Float(k % 5)
        features += [norm * (d[0] + wobble), norm * (d[1] - wobble), norm * d[2]]
        labels.append(UInt8(c))
      }
    }
    return FeatureCheckpoint(
      metadata: metadata(reference, run, dimension: 3, features: features, labels: labels, weights: weights),
      trainFeatures: features, trainLabels: labels, testFeatures: features, testLabels: labels, classWeights: weights)
  }

  @Test(arguments: PaperFigure.all.map(\.name))
  func noTextIsCutOrOverlapsAtAnyWidthOrFontSize(name: String) throws {
    let source = try Self.source.get()
    let paper = try #require(PaperFigure.named(name))
    let built = try paper.figure(from: source)
    for inches in Self.widthsInches {
      for size in Self.fontSizes {
        var figure = built
        figure.width = inches * 72
        figure.style.fontSize = size
        let placed: (layout: FigureLayout, texts: [PlacedText])
        do {
          placed = try figure.placedTexts()
        } catch {
          Issue.record("\(name) at \(inches) in, \(size) pt: \(error)")
          continue
        }
        #expect(abs(placed.layout.width - inches * 72) < 1e-6)
        #expect(!placed.texts.isEmpty)
        let problems = TextCollisions.problems(
          in: placed.texts, width: placed.layout.width, height: placed.layout.height)
        #expect(
          problems.isEmpty,
          "\(name) at \(inches) in, \(size) pt\(placed.layout.isCompact ? " (compact)" : ""): \(problems.prefix(6).joined(separator: "; "))"
        )
      }
    }
  }

  /// The optional weight labels of the sphere figures are moved apart, never printed over each other.
  @Test(arguments: ["sphere-am-softmax", "sphere-arcface"])
  func sphereWeightLabelsDoNotOverlap(name: String) throws {
    let built = try #require(PaperFigure.named(name)).figure(
      from: try Self.source.get(), options: PaperFigureOptions(sphereWeightLabels: true))
    for inches in [3.25, 6.5] {
      var figure = built
      figure.width = inches * 72
      let placed = try figure.placedTexts()
      #expect(placed.texts.filter { $0.text.hasPrefix("W") }.count >= 20)
      let problems = TextCollisions.problems(in: placed.texts, width: placed.layout.width, height: placed.layout.height)
      #expect(problems.isEmpty, "\(name) at \(inches) in with labels: \(problems.prefix(6).joined(separator: "; "))")
    }
  }

  /// L-Softmax Fig. 2 at a column's width keeps the paper's two rows of four, with tick labels only
  /// on the outer panels.
  @Test func lSoftmaxFigureKeepsTwoRowsOfFourAtAColumnsWidth() throws {
    var figure = try #require(PaperFigure.named("lsoftmax-fig2")).figure(from: try Self.source.get())
    figure.width = 3.25 * 72
    figure.style.fontSize = 8
    let layout = try figure.layout()
    #expect(layout.isCompact)
    #expect(layout.figure.rows == 2 && layout.figure.columns == 4)
    for frame in layout.panels {
      #expect(frame.showsYTickLabels == (frame.column == 0), "panel \(frame.index)")
      #expect(frame.showsXTickLabels == (frame.row == 1), "panel \(frame.index)")
      #expect(frame.mapping.box.width > 35)
    }
  }
}
