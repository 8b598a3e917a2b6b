import PlotKit
import Checkpoints
import Foundation
import MarginMath

extension PaperFigure {
  /// Two runs side by side: training and test features (rows), optionally with sectors.
  static func sideBySide(_ checkpoints: [FeatureCheckpoint], titles: [String], withSectors: Bool) -> Figure {
    var figure = Figure(rows: withSectors ? 3 : 2, columns: checkpoints.count)
    for (column, checkpoint) in checkpoints.enumerated() {
      for (row, split) in [CheckpointViews.SplitChoice.train, .test].enumerated() {
        figure[row, column] = .scatter(
          title: "\(titles[column]): \(split.setName)", subtitle: CheckpointViews.accuracyLine(checkpoint.metadata, split: split),
          cloud: CheckpointViews.cloud(checkpoint, split: split))
      }
      if withSectors {
        let sectors = CheckpointViews.sectors(checkpoint)
        figure[2, column] = .angular(
          title: "\(titles[column]): decision sectors", subtitle: "test features on the unit circle",
          cloud: CheckpointViews.cloud(checkpoint, split: .test), directions: CheckpointViews.directions(checkpoint),
          sectors: sectors)
      }
    }
    figure.legendTitle = "digit"
    figure.caption = CheckpointViews.caption(checkpoints)
    return figure
  }

  static let l2Softmax = PaperFigure(
    name: "l2-softmax",
    summary: "L2-constrained softmax (features rescaled to α = 10) vs softmax: training and test features; the L2 features sit on one circle and only their angle is learned.",
    runs: [RunReference("lsoftmax-fig2", "m1"), RunReference("l2-softmax", "l2-softmax")]
  ) { source in
    // L-Softmax with m = 1 is softmax without bias: the L-Softmax figure's first run is the baseline.
    let checkpoints = try [RunReference("lsoftmax-fig2", "m1"), RunReference("l2-softmax", "l2-softmax")].map(source.latest)
    return sideBySide(checkpoints, titles: ["Softmax", "L2-Softmax"], withSectors: false)
  }

  static let weightedSoftmax = PaperFigure(
    name: "weighted-softmax",
    summary: "Weighted vs plain softmax on an imbalanced MNIST (digits 0-4 capped at 300 training images): training and test features, and the label-free decision sectors; class balancing widens the minority classes' sectors.",
    runs: [RunReference("weighted-softmax", "softmax"), RunReference("weighted-softmax", "weighted")]
  ) { source in
    let checkpoints = try ["softmax", "weighted"].map { try source.latest(RunReference("weighted-softmax", $0)) }
    return sideBySide(checkpoints, titles: ["Softmax", "Weighted softmax"], withSectors: true)
  }

  /// Every loss of the family, one row each: training features, test features, test sectors.
  static let overviewRuns: [RunReference] = [
    RunReference("lsoftmax-fig2", "m1"), RunReference("weighted-softmax", "weighted"), RunReference("lsoftmax-fig2", "m4"),
    RunReference("all-losses", "modified-softmax"), RunReference("all-losses", "a-softmax"),
    RunReference("l2-softmax", "l2-softmax"), RunReference("all-losses", "normface"), RunReference("all-losses", "cosface"),
    RunReference("all-losses", "arcface"), RunReference("all-losses", "combined"),
  ]

  static let overview = PaperFigure(
    name: "overview",
    summary: "Every loss of the family on 2-D MNIST, one row per loss: training features, test features, and the test features on the unit circle with decision sectors and margin zones.",
    runs: overviewRuns, maximumRasterDPI: 110
  ) { source in
    let checkpoints = try overviewRuns.map(source.latest)
    var figure = Figure(rows: checkpoints.count, columns: 3, panelWidth: 150, panelHeight: 150)
    for (row, checkpoint) in checkpoints.enumerated() {
      let label = CheckpointViews.lossLabel(checkpoint.metadata)
      figure[row, 0] = .scatter(
        title: "\(label): train", subtitle: CheckpointViews.accuracyLine(checkpoint.metadata, split: .train),
        cloud: CheckpointViews.cloud(checkpoint, split: .train))
      figure[row, 1] = .scatter(
        title: "\(label): test", subtitle: CheckpointViews.accuracyLine(checkpoint.metadata, split: .test),
        cloud: CheckpointViews.cloud(checkpoint, split: .test))
      let sectors = CheckpointViews.sectors(checkpoint)
      figure[row, 2] = .angular(
        title: "\(label): sectors", subtitle: marginNote(sectors), cloud: CheckpointViews.cloud(checkpoint, split: .test),
        directions: CheckpointViews.directions(checkpoint), sectors: sectors)
    }
    // Independent limits: a row holds raw features and a unit-circle panel, whose scales differ.
    figure.limitSharing = .independent
    figure.legendTitle = "digit"
    figure.caption = CheckpointViews.caption(checkpoints)
    return figure
  }
}
