import Experiments
import PlotKit
import Checkpoints
import Foundation
import MarginMath

extension PaperFigure {
  static let angleHistograms = PaperFigure(
    name: "angle-histograms",
    summary:
      "Angle between each feature and its own class weight, training set vs test set, for softmax and the margin losses; margins pull the training angles in, and the test angles follow less tightly.",
    runs: .runs([
      PaperRuns.softmax, PaperRuns.lSoftmaxM4, PaperRuns.aSoftmax,
      PaperRuns.cosFace, PaperRuns.arcFace,
      PaperRuns.l2Softmax,
    ])
  ) { all, _ in
    var figure = Figure(rows: (all.count + 2) / 3, columns: 3, panelWidth: 200, panelHeight: 150)
    // One x range for every panel (the widest run's), so the losses compare at a glance.
    let upper = all.map { Figure.angleRange($0, splits: [train($0), test($0)]).upper }.max() ?? 90
    let bins = Int(upper / 1.5)
    var beyond: [String] = []
    for (index, e) in all.enumerated() {
      let label = familyTitle(e)
      let splits = [train(e), test(e)]
      let means = splits.map { e.recordedMetrics(of: $0)?.meanAngleToOwnWeightDegrees ?? .nan }
      let directions = CheckpointViews.directions(e)
      // Training filled and pale, test as a dark outline over it: each stays visible where they coincide.
      let series = splits.map { s in
        HistogramSeries.anglesPooled(
          of: CheckpointViews.cloud(e, split: s), directions: directions, name: s.setName,
          color: s.name == "train" ? Color(red: 0.35, green: 0.55, blue: 0.85) : .black, binCount: bins,
          range: 0...upper)
      }
      let angles = splits.flatMap { CheckpointViews.cloud(e, split: $0).anglesToOwnClass(directions: directions) }
      let past = angles.filter { $0 > upper }.count
      if past > 0 {
        beyond.append(String(format: "%@ %.1f %%", label, 100 * Double(past) / Double(max(1, angles.count))))
      }
      var panel = Panel(
        title: label, subtitle: String(format: "mean: train %.1f°, test %.1f°", means[0], means[1]),
        layers: [HistogramLayer(series: series, style: .trainFilledTestOutlined)], limits: .nice, equalAspect: false,
        xLabel: "angle (°)", yLabel: "density", legend: .shared)
      panel.compactSubtitle = String(format: "%.1f° / %.1f°", means[0], means[1])
      figure[index / 3, index % 3] = panel
    }
    // Every panel shows the same two splits: one legend under the grid, not over the bars.
    figure.style.legend = .bottom
    figure.compactColumns = 2
    figure.compactReflowsByRow = true
    figure.caption =
      CheckpointViews.caption(all) + [
        (
          "angles",
          String(format: "between each feature and its own class weight, 0° to %.0f° in every panel", upper)
            + (beyond.isEmpty ? "" : "; beyond it, not drawn: " + beyond.joined(separator: ", "))
        ),
        ("under each panel", "mean angle, training / test"),
      ]
    return figure
  }

  static let targetLogitCurves = PaperFigure(
    name: "psi-curves",
    summary:
      "Target logits ψ(θ): AM-Softmax's comparison (softmax, A-Softmax m = 2, 4 with λ = 0 and m = 4 with λ = 5, AM-Softmax m = 0.35) and ArcFace's (SphereFace m = 1.35, ArcFace m = 0.5, CosFace m = 0.35 and two combined margins over θ ∈ [20°, 100°]).",
    runs: .none
  ) { _, _, _ in
    var figure = Figure(rows: 1, columns: 2, panelWidth: 260, panelHeight: 200)
    func lines(_ curves: [TargetCurve], from: Double, to: Double) -> [Polyline] {
      curves.enumerated().map { index, curve in
        let samples = curve.samples(fromDegrees: from, toDegrees: to, stepDegrees: 0.5)
        return Polyline(
          xs: samples.map(\.x), ys: samples.map(\.y), name: curve.name,
          color: Palette.colorBlindSafe.color(forClass: index),
          lineWidth: 1.4)
      }
    }
    figure[0, 0] = .curves(
      title: "AM-Softmax's comparison", curves: lines(TargetCurve.amSoftmaxFigure, from: 0, to: 180),
      xLabel: "θ (degrees)", yLabel: "target logit ψ(θ)")
    figure[0, 1] = .curves(
      title: "ArcFace's comparison", curves: lines(TargetCurve.arcFaceFigure, from: 20, to: 100),
      xLabel: "θ (degrees)", yLabel: "target logit")
    // The curves fill every corner of their axes, and the two panels name different curves: each
    // panel's legend goes under it.
    for c in 0..<2 { figure[0, c]?.legend = .below }
    figure.compactColumns = 1
    figure.compactReflowWidth = 14
    figure.caption = [("source", "MarginMath.TargetCurve (no training)")]
    return figure
  }

  /// The default profile's λ schedules, read from the experiment files (never copied here).
  static let lambdaScheduleRuns = [PaperRuns.lSoftmaxM4, PaperRuns.sphereFaceASoftmax]

