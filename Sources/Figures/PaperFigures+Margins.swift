import PlotKit
import Checkpoints
import Foundation
import MarginMath

extension PaperFigure {
  static let cosFaceRuns = ["softmax", "m0", "m0.1", "m0.2"]

  /// AM-Softmax / CosFace toy: softmax vs the additive cosine margin swept over m = 0, 0.1, 0.2.
  static let cosFaceMarginSweep = PaperFigure(
    name: "cosface-am",
    summary: "AM-Softmax / CosFace toy figure on eight MNIST digits: softmax and the additive cosine margin m = 0 (NormFace), 0.1, 0.2 (s = 10); raw test features (top) and their unit-circle projection with class directions, decision sectors and margin zones (grey, bottom).",
    runs: cosFaceRuns.map { RunReference("cosface-am", $0) }
  ) { source in
    let checkpoints = try cosFaceRuns.map { try source.latest(RunReference("cosface-am", $0)) }
    var figure = Figure(rows: 2, columns: checkpoints.count)
    for (column, checkpoint) in checkpoints.enumerated() {
      let cloud = CheckpointViews.cloud(checkpoint, split: .test)
      let label = CheckpointViews.lossLabel(checkpoint.metadata)
      let sectors = CheckpointViews.sectors(checkpoint)
      figure[0, column] = .scatter(
        title: label, subtitle: CheckpointViews.accuracyLine(checkpoint.metadata, split: .test), cloud: cloud)
      figure[1, column] = .angular(
        title: "\(label), angles", subtitle: marginNote(sectors), cloud: cloud,
        directions: CheckpointViews.directions(checkpoint), sectors: sectors)
    }
    figure.legendTitle = "digit"
    figure.caption = CheckpointViews.caption(checkpoints)
    return figure
  }

  /// The same eight digits and settings: the CosFace sweep's softmax run is ArcFace's baseline.
  static let arcFaceToyRuns = [RunReference("cosface-am", "softmax"), RunReference("arcface", "arcface")]

  /// ArcFace Fig. 3 toy: softmax vs ArcFace features on the unit circle with class-centre lines.
  static let arcFaceToy = PaperFigure(
    name: "arcface-fig3",
    summary: "ArcFace Fig. 3 toy on eight MNIST digits: test features of softmax and ArcFace (m = 0.5, s = 10) normalised onto the circle, with each class's centre direction; ArcFace leaves clear gaps between neighbouring classes.",
    runs: arcFaceToyRuns
  ) { source in
    let checkpoints = try arcFaceToyRuns.map(source.latest)
    var figure = Figure(rows: 1, columns: 2)
    for (column, checkpoint) in checkpoints.enumerated() {
      let gap = checkpoint.metadata.metrics["test"]?.achievedMarginDegrees ?? 0
      figure[0, column] = .angular(
        title: column == 0 ? "(a) Softmax" : "(b) ArcFace", subtitle: String(format: "%@, smallest gap %.1f°",
          CheckpointViews.accuracyLine(checkpoint.metadata, split: .test), gap),
        cloud: CheckpointViews.cloud(checkpoint, split: .test), directions: CheckpointViews.directions(checkpoint))
    }
    figure.legendTitle = "digit"
    figure.caption = CheckpointViews.caption(checkpoints)
    return figure
  }

  /// The survey's decision-boundary table as the ArcFace paper draws it (binary case).
  static let decisionBoundaryTable = PaperFigure(
    name: "decision-boundaries",
    summary: "The decision-boundary table of the survey for two classes (ArcFace Fig. 5 style): Softmax, W-Norm Softmax and CosineFace (m = 0.35) in cos θ1–cos θ2 axes, SphereFace and F-Norm SphereFace (m = 4) and ArcFace (m = 0.5) in θ1–θ2 axes; boundaries dashed, decision margins grey.",
    runs: []
  ) { _ in
    var figure = Figure(rows: 2, columns: 3)
    for (index, row) in BinaryBoundaryRow.table.enumerated() {
      let diagram = row.diagram()
      let points = { (list: [Point2]) in list.map { Point(x: $0.x, y: $0.y) } }
      let margins = diagram.marginRegion.isEmpty ? [] : [Polygon(points: points(diagram.marginRegion), name: "margin")]
      figure[index / 3, index % 3] = .decisionBoundaries(
        title: row.title, subtitle: boundaryFormula(row),
        space: diagram.axes == .angles ? .angles(degrees: true) : .cosines,
        boundaries: [
          Polyline(points: points(diagram.classOne), name: "class 1", color: Palette.colorBlindSafe.color(forClass: 0), lineWidth: 1.5),
          Polyline(points: points(diagram.classTwo), name: "class 2", color: Palette.colorBlindSafe.color(forClass: 1), lineWidth: 1.5),
        ],
        margins: margins)
    }
    figure.caption = [("source", "MarginMath.BinaryBoundaryRow.table (no training)")]
    return figure
  }

  static func boundaryFormula(_ row: BinaryBoundaryRow) -> String {
    switch row {
    case .softmax: "(W₁−W₂)x + b₁ − b₂ = 0"
    case .wNormSoftmax: "‖x‖(cos θ₁ − cos θ₂) = 0"
    case .sphereFace(let m): "‖x‖(cos \(m)θ₁ − cos θ₂) = 0"
    case .fNormSphereFace(let m): "s(cos \(m)θ₁ − cos θ₂) = 0"
    case .cosineFace(let m): String(format: "s(cos θ₁ − %.2f − cos θ₂) = 0", m)
    case .arcFace(let m): String(format: "s(cos(θ₁ + %.1f) − cos θ₂) = 0", m)
    }
  }
}
