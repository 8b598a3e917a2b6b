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
    summary: "Every loss of the family on 2-D MNIST, one row per loss: training features, test features, and the test features on the unit circle with decision sectors and margin zones.",
    runs: .runs([
      RunReference("lsoftmax-fig2", "m1"), RunReference("weighted-softmax", "weighted"), RunReference("lsoftmax-fig2", "m4"),
      RunReference("all-losses", "modified-softmax"), RunReference("all-losses", "a-softmax"),
      RunReference("l2-softmax", "l2-softmax"), RunReference("all-losses", "normface"), RunReference("all-losses", "cosface"),
      RunReference("all-losses", "arcface"), RunReference("all-losses", "combined"),
    ]),
    maximumRasterDPI: 110
  ) { source, runs in
    let all = try runs.map(source.latest)
    var figure = Figure(rows: all.count, columns: 3, panelWidth: 150, panelHeight: 150)
    for (row, (e, label)) in zip(all, labels(all)).enumerated() {
      figure[row, 0] = .scatter(
        title: "\(label): train", subtitle: CheckpointViews.accuracyLine(e, split: train(e)), cloud: CheckpointViews.cloud(e, split: train(e)))
      figure[row, 1] = .scatter(
        title: "\(label): test", subtitle: CheckpointViews.accuracyLine(e, split: test(e)), cloud: CheckpointViews.cloud(e, split: test(e)))
      let sectors = CheckpointViews.sectors(e)
      figure[row, 2] = .angular(
        title: "\(label): sectors", subtitle: marginNote(sectors), cloud: CheckpointViews.cloud(e, split: test(e)),
        directions: CheckpointViews.directions(e), sectors: sectors)
    }
    // Independent limits: a row holds raw features and a unit-circle panel, whose scales differ.
    figure.limitSharing = .independent
    figure.legendTitle = "digit"
    figure.caption = CheckpointViews.caption(all)
    return figure
  }
}