  static let lambdaSchedules = PaperFigure(
    name: "lambda-schedules",
    summary:
      "λ annealing of L-Softmax and A-Softmax: the official L-Softmax MNIST schedule (base 1000, γ 2.5e-5, power 35), SphereFace's (base 1000, γ 0.12, power 1, λ_min 5), and the default profile's schedules from the experiment files, sized to its ~1,900 iterations; left over 30,000 iterations, right over the default profile's run.",
    runs: .none
  ) { source, _, _ in
    var schedules: [(String, LambdaSchedule)] = [
      ("L-Softmax official (MNIST)", .lSoftmaxMNIST), ("SphereFace official", .sphereFace),
    ]
    for reference in lambdaScheduleRuns {
      let run = try source.experiments.run(reference)
      guard run.loss.usesLambda else {
        throw EmbeddingError(
          path: source.experiments.directory, array: "\(reference).lambda",
          reason: "\(run.loss.rawValue) anneals no λ")
      }
      schedules.append(("\(reference.experiment) (default)", run.lossParameters(profile: "default").lambda))
    }
    func curves(through last: Int, step: Int) -> [Polyline] {
      let iterations = stride(from: 1, through: last, by: step).map(Double.init)
      return schedules.enumerated().map { index, entry in
        Polyline(
          xs: iterations, ys: iterations.map { max(entry.1.value(at: Int($0)), 1e-3) }, name: entry.0,
          color: Palette.colorBlindSafe.color(forClass: index), lineWidth: 1.4, dash: index < 2 ? [] : [5, 2])
      }
    }
    var figure = Figure(rows: 1, columns: 2, panelWidth: 300, panelHeight: 200)
    figure[0, 0] = .curves(
      title: "λ schedules", curves: curves(through: 30_000, step: 25), xLabel: "iteration",
      yLabel: "λ (floored at 0.001)",
      yScale: .log10)
    figure[0, 1] = .curves(
      title: "the default profile's 1,872 iterations", curves: curves(through: 1_872, step: 4), xLabel: "iteration",
      yLabel: "λ (floored at 0.001)", yScale: .log10)
    // Both panels draw the same four schedules: one legend under them, not over the curves.
    for c in 0..<2 { figure[0, c]?.legend = .shared }
    figure.style.legend = .bottom
    figure.compactColumns = 1
    figure.compactReflowWidth = 14
    figure.caption = [
      (
        "source",
        "MarginMath.LambdaSchedule; default-profile schedules from \(source.experiments.directory)/*.json (no training)"
      )
    ]
    return figure
  }

  static let trainingCurves = PaperFigure(
    name: "training-curves",
    summary:
      "Training loss and batch error, 1 − accuracy (running means over 25 iterations, log scale), of the L-Softmax Fig. 2 runs, from their log.csv files.",
    runs: .experiment("lsoftmax-fig2")
  ) { source, runs, _ in
    let all = try runs.map(source.latest)
    let logs = try runs.map { try TrainingLogTable(contentsOf: source.directory($0).logPath) }
    // One panel per quantity, the runs overlaid: m = 1…4 compare on the same axes.
    var loss: [Polyline] = [], error: [Polyline] = []
    for (k, (e, log)) in zip(all, logs).enumerated() {
      let name = e.loss.map { "m=\(CheckpointViews.number($0.parameters.m))" } ?? e.label
      let iterations = log.rows.map { Double($0.iteration) }
      let color = Palette.colorBlindSafe.color(forClass: k)
      loss.append(
        Figure.smoothed(Polyline(xs: iterations, ys: log.rows.map(\.loss), name: name, color: color, lineWidth: 1.2)))
      // Error (1 − accuracy) rather than accuracy: on the log axis the last percent stays readable.
      error.append(
        Figure.smoothed(
          Polyline(xs: iterations, ys: log.rows.map { 1 - $0.batchAccuracy }, name: name, color: color, lineWidth: 1.2))
      )
    }
    var figure = Figure(rows: 1, columns: 2, panelWidth: 220, panelHeight: 170)
    figure[0, 0] = .curves(title: "training loss", curves: loss, xLabel: "iteration", yScale: .log10)
    figure[0, 1] = .curves(title: "batch error (1 − accuracy)", curves: error, xLabel: "iteration", yScale: .log10)
    for c in 0..<2 { figure[0, c]?.legend = .shared }
    figure.style.legend = .bottom
    figure.legendTitle = "L-Softmax"
    figure.compactColumns = 1
    figure.compactReflowWidth = 14
    figure.caption =
      CheckpointViews.caption(all) + [("curves", "running means over 25 iterations, from each run's log.csv")]
    return figure
  }

  static let arcFaceEvolution = PaperFigure(
    name: "arcface-evolution",
    summary:
      "Training evolution of the ArcFace toy run: test features after every saved epoch, on fixed axes (top: raw features, bottom: unit circle), titled with the epoch and the margin in force.",
    runs: .experiment("arcface")
  ) { source, runs, _ in
    let all = try runs.flatMap(source.allEpochs)
    var figure = Figure(rows: 2, columns: all.count, panelWidth: 150, panelHeight: 150)
    for (column, e) in all.enumerated() {
      let cloud = CheckpointViews.cloud(e, split: test(e))
      let margin = e.loss?.marginInForce.map { "m=" + String(format: "%.2g", $0) }
      var top = Panel.scatter(
        title: "epoch \(e.epoch.map(String.init) ?? "?")", subtitle: shortAccuracy(e, split: test(e)), cloud: cloud)
      top.compactTitle = e.epoch.map(String.init)
      var bottom = Panel.angular(
        subtitle: margin, cloud: cloud, directions: CheckpointViews.directions(e), density: .jitter)
      bottom.compactSubtitle = margin.map { $0.replacingOccurrences(of: "m=", with: "") }
      figure[0, column] = top
      figure[1, column] = bottom
    }
    figure.limitSharing = .rows
    figure.ticksOnOuterPanels = true
    figure.legendTitle = "digit"
    let configured = all.last.flatMap { CheckpointViews.lossLabel($0) } ?? "ArcFace"
    figure.caption =
      CheckpointViews.caption(all) + [
        (
          "loss",
          "\(configured); over each column its epoch, under it the test accuracy and, under each circle, the margin m in force then (the margin ramps up)"
        ),
        ("circle", AngularDensity.jitter.captionNote!),
      ]
    return figure
  }
}
