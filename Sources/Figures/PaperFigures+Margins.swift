import Checkpoints
import Experiments
import Foundation
import MarginMath
import PlotKit

extension PaperFigure {
  /// AM-Softmax / CosFace toy: softmax vs the additive cosine margin swept over m = 0, 0.1, 0.2.
  static let cosFaceMarginSweep = PaperFigure(
    name: "cosface-am",
    summary:
      "AM-Softmax / CosFace toy figure on eight MNIST digits: softmax and the additive cosine margin cos θ − m (AM-Softmax and CosFace are this one loss) at m = 0 (NormFace), 0.1, 0.2 (s = 10); raw test features (top) and their unit-circle projection with class directions, decision sectors and margin zones (pale grey, dashed outline; bottom), with a per-class angular density band outside the circle.",
    runs: .experiment("cosface-am")
  ) { all, _ in
    var figure = columnPerRun(all, rows: 2) { _, e, label in
      let cloud = CheckpointViews.cloud(e, split: test(e))
      let sectors = CheckpointViews.sectors(e)
      var top = Panel.scatter(title: label, subtitle: "accuracy " + shortAccuracy(e, split: test(e)), cloud: cloud)
      top.compactTitle = shortLossTitle(e)
      top.compactSubtitle = shortAccuracy(e, split: test(e))
      // The column's title says the loss; the angular panel needs only its margin note.
      var bottom = Panel.angular(
        subtitle: marginNote(sectors), cloud: cloud, directions: CheckpointViews.directions(e), sectors: sectors,
        density: .jitterAndBand)
      bottom.compactSubtitle = compactMarginNote(sectors)
      return [top, bottom]
    }
    figure.limitSharing = .rows
    figure.ticksOnOuterPanels = true
    figure.legendTitle = "digit"
    // Four columns at report width: the legend goes below so the panels keep the width.
    figure.style.legend = .bottom
    figure.caption =
      CheckpointViews.caption(all) + [
        (
          "rows",
          "raw test features and test accuracy (top); on the unit circle with class directions, decision sectors and margin zones (dashed outline; bottom)"
        ),
        ("circle", AngularDensity.jitterAndBand.captionNote!),
        ("m", "the CosFace/AM-Softmax margin (cos θ − m, s = 10); under each circle the widest margin zone"),
      ]
    return figure
  }

  /// ArcFace Fig. 3 toy: softmax vs ArcFace features on the unit circle with class-centre lines.
  /// The same eight digits and settings: the CosFace sweep's softmax run is ArcFace's baseline.
  static let arcFaceToy = PaperFigure(
    name: "arcface-fig3",
    summary:
      "ArcFace Fig. 3 toy on eight MNIST digits: test features of softmax and ArcFace (m = 0.5, s = 10) normalised onto the circle, with each class's centre direction; ArcFace leaves clear gaps between neighbouring classes.",
    runs: .runs([PaperRuns.eightDigitSoftmax, PaperRuns.arcFaceToy])
  ) { all, _ in
    var figure = columnPerRun(all, rows: 1) { column, e, label in
      let gap = e.recordedMetrics(of: test(e))?.achievedMarginDegrees ?? .nan
      var panel = Panel.angular(
        title: "(\(Character(UnicodeScalar(97 + column)!))) \(label)",
        subtitle: String(format: "%@; smallest gap %.1f°", CheckpointViews.accuracyLine(e, split: test(e)), gap),
        cloud: CheckpointViews.cloud(e, split: test(e)), directions: CheckpointViews.directions(e),
        density: .jitterAndBand)
      panel.compactSubtitle = String(format: "%@, gap %.1f°", shortAccuracy(e, split: test(e)), gap)
      return [panel]
    }
    figure.legendTitle = "digit"
    figure.caption =
      CheckpointViews.caption(all) + [
        ("circle", AngularDensity.jitterAndBand.captionNote!),
        ("gap", "the smallest angle between neighbouring classes' test features"),
      ]
    return figure
  }

  /// Softmax drawn with unequal weight norms and a bias: with ‖W₁‖ = ‖W₂‖ and no bias its
  /// boundary is cos θ₁ = cos θ₂, the same line as W-Norm Softmax, and the two panels were identical.
  static let softmaxBoundaryRow = BinaryBoundaryRow.softmax(
    weightNorm1: 1.5, weightNorm2: 1, bias1: 0.2, bias2: 0, featureNorm: 1)

