import Checkpoints
import Foundation
import MarginMath
import PlotKit

extension PaperFigure {
  /// The loss as a paper names it, without λ (which goes to the caption): "m=2", "ArcFace, m=0.5".
  static func lossTitle(_ e: Embeddings) -> String { CheckpointViews.lossLabel(e) ?? e.label }

  /// A narrow column's name for the loss: the margin alone for the cosine-margin family, whose
  /// name the caption gives once.
  static func shortLossTitle(_ e: Embeddings) -> String {
    let full = lossTitle(e)
    switch e.loss?.kind {
    case .amSoftmax?, .cosFace?: return full.replacingOccurrences(of: "CosFace/AM, ", with: "")
    case .normFace?: return "NormFace"
    case .l2Softmax?: return "L2-Softmax"
    case .combined?: return "Combined"
    default:
      return full.replacingOccurrences(of: " (configured ", with: " (of ").replacingOccurrences(
        of: "A-Softmax, ", with: "A-Softmax ")
    }
  }

  /// The loss with its family's name where the margin alone would be ambiguous among losses:
  /// "L-Softmax, m=4", "CosFace/AM, m=0.1", "Softmax".
  static func familyTitle(_ e: Embeddings) -> String {
    guard let loss = e.loss else { return e.label }
    if loss.kind == .lSoftmax {
      return loss.parameters.m == 1 ? "Softmax" : "L-Softmax, m=\(CheckpointViews.number(loss.parameters.m))"
    }
    return lossTitle(e)
  }

  /// Loss titles for a row of runs, with the epoch when the epochs differ.
  static func titles(_ all: [Embeddings], short: Bool = false) -> [String] {
    let withEpoch = CheckpointViews.epochsDiffer(all)
    return all.map { e in
      (short ? shortLossTitle(e) : lossTitle(e)) + (withEpoch ? ", " + (CheckpointViews.epochNote(e) ?? "") : "")
    }
  }

  /// "98.48%" (the accuracy line without its words, for compact subtitles).
  static func shortAccuracy(_ e: Embeddings, split: Embeddings.Split) -> String {
    e.recordedAccuracy(of: split).map { String(format: "%.2f%%", 100 * $0) } ?? "no accuracy"
  }

  /// One caption item for the λ of every run that blends one in: its value at the checkpoint and the
  /// schedule it follows, grouped where runs agree, e.g. "m=2, m=3, m=4: 0.164 at epoch 4, annealed by
  /// λ = max(0, 1000·(1 + 0.0002·it)^−35) towards its floor 0 (ψ blended as (λ cos θ + ψ(θ))/(1 + λ))".
  static func lambdaCaption(_ all: [Embeddings]) -> [(key: String, value: String)] {
    var groups: [(key: String, runs: [String])] = []
    for e in all {
      guard CheckpointViews.lambdaNote(e) != nil, let rule = e.rule else { continue }
      let schedule = e.metadata.flatMap { TrainingSettingsSummary.lambdaSchedule($0.configuration) }
      let floor = e.loss?.parameters.lambda.minimum ?? 0
      var text = CheckpointViews.number(rule.lambda) + (e.epoch.map { " at epoch \($0)" } ?? "")
      if let schedule { text += ", annealed by \(schedule)" }
      if abs(rule.lambda - floor) > 1e-9 * max(1, floor) {
        text += " towards its floor \(CheckpointViews.number(floor))"
      }
      let name = shortLossTitle(e)
      if let k = groups.firstIndex(where: { $0.key == text }) {
        groups[k].runs.append(name)
      } else {
        groups.append((text, [name]))
      }
    }
    guard !groups.isEmpty else { return [] }
    let body = groups.map { "\($0.runs.joined(separator: ", ")): \($0.key)" }.joined(separator: "; ")
    return [("λ", body + " (the target logit is (λ cos θ + ψ(θ))/(1 + λ))")]
  }
}
