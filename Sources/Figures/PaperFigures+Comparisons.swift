import Checkpoints
import Experiments
import Foundation
import MarginMath
import PlotKit

extension PaperFigure {
  /// Runs side by side: training and test features (rows), optionally with sectors.
  static func sideBySide(_ all: [Embeddings], withSectors: Bool) -> Figure {
    var figure = columnPerRun(all, rows: withSectors ? 3 : 2) { _, e, label in
      var panels = [train(e), test(e)].enumerated().map { row, split in
        var panel = Panel.scatter(
          title: row == 0 ? label : nil, subtitle: CheckpointViews.accuracyLine(e, split: split),
          cloud: CheckpointViews.cloud(e, split: split))
        panel.compactTitle = row == 0 ? shortLossTitle(e) : nil
        panel.compactSubtitle = "\(split.name == "train" ? "train" : "test") " + shortAccuracy(e, split: split)
        return panel
      }
      if withSectors {
        let sectors = CheckpointViews.sectors(e)
        var panel = Panel.angular(
          subtitle: marginNote(sectors), cloud: CheckpointViews.cloud(e, split: test(e)),
          directions: CheckpointViews.directions(e),
          sectors: sectors, density: .jitter)
        panel.compactSubtitle = marginNote(sectors).replacingOccurrences(of: "margin zone ", with: "margin ")
        panels.append(panel)
      }
      return panels
    }
    figure.legendTitle = "digit"
    let rows =
      withSectors
      ? "training features (top), test features (middle), test features on the unit circle with the decision sectors (bottom)"
      : "training features (top), test features (bottom)"
    figure.caption =
      CheckpointViews.caption(all) + lambdaCaption(all) + [("rows", rows)]
      + (withSectors ? [("circle", AngularDensity.jitter.captionNote!)] : [])
    return figure
  }

  static let l2Softmax = PaperFigure(
    name: "l2-softmax",
    summary:
      "L2-constrained softmax (features rescaled to α = 10) vs softmax: training and test features; the L2 features sit on one circle and only their angle is learned.",
    // L-Softmax with m = 1 is softmax without bias: the L-Softmax figure's first run is the baseline.
    runs: .runs([PaperRuns.softmax, PaperRuns.l2Softmax])
  ) { all, _ in
    sideBySide(all, withSectors: false)
  }

  static let weightedSoftmax = PaperFigure(
    name: "weighted-softmax",
    summary:
      "Weighted vs plain softmax on an imbalanced MNIST (digits 0-4 capped at 300 training images): training and test features, and the label-free decision sectors; class balancing widens the minority classes' sectors.",
    runs: .experiment("weighted-softmax")
  ) { all, _ in
    sideBySide(all, withSectors: true)
  }

  static let overview = PaperFigure(
    name: "overview",
    summary:
      "Every loss of the family on 2-D MNIST, two losses per row: test features, and the test features on the unit circle with decision sectors and margin zones (training features: lsoftmax-fig2 and the report's table).",
    runs: .runs([
      PaperRuns.softmax, PaperRuns.weightedSoftmax,
      PaperRuns.lSoftmaxM4,
      PaperRuns.modifiedSoftmax, PaperRuns.aSoftmax,
      PaperRuns.l2Softmax, PaperRuns.normFace,
      PaperRuns.cosFace,
      PaperRuns.arcFace, PaperRuns.combinedMargin,
    ]),
    maximumRasterDPI: 110
  ) { all, _ in
    // Two losses per row (test features, sectors) keep ten losses on one page. The raw panels have
    // no tick labels (each its own scale; an overview compares shapes), which gives the panels the
    // width the four tick gutters took.
    let perRow = 2
    var figure = Figure(rows: (all.count + perRow - 1) / perRow, columns: 2 * perRow, panelWidth: 150, panelHeight: 150)
    // Every loss of the family side by side: each title names its loss in full, at any width.
    let common = Dictionary(grouping: all.compactMap(\.epoch), by: { $0 }).max { $0.value.count < $1.value.count }?.key
    for (k, e) in all.enumerated() {
      let row = k / perRow, column = 2 * (k % perRow)
      let label = familyTitle(e) + (e.epoch != common ? ", " + (CheckpointViews.epochNote(e) ?? "no epoch") : "")
      let accuracy =
        e.recordedAccuracy(of: test(e)).map { String(format: "test %.2f%%", 100 * $0) } ?? "no class weights"
      var features = Panel.scatter(title: label, subtitle: accuracy, cloud: CheckpointViews.cloud(e, split: test(e)))
      features.showsAxes = false
      features.compactSubtitle = shortAccuracy(e, split: test(e))
      let sectors = CheckpointViews.sectors(e)
      var circle = Panel.angular(
        subtitle: marginNote(sectors).replacingOccurrences(of: "margin zone ", with: "margin "),
        cloud: CheckpointViews.cloud(e, split: test(e)), directions: CheckpointViews.directions(e), sectors: sectors,
        density: .jitter)
      circle.showsAxes = false
      circle.compactSubtitle = compactMarginNote(sectors)
      figure[row, column] = features
      figure[row, column + 1] = circle
    }
    // At a column's width the four columns stay (a 2-column form was 17 in tall): an overview of shapes.
    figure.limitSharing = .independent
    figure.legendTitle = "digit"
    figure.caption =
      CheckpointViews.caption(all).filter { $0.key != "epoch" } + [
        ("epoch", "\(common.map(String.init) ?? "?") unless the title says otherwise"),
        (
          "pairs",
          "each loss: test features (left, own scale, no ticks; under them the test accuracy) and on the unit circle with decision sectors and margin zones (right; under it the widest margin zone)"
        ),
        ("circle", AngularDensity.jitter.captionNote!),
      ]
    return figure
  }
}