  /// The survey's decision-boundary table as the ArcFace paper draws it (binary case).
  static let decisionBoundaryTable = PaperFigure(
    name: "decision-boundaries",
    summary:
      "The decision-boundary table of the survey for two classes (ArcFace Fig. 5 style): Softmax (‖W₁‖ = 1.5, ‖W₂‖ = 1, b₁ − b₂ = 0.2, ‖x‖ = 1: the norms and the bias move its boundary off the diagonal), W-Norm Softmax and CosFace/AM (m = 0.35) in cos θ1–cos θ2 axes, SphereFace and F-Norm SphereFace (m = 4) and ArcFace (m = 0.5) in θ1–θ2 axes; each class's boundary dashed in its colour, decision margins grey.",
    runs: .none
  ) { _, _, _ in
    var figure = Figure(rows: 2, columns: 3)
    let rows = BinaryBoundaryRow.table.map { row -> BinaryBoundaryRow in
      if case .softmax = row { return softmaxBoundaryRow }
      return row
    }
    for (index, row) in rows.enumerated() {
      let diagram = row.diagram()
      let points = { (list: [Point2]) in list.map { Point(x: $0.x, y: $0.y) } }
      let margins =
        diagram.marginRegion.isEmpty ? [] : [Polygon(points: points(diagram.marginRegion), name: "decision margin")]
      var panel = Panel.decisionBoundaries(
        title: boundaryTitle(row), subtitle: boundaryFormula(row),
        space: diagram.axes == .angles ? .angles(degrees: true) : .cosines,
        boundaries: boundaryLines(row, diagram, points),
        margins: margins)
      // One shared legend names both dashed colours and the grey margin.
      panel.legend = .shared
      figure[index / 3, index % 3] = panel
    }
    figure.legendTitle = "two classes"
    figure.style.legend = .bottom
    figure.compactColumns = 2
    figure.compactReflowsByRow = true
    figure.ticksOnOuterPanels = true
    figure.caption = [("source", "MarginMath.BinaryBoundaryRow.table (no training)")]
    return figure
  }

  /// Each class's boundary in its colour. Softmax has one decision boundary for both classes
  /// (g₁ = 0); the diagram's class-2 line is g₁'s mirror image, which is that boundary only when the
  /// norms and biases are equal, so softmax is drawn with its one line.
  static func boundaryLines(_ row: BinaryBoundaryRow, _ diagram: BinaryBoundaryDiagram, _ points: ([Point2]) -> [Point])
    -> [Polyline]
  {
    if case .softmax = row {
      return [Polyline(points: points(diagram.classOne), name: "softmax boundary", color: .black, lineWidth: 1.5)]
    }
    return [
      Polyline(
        points: points(diagram.classOne), name: "class 1 boundary", color: Palette.colorBlindSafe.color(forClass: 1),
        lineWidth: 1.5),
      Polyline(
        points: points(diagram.classTwo), name: "class 2 boundary", color: Palette.colorBlindSafe.color(forClass: 0),
        lineWidth: 1.5),
    ]
  }

  /// The survey's row names, with "CosFace/AM" for CosineFace as in every other figure.
  static func boundaryTitle(_ row: BinaryBoundaryRow) -> String {
    if case .cosineFace = row { return "CosFace/AM" }
    return row.title
  }

  static func boundaryFormula(_ row: BinaryBoundaryRow) -> String {
    switch row {
    case .softmax(let w1, let w2, let b1, let b2, _):
      String(format: "‖W₁‖=%g, ‖W₂‖=%g, b₁−b₂=%g", w1, w2, b1 - b2)
    case .wNormSoftmax: "‖x‖(cos θ₁ − cos θ₂) = 0"
    case .sphereFace(let m): "‖x‖(cos \(m)θ₁ − cos θ₂) = 0"
    case .fNormSphereFace(let m): "s(cos \(m)θ₁ − cos θ₂) = 0"
    case .cosineFace(let m): String(format: "s(cos θ₁ − %.2f − cos θ₂) = 0", m)
    case .arcFace(let m): String(format: "s(cos(θ₁ + %.1f) − cos θ₂) = 0", m)
    }
  }
}
