import Checkpoints
import Foundation
import MarginMath
import PlotKit

extension PaperFigure {
  /// Runs side by side: training and test features (rows), optionally with sectors.
  static func sideBySide(_ all: [Embeddings], withSectors: Bool) -> Figure {
    var figure = Figure(rows: withSectors ? 3 : 2, columns: all.count)
    for (column, (e, label)) in zip(all, labels(all)).enumerated() {
      for (row, split) in [train(e), test(e)].enumerated() {
        figure[row, column] = .scatter(
          title: "\(label): \(split.setName)", subtitle: CheckpointViews.accuracyLine(e, split: split),
          cloud: CheckpointViews.cloud(e, split: split))
      }
      if withSectors {
        figure[2, column] = .angular(
          title: "\(label): decision sectors", subtitle: "test features on the unit circle",
          cloud: CheckpointViews.cloud(e, split: test(e)), directions: CheckpointViews.directions(e),
          sectors: CheckpointViews.sectors(e))
      }
    }
    figure.legendTitle = "digit"
    figure.caption = CheckpointViews.caption(all)
    return figure
  }

  static let l2Softmax = PaperFigure(
    name: "l2-softmax",
    summary: "L2-constrained softmax (features rescaled to α = 10) vs softmax: training and test features; the L2 features sit on one circle and only their angle is learned.",
    // L-Softmax with m = 1 is softmax without bias: the L-Softmax figure's first run is the baseline.
    runs: .runs([RunReference("lsoftmax-fig2", "m1"), RunReference("l2-softmax", "l2-softmax")])
  ) { source, runs in
    sideBySide(try runs.map(source.latest), withSectors: false)
  }

  static let weightedSoftmax = PaperFigure(
    name: "weighted-softmax",
    summary: "Weighted vs plain softmax on an imbalanced MNIST (digits 0-4 capped at 300 training images): training and test features, and the label-free decision sectors; class balancing widens the minority classes' sectors.",
    runs: .experiment("weighted-softmax")
  ) { source, runs in
    sideBySide(try runs.map(source.latest), withSectors: true)
  }

  static let overview = PaperFigure(
    name: "overview",
    summary: "Every loss of the family on 2-D MNIST, two losses per row: test features, and the test features on the unit circle with decision sectors and margin zones (training features: lsoftmax-fig2 and the report's table).",
    runs: .runs([
      RunReference("lsoftmax-fig2", "m1"), RunReference("weighted-softmax", "weighted"), RunReference("lsoftmax-fig2", "m4"),
      RunReference("all-losses", "modified-softmax"), RunReference("all-losses", "a-softmax"),
      RunReference("l2-softmax", "l2-softmax"), RunReference("all-losses", "normface"), RunReference("all-losses", "cosface"),
      RunReference("all-losses", "arcface"), RunReference("all-losses", "combined"),
    ]),
    maximumRasterDPI: 110
  ) { source, runs in
    let all = try runs.map(source.latest)
    // Two losses per row (test features, sectors) keep ten losses on one page: 5 rows of 4 panels,
    // about 8.5 in tall at 6.5 in wide, where one row per loss with train, test and sectors was 22 in.
    let perRow = 2
    var figure = Figure(rows: (all.count + perRow - 1) / perRow, columns: 2 * perRow, panelWidth: 150, panelHeight: 150)
    // Narrow panels: the loss over the features, the epoch (when epochs differ) over the sectors, short subtitles.
    let withEpoch = CheckpointViews.epochsDiffer(all)
    for (k, e) in all.enumerated() {
      let row = k / perRow, column = 2 * (k % perRow)
      let accuracy = e.accuracy(of: test(e)).map { String(format: "test: %.2f%%", 100 * $0) } ?? "no class weights"
      figure[row, column] = .scatter(
        title: CheckpointViews.panelLabel(e), subtitle: accuracy, cloud: CheckpointViews.cloud(e, split: test(e)))
      let sectors = CheckpointViews.sectors(e)
      let epoch = withEpoch ? (CheckpointViews.epochNote(e) ?? "no epoch") + ": " : ""
      figure[row, column + 1] = .angular(
        title: epoch + "sectors", subtitle: marginNote(sectors).replacingOccurrences(of: "margin zone ", with: "margin "),
        cloud: CheckpointViews.cloud(e, split: test(e)), directions: CheckpointViews.directions(e), sectors: sectors)
    }
    // Independent limits: a row holds raw features and a unit-circle panel, whose scales differ.
    figure.limitSharing = .independent
    figure.legendTitle = "digit"
    figure.caption = CheckpointViews.caption(all)
    return figure
  }
}
