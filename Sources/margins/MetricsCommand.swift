import ArgumentParser
import Checkpoints
import Figures
import Foundation

struct MetricsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "metrics",
    abstract:
      "Print the accuracies and feature geometry (angles, margins, norms) of embeddings: a checkpoint's as the trainer stored them, any other file's computed from its arrays.",
    discussion:
      "Reads the same files and takes the same input options as `margins plot`; any D >= 2. A checkpoint's metrics are the trainer's, over every item of the split; what its kept features give is printed as well, saying over how many items. --json prints one JSON document."
  )

  @Argument(
    help: "Embedding files (.npz, .npy, .csv, .tsv) or checkpoints (epoch-NNN.npz/.json files or run directories).")
  var files: [String]

  @OptionGroup var input: EmbeddingInputOptions

  @Flag(help: "Print the metrics as JSON (one object per file) instead of text.")
  var json = false

  func validate() throws { try input.validate(files) }

  struct SplitReport: Encodable {
    let name: String
    /// The features the file keeps.
    let count: Int
    /// The metrics of record (`Embeddings.recordedMetrics(of:)`).
    let metrics: FeatureMetrics?
    /// "trainer" (stored in the checkpoint, over `items` items) or "arrays" (computed from the `count` kept features).
    let source: String
    /// The items `metrics` were measured over.
    let items: Int
    /// For a checkpoint: the same metrics computed from its `count` kept features.
    let keptFeatureMetrics: FeatureMetrics?

    init(_ e: Embeddings, split: Embeddings.Split) {
      name = split.name
      count = split.count
      metrics = e.recordedMetrics(of: split)
      let stored = e.metadata?.metrics[split.name]
      let fromTrainer = stored != nil && stored == metrics
      source = fromTrainer ? "trainer" : "arrays"
      items = fromTrainer ? stored!.perClass.reduce(0) { $0 + $1.count } : split.count
      keptFeatureMetrics = fromTrainer ? e.metrics(of: split) : nil
    }
  }

  struct FileReport: Encodable {
    let file: String
    let dimension: Int
    let classNames: [String]
    let epoch: Int?
    let loss: String?
    let hasClassWeights: Bool
    let notes: [String]
    let splits: [SplitReport]
  }

  func run() throws {
    let all = try input.read(files)
    if json {
      let reports = all.map { e in
        FileReport(
          file: e.path, dimension: e.dimension, classNames: e.classNames, epoch: e.epoch, loss: e.loss?.kind.rawValue,
          hasClassWeights: e.classWeights != nil, notes: e.notes,
          splits: e.splits.map { SplitReport(e, split: $0) })
      }
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      encoder.nonConformingFloatEncodingStrategy = .convertToString(
        positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
      print(String(decoding: try encoder.encode(reports), as: UTF8.self))
      return
    }
    for e in all {
      let path = e.path
      if let m = e.metadata {
        print(
          "\(m.experiment)/\(m.run) epoch \(m.epoch)/\(m.plannedEpochs) (\(m.profile) profile, \(m.network.architecture), seed \(m.seed))"
        )
        print(
          "  train accuracy under the margin rule (trainer's): "
            + String(format: "%.2f%%", 100 * m.accuracy.trainMarginRule))
      } else {
        print("\(path)\(e.epoch.map { " epoch \($0)" } ?? "") (D = \(e.dimension), \(e.classCount) classes)")
      }
      if let loss = e.loss {
        print("  loss \(loss.kind.rawValue) (\(CheckpointViews.panelLabel(e)))")
      }
      for split in e.splits {
        let report = SplitReport(e, split: split)
        guard let metrics = report.metrics else {
          print("  \(split.name): \(split.count) features")
          print("    no class weights: no accuracy or angles (give them with --class-weights or --weights-key)")
          continue
        }
        if let kept = report.keptFeatureMetrics {
          print("  \(split.name): \(report.items) items (trainer's metrics, over every item)")
          printMetrics(metrics, e)
          print("    computed from the \(split.count) kept features (of \(report.items) items):")
          printMetrics(kept, e, indent: "      ")
        } else {
          print("  \(split.name): \(split.count) features")
          printMetrics(metrics, e)
        }
      }
    }
  }

  private func printMetrics(_ metrics: FeatureMetrics, _ e: Embeddings, indent: String = "    ") {
    if let a = metrics.accuracy { print(indent + String(format: "accuracy %.2f%%", 100 * a)) }
    print(
      indent
        + String(
          format: "angle to own class weight: mean %.2f°; min angle between class weights %.2f°",
          metrics.meanAngleToOwnWeightDegrees, metrics.minimumWeightAngleDegrees))
    if let margin = metrics.achievedMarginDegrees {
      print(
        indent
          + String(
            format: "achieved angular margin (smallest gap between neighbouring classes' 90%% ranges): %.2f°", margin))
    }
    let n = metrics.featureNorms
    print(
      indent
        + String(
          format: "feature norm: mean %.3g, std %.3g, min %.3g, max %.3g", n.mean, n.standardDeviation, n.minimum,
          n.maximum))
    let perClass = metrics.perClass.enumerated().map { c, a in
      String(format: "%@ %.1f±%.1f°", e.classNames[c], a.meanDegrees, a.standardDeviationDegrees)
    }
    print(indent + "per class (mean±std angle): " + perClass.joined(separator: ", "))
  }
}
