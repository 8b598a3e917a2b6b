import Checkpoints
import Foundation
import MarginMath
import PlotKit

extension PaperFigure {
  /// Every named figure, in the order of the report.
  public static let all: [PaperFigure] = [
    lSoftmaxFigure2, sphereFaceFigure2, cosFaceMarginSweep, arcFaceToy, decisionBoundaryTable, l2Softmax,
    weightedSoftmax, overview, angleHistograms, targetLogitCurves, lambdaSchedules, trainingCurves, arcFaceEvolution,
    sphereAMSoftmax, sphereArcFace, targetAngles, pairAngles,
  ]

  public static func named(_ name: String) -> PaperFigure? { all.first { $0.name == name } }

  /// Test split of a run's embeddings (every checkpoint of this tool has one).
  static func test(_ e: Embeddings) -> Embeddings.Split { e.split("test") ?? e.splits[e.splits.count - 1] }
  static func train(_ e: Embeddings) -> Embeddings.Split { e.split("train") ?? e.splits[0] }

  /// Panel labels for a row of runs: the loss in force, with the epoch when epochs differ.
  static func labels(_ all: [Embeddings]) -> [String] {
    let withEpoch = CheckpointViews.epochsDiffer(all)
    return all.map { e in CheckpointViews.panelLabel(e) + (withEpoch ? ", " + (CheckpointViews.epochNote(e) ?? "") : "")
    }
  }

  /// One column per run, titled by its loss, holding the panels `column` draws for it, top to bottom.
  static func columnPerRun(
    _ all: [Embeddings], rows: Int, panelSize: Double = 170,
    _ column: (_ index: Int, _ run: Embeddings, _ title: String) throws -> [Panel]
  ) rethrows -> Figure {
    var figure = Figure(rows: rows, columns: all.count, panelWidth: panelSize, panelHeight: panelSize)
    for (index, (e, title)) in zip(all, titles(all)).enumerated() {
      for (row, panel) in try column(index, e, title).enumerated() { figure[row, index] = panel }
    }
    return figure
  }

  /// L-Softmax Fig. 2: training and test features for m = 1 (softmax), 2, 3, 4.
  static let lSoftmaxFigure2 = PaperFigure(
    name: "lsoftmax-fig2",
    summary:
      "L-Softmax Fig. 2: 2-D MNIST features, training set (top) and test set (bottom), m = 1 (softmax), 2, 3, 4, with test accuracy under each bottom panel, in the paper's own digit colours.",
    runs: .experiment("lsoftmax-fig2")
  ) { all, _ in
    var figure = columnPerRun(all, rows: 2) { column, e, label in
      // The paper's titles; λ and its schedule are in the caption.
      var top = Panel.scatter(
        title: "Training Set (\(label))", cloud: CheckpointViews.cloud(e, split: train(e)), palette: .lSoftmaxPaper)
      var bottom = Panel.scatter(
        title: "Testing Set (\(label))", subtitle: CheckpointViews.accuracyLine(e, split: test(e)),
        cloud: CheckpointViews.cloud(e, split: test(e)), palette: .lSoftmaxPaper)
      // A column's width: the margin over each column, the set once per row, the accuracy alone.
      let m = e.loss.map { "m=\(CheckpointViews.number($0.parameters.m))" } ?? label
      top.compactTitle = column == 0 ? "Training (\(m))" : m
      bottom.compactTitle = column == 0 ? "Testing (\(m))" : m
      bottom.compactSubtitle = shortAccuracy(e, split: test(e))
      return [top, bottom]
    }
    // One scale for all eight panels, so tick labels are needed only on the outer ones and the
    // feature norms compare across m.
    figure.limitSharing = .all
    figure.ticksOnOuterPanels = true
    figure.legendTitle = "digit"
    figure.caption =
      CheckpointViews.caption(all) + lambdaCaption(all) + [
        ("loss", "L-Softmax (m=1 is softmax); under each test panel its test accuracy"),
        ("palette", "l-softmax-paper (the paper's colours; not colour-blind safe)"),
      ]
    return figure
  }

  /// SphereFace Fig. 2: softmax, modified softmax and A-Softmax on two classes, in the original
  /// space with the decision boundaries and projected onto the unit circle with the angular margin.
  static let sphereFaceFigure2 = PaperFigure(
    name: "sphereface-fig2",
    summary:
      "SphereFace Fig. 2: softmax (with bias), modified softmax and A-Softmax (m = 4) on two classes (MNIST 3 vs 8 standing in for two face identities): original space with the decision boundaries (top) and the unit-circle projection with the angular margin (bottom), test features.",
    runs: .experiment("sphereface-fig2")
  ) { all, _ in
    var figure = columnPerRun(all, rows: 2) { _, e, label in
      let cloud = CheckpointViews.cloud(e, split: test(e))
      let sectors = CheckpointViews.sectors(e)
      let names = e.classNames.map { "W\($0)" }
      // Shade the sectors out to the farthest feature so the raw-space panel shows the regions.
      let radius = (e.recordedMetrics(of: test(e))?.featureNorms.maximum ?? 1) * 1.05
      var top = Panel(
        title: label, subtitle: CheckpointViews.accuracyLine(e, split: test(e)),
        layers: [
          SectorLayer(sectors: sectors, radius: radius, palette: .colorBlindSafe),
          ScatterLayer(cloud: cloud),
          DirectionRaysLayer(directions: CheckpointViews.directions(e), length: radius * 0.9, labels: names),
        ])
      top.compactTitle = shortLossTitle(e)
      top.compactSubtitle = shortAccuracy(e, split: test(e))
      var bottom = Panel.angular(
        title: "unit circle", subtitle: marginNote(sectors), cloud: cloud,
        directions: CheckpointViews.directions(e), sectors: sectors, directionLabels: names, density: .jitterAndBand)
      bottom.compactTitle = ""
      bottom.compactSubtitle = compactMarginNote(sectors)
      return [top, bottom]
    }
    figure.legendTitle = "digit"
    figure.caption =
      CheckpointViews.caption(all) + lambdaCaption(all) + [
        (
          "rows",
          "test features in the original space with the decision regions (top) and projected onto the unit circle (bottom; under it the widest margin zone)"
        ),
        ("circle", AngularDensity.jitterAndBand.captionNote!),
      ]
    return figure
  }

  /// "23.4°" or "none": the widest margin zone, for a narrow column whose caption says what it is.
  static func compactMarginNote(_ sectors: [AngularSector]) -> String {
    let widest = sectors.filter { $0.kind == .marginZone }.map(\.span).max() ?? 0
    return widest > 1e-6 ? String(format: "%.1f°", widest * 180 / .pi) : "none"
  }

  /// "margin zone 23.4°" (the widest margin zone), or the absence of one.
  static func marginNote(_ sectors: [AngularSector]) -> String {
    let widest = sectors.filter { $0.kind == .marginZone }.map(\.span).max() ?? 0
    return widest > 1e-6 ? String(format: "margin zone %.1f°", widest * 180 / .pi) : "no margin zone"
  }
}
