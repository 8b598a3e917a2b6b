import Foundation
import PlotKit
import SphereScene

extension PaperFigure {
  /// One column per run of a 3-D experiment: test features on the sphere (top) and raw (bottom),
  /// each run seen from the automatic view of its own weights.
  static func sphereColumns(_ all: [Embeddings], weightLabels: Bool) throws -> Figure {
    var figure = try columnPerRun(all, rows: 2, panelSize: 150) { _, e, label in
      let split = test(e)
      let input = try SphereViews.input(e, split: split)
      var options = SphereViews.options(e, palette: .colorBlindSafe, view: .automatic, weightLabels: weightLabels)
      options.view = try SphereViews.fixedView(input, options: options, path: e.path)
      let panels = try SphereViews.panels(e, split: split, input: input, options: options, title: label)
      // Narrow columns: the loss once, over the sphere; the raw view under it says only what it is.
      var sphere = panels.sphere
      sphere.title = label
      sphere.compactTitle = shortLossTitle(e)
      sphere.compactSubtitle = shortAccuracy(e, split: split)
      var raw = panels.raw
      raw.title = "raw 3-D"
      raw.compactTitle = "raw"
      raw.compactSubtitle = raw.subtitle?.replacingOccurrences(of: "radius: ‖x‖ = ", with: "‖x‖ ")
      return [sphere, raw]
    }
    figure.legendTitle = "digit"
    // With five or more columns the panels need the width a legend on the right would take.
    if all.count > 3 { figure.style.legend = .bottom }
    // A column holds one run per row: its sphere beside its raw view.
    figure.compactColumns = 2
    let cosine = all.contains { [.amSoftmax, .cosFace].contains($0.loss?.kind) }
    figure.caption =
      CheckpointViews.caption(all) + lambdaCaption(all)
      + (cosine ? [("m=…", "the AM-Softmax (CosFace/AM) margin")] : []) + [
        (
          "views",
          "test features on the unit sphere and raw, each run seen from the direction that shows its class weights best"
        ),
        ("raw views", SphereViews.rawCaption),
      ]
    return figure
  }

  /// A named figure of every run of a 3-D experiment, as `sphereColumns` draws it.
  static func sphereExperiment(
    _ experiment: String, maximumRasterDPI: Double, summary: String
  ) -> PaperFigure {
    PaperFigure(
      name: experiment, summary: summary, runs: .experiment(experiment), maximumRasterDPI: maximumRasterDPI
    ) { all, options in
      try sphereColumns(all, weightLabels: options.sphereWeightLabels)
    }
  }

  static let sphereAMSoftmax = sphereExperiment(
    "sphere-am-softmax", maximumRasterDPI: 160,
    summary:
      "AM-Softmax Fig. 1 look: 3-D MNIST test features on the unit sphere (top) and raw (bottom) for softmax, NormFace, SphereFace and AM-Softmax (m = 0.2, 0.5), with class-weight arrows, great-circle decision boundaries and each loss's margin zones."
  )

  static let sphereArcFace = sphereExperiment(
    "sphere-arcface", maximumRasterDPI: 200,
    summary:
      "SphereFace (A-Softmax, m = 4) and ArcFace (m = 0.5) with a 3-D feature layer: test features on the unit sphere and raw, with weight arrows, boundaries and margin zones."
  )
}
