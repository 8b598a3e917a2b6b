import ArgumentParser
import Checkpoints
import Figures
import Foundation

struct MetricsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "metrics",
    abstract: "Print the accuracies and feature geometry (angles, margins, norms) of embeddings, computed from their arrays.")

  @Argument(help: "Embedding files or checkpoints (epoch-NNN.npz/.json files or run directories).")
  var files: [String]

  func run() throws {
    for path in files {
      let e = try EmbeddingReader.read(path)
      if let m = e.metadata {
        print("\(m.experiment)/\(m.run) epoch \(m.epoch)/\(m.plannedEpochs) (\(m.profile) profile, \(m.network.architecture), seed \(m.seed))")
        print("  train accuracy under the margin rule (trainer's): " + String(format: "%.2f%%", 100 * m.accuracy.trainMarginRule))
      } else {
        print("\(path)\(e.epoch.map { " epoch \($0)" } ?? "")")
      }
      if let loss = e.loss {
        print("  loss \(loss.kind.rawValue) (\(CheckpointViews.panelLabel(e)))")
      }
      for split in e.splits {
        print("  \(split.name): \(split.count) features")
        guard let metrics = e.metrics(of: split) else {
          print("    no class weights: no accuracy or angles")
          continue
        }
        if let a = metrics.accuracy { print(String(format: "    accuracy %.2f%%", 100 * a)) }
        print(String(format: "    angle to own class weight: mean %.2f°; min angle between class weights %.2f°",
                     metrics.meanAngleToOwnWeightDegrees, metrics.minimumWeightAngleDegrees))
        if let margin = metrics.achievedMarginDegrees {
          print(String(format: "    achieved angular margin (smallest gap between neighbouring classes' 90%% ranges): %.2f°", margin))
        }
        let n = metrics.featureNorms
        print(String(format: "    feature norm: mean %.3g, std %.3g, min %.3g, max %.3g", n.mean, n.standardDeviation, n.minimum, n.maximum))
        let perClass = metrics.perClass.enumerated().map { c, a in
          String(format: "%@ %.1f±%.1f°", e.classNames[c], a.meanDegrees, a.standardDeviationDegrees)
        }
        print("    per class (mean±std angle): " + perClass.joined(separator: ", "))
      }
    }
  }
}
