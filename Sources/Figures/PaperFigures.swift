import PlotKit
import Checkpoints
import Foundation
import MarginMath

extension PaperFigure {
  /// Every named figure, in the order of the report.
  public static let all: [PaperFigure] = [
    lSoftmaxFigure2, sphereFaceFigure2, cosFaceMarginSweep, arcFaceToy, decisionBoundaryTable, l2Softmax,
    weightedSoftmax, overview, angleHistograms, targetLogitCurves, lambdaSchedules, trainingCurves, arcFaceEvolution,
  ]

  public static func named(_ name: String) -> PaperFigure? { all.first { $0.name == name } }

  /// L-Softmax Fig. 2: training and test features for m = 1 (softmax), 2, 3, 4.
  static let lSoftmaxFigure2 = PaperFigure(
    name: "lsoftmax-fig2",
    summary: "L-Softmax Fig. 2: 2-D MNIST features, training set (top) and test set (bottom), m = 1 (softmax), 2, 3, 4, with test accuracy under each bottom panel.",
    runs: (1...4).map { RunReference("lsoftmax-fig2", "m\($0)") }
  ) { source in
    let checkpoints = try (1...4).map { try source.latest(RunReference("lsoftmax-fig2", "m\($0)")) }
    var figure = Figure(rows: 2, columns: 4)
    for (column, checkpoint) in checkpoints.enumerated() {
      let label = CheckpointViews.lossLabel(checkpoint.metadata)
      figure[0, column] = .scatter(
        title: "Training Set (\(label))", cloud: CheckpointViews.cloud(checkpoint, split: .train), palette: .lSoftmaxPaper)
      figure[1, column] = .scatter(
        title: "Testing Set (\(label))", subtitle: CheckpointViews.accuracyLine(checkpoint.metadata, split: .test),
        cloud: CheckpointViews.cloud(checkpoint, split: .test), palette: .lSoftmaxPaper)
    }
    figure.limitSharing = .columns
    figure.legendTitle = "digit"
    figure.caption = CheckpointViews.caption(checkpoints)
    return figure
  }

  /// SphereFace Fig. 2: softmax, modified softmax and A-Softmax on two classes, in the original
  /// space with the decision boundaries and projected onto the unit circle with the angular margin.
  static let sphereFaceFigure2 = PaperFigure(
    name: "sphereface-fig2",
    summary: "SphereFace Fig. 2: softmax (with bias), modified softmax and A-Softmax (m = 4) on two classes (MNIST 3 vs 8 standing in for two face identities): original space with the decision boundaries (top) and the unit-circle projection with the angular margin (bottom), test features.",
    runs: ["softmax", "modified-softmax", "a-softmax"].map { RunReference("sphereface-fig2", $0) }
  ) { source in
    let checkpoints = try ["softmax", "modified-softmax", "a-softmax"].map { try source.latest(RunReference("sphereface-fig2", $0)) }
    var figure = Figure(rows: 2, columns: 3)
    for (column, checkpoint) in checkpoints.enumerated() {
      let cloud = CheckpointViews.cloud(checkpoint, split: .test)
      let sectors = CheckpointViews.sectors(checkpoint)
      let label = CheckpointViews.lossLabel(checkpoint.metadata)
      // Shade the sectors out to the farthest feature so the raw-space panel shows the regions.
      let radius = (checkpoint.metadata.metrics["test"]?.featureNorms.maximum ?? 1) * 1.05
      figure[0, column] = Panel(
        title: "\(label): original space", subtitle: CheckpointViews.accuracyLine(checkpoint.metadata, split: .test),
        layers: [
          SectorLayer(sectors: sectors, radius: radius, palette: .colorBlindSafe),
          ScatterLayer(cloud: cloud),
          DirectionRaysLayer(directions: CheckpointViews.directions(checkpoint), length: radius * 0.9, labels: ["W1", "W2"]),
        ])
      figure[1, column] = .angular(
        title: "\(label): unit circle", subtitle: marginNote(sectors), cloud: cloud,
        directions: CheckpointViews.directions(checkpoint), sectors: sectors, directionLabels: ["W1", "W2"])
    }
    figure.legendTitle = "digit"
    figure.caption = CheckpointViews.caption(checkpoints)
    return figure
  }

  /// "angular margin 23.4°" (the widest margin zone), or the absence of one.
  static func marginNote(_ sectors: [AngularSector]) -> String {
    let widest = sectors.filter { $0.kind == .marginZone }.map(\.span).max() ?? 0
    return widest > 1e-6 ? String(format: "margin zone %.1f°", widest * 180 / .pi) : "no margin zone"
  }
}
