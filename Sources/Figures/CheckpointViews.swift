import PlotKit
import Checkpoints
import Foundation
import MarginMath

/// Turns feature checkpoints into the kit's plain inputs: clouds, class directions, angular
/// sectors from the shared margin math, angle histograms, and the papers' panel titles.
public enum CheckpointViews {
  public enum SplitChoice: String, CaseIterable, Sendable {
    case train
    case test

    /// "Training Set" / "Testing Set", as the L-Softmax figure says.
    public var setName: String { self == .train ? "Training Set" : "Testing Set" }
  }

  public static func cloud(_ checkpoint: FeatureCheckpoint, split: SplitChoice) -> FeatureCloud {
    let d = checkpoint.dimension
    let features = split == .train ? checkpoint.trainFeatures : checkpoint.testFeatures
    let labels = split == .train ? checkpoint.trainLabels : checkpoint.testLabels
    // Figures are 2-D; a 3-D checkpoint is shown by its first two coordinates.
    let xs = stride(from: 0, to: features.count, by: d).map { features[$0] }
    let ys = stride(from: 1, to: features.count, by: d).map { features[$0] }
    return FeatureCloud(xs: xs, ys: ys, labels: labels, classNames: checkpoint.metadata.classNames)
  }

  /// The class weight vectors (first two coordinates) as directions.
  public static func directions(_ checkpoint: FeatureCheckpoint) -> [Point] {
    let d = checkpoint.dimension
    return (0..<checkpoint.classCount).map {
      Point(x: Double(checkpoint.classWeights[$0 * d]), y: Double(checkpoint.classWeights[$0 * d + 1]))
    }
  }

  /// The margin rule in force at the checkpoint (λ and ramped margins at its iteration, learned α).
  public static func rule(_ checkpoint: FeatureCheckpoint) -> MarginRule {
    var parameters = checkpoint.metadata.lossParameters
    if let alpha = checkpoint.alpha { parameters.alpha = Double(alpha) }
    return MarginRule(kind: checkpoint.metadata.loss, parameters: parameters, iteration: checkpoint.metadata.iteration)
  }

  /// Label-free decision regions and margin zones of every class (2-D checkpoints only).
  public static func sectors(_ checkpoint: FeatureCheckpoint, includingMarginZones: Bool = true) -> [AngularSector] {
    guard checkpoint.dimension == 2 else { return [] }
    let weights = directions(checkpoint).map { Point2(x: $0.x, y: $0.y) }
    let biases = checkpoint.classBias.map { $0.map(Double.init) }
    // With a bias the regions depend on ‖x‖; draw them at the test features' mean norm.
    let norm = checkpoint.metadata.metrics["test"]?.featureNorms.mean ?? 1
    let classes = SectorGeometry.sectors(weights: weights, biases: biases, rule: rule(checkpoint), featureNorm: max(norm, 1e-6))
    var sectors: [AngularSector] = []
    for entry in classes {
      sectors += entry.decision.map { AngularSector(start: $0.start, end: $0.end, classIndex: entry.classIndex, kind: .decisionRegion) }
      if includingMarginZones {
        sectors += entry.marginZones.map { AngularSector(start: $0.start, end: $0.end, classIndex: entry.classIndex, kind: .marginZone) }
      }
    }
    return sectors
  }

  /// A short label of the loss and its parameters: "m=1, Softmax", "m=3", "ArcFace, m=0.25".
  public static func lossLabel(_ metadata: CheckpointMetadata) -> String {
    let p = metadata.lossParameters
    func number(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(format: "%g", x) }
    switch metadata.loss {
    case .lSoftmax: return p.m == 1 ? "m=1, Softmax" : "m=\(number(p.m))"
    case .aSoftmax: return "A-Softmax, m=\(number(p.m))"
    case .softmax: return "Softmax"
    case .weightedSoftmax: return "Weighted Softmax"
    case .modifiedSoftmax: return "Modified Softmax"
    case .l2Softmax: return "L2-Softmax, α=\(number(Double(metadata.lossParameters.alpha)))"
    case .normFace: return "NormFace, s=\(number(p.s))"
    case .amSoftmax: return "AM-Softmax, m=\(number(p.m))"
    case .cosFace: return "CosFace, m=\(number(p.m))"
    case .arcFace: return "ArcFace, m=\(number(p.m))"
    case .combined: return "Combined (\(number(p.m1)), \(number(p.m2)), \(number(p.m3)))"
    }
  }

  /// "Testing Accuracy: 98.45%" for the test split, "Training Accuracy: ..." for the training split.
  public static func accuracyLine(_ metadata: CheckpointMetadata, split: SplitChoice) -> String {
    let value = split == .test ? metadata.accuracy.test : metadata.accuracy.train
    return String(format: "%@ Accuracy: %.2f%%", split == .test ? "Testing" : "Training", 100 * value)
  }

  /// Caption lines naming what a figure was drawn from.
  public static func caption(_ checkpoints: [FeatureCheckpoint]) -> [(key: String, value: String)] {
    guard let first = checkpoints.first?.metadata else { return [] }
    let runs = checkpoints.map { "\($0.metadata.experiment)/\($0.metadata.run)" }
    let epochs = Set(checkpoints.map(\.metadata.epoch)).sorted().map(String.init).joined(separator: ",")
    let seeds = Set(checkpoints.map(\.metadata.seed)).sorted().map(String.init).joined(separator: ",")
    return [
      ("runs", runs.count > 3 ? "\(runs[0]) … \(runs[runs.count - 1]) (\(runs.count))" : runs.joined(separator: ", ")),
      ("epoch", epochs), ("seed", seeds), ("profile", first.profile),
      ("data", "\(first.dataset.name) \(first.dataset.checksum.prefix(12))"), ("code", first.codeVersion),
    ]
  }

  /// What is written next to every figure: where each panel's data came from.
  /// Only metadata is needed, so a paper figure's provenance reads the runs' JSON files, not their arrays.
  public static func provenance(_ metadata: [CheckpointMetadata], paths: [String]) -> Data {
    let entries: [JSONValue] = zip(metadata, paths).map { m, path in
      .object([
        "checkpoint": .string(path), "experiment": .string(m.experiment), "run": .string(m.run),
        "profile": .string(m.profile), "epoch": .number(Double(m.epoch)), "seed": .number(Double(m.seed)),
        "loss": .string(m.loss.rawValue), "datasetChecksum": .string(m.dataset.checksum),
        "codeVersion": .string(m.codeVersion), "testAccuracy": .number(m.accuracy.test),
        "configuration": m.configuration,
      ])
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return (try? encoder.encode(JSONValue.object(["panels": .array(entries)]))) ?? Data()
  }
}
