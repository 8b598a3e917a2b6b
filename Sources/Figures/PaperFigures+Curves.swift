import PlotKit
import Checkpoints
import Foundation
import MarginMath

extension PaperFigure {
  static let angleHistograms = PaperFigure(
    name: "angle-histograms",
    summary: "Angle between each feature and its own class weight, training set vs test set, for softmax and the margin losses; margins pull the training angles in, and the test angles follow less tightly.",
    runs: .runs([
      RunReference("lsoftmax-fig2", "m1"), RunReference("lsoftmax-fig2", "m4"), RunReference("all-losses", "a-softmax"),
      RunReference("all-losses", "cosface"), RunReference("all-losses", "arcface"), RunReference("l2-softmax", "l2-softmax"),
    ])
  ) { source, runs in
    let all = try runs.map(source.latest)
    var figure = Figure(rows: (all.count + 2) / 3, columns: 3, panelWidth: 200, panelHeight: 150)
    for (index, (e, label)) in zip(all, labels(all)).enumerated() {
      let splits = [train(e), test(e)]
      // Mean angles computed from the arrays here, not read from the checkpoint's metadata.
      let means = splits.map { e.metrics(of: $0)?.meanAngleToOwnWeightDegrees ?? .nan }
      let note = Figure.angleRangeNote(e, splits: splits).map { "; " + $0 } ?? ""
      figure[index / 3, index % 3] = .histogram(
        title: label, subtitle: String(format: "mean angle: train %.1f°, test %.1f°", means[0], means[1]) + note,
        series: Figure.angleSeries(e, splits: splits), yLabel: "density")
      figure[index / 3, index % 3]?.legend = .shared
    }
    // Every panel shows the same two splits: one legend under the grid, not over the bars.
    figure.style.legend = .bottom
    figure.caption = CheckpointViews.caption(all)
    return figure
  }

  static let targetLogitCurves = PaperFigure(
    name: "psi-curves",
    summary: "Target logits ψ(θ): AM-Softmax's comparison (softmax, A-Softmax m = 2, 4 with λ = 0 and m = 4 with λ = 5, AM-Softmax m = 0.35) and ArcFace's (SphereFace m = 1.35, ArcFace m = 0.5, CosFace m = 0.35 and two combined margins over θ ∈ [20°, 100°]).",
    runs: .none
  ) { _, _ in
    var figure = Figure(rows: 1, columns: 2, panelWidth: 260, panelHeight: 200)
    func lines(_ curves: [TargetCurve], from: Double, to: Double) -> [Polyline] {
      curves.enumerated().map { index, curve in
        let samples = curve.samples(fromDegrees: from, toDegrees: to, stepDegrees: 0.5)
        return Polyline(
          xs: samples.map(\.x), ys: samples.map(\.y), name: curve.name, color: Palette.colorBlindSafe.color(forClass: index),
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
    figure.caption = [("source", "MarginMath.TargetCurve (no training)")]
    return figure
  }

  /// The default profile's λ schedules, read from the experiment files (never copied here).
  static let lambdaScheduleRuns = [RunReference("lsoftmax-fig2", "m4"), RunReference("sphereface-fig2", "a-softmax")]

  static let lambdaSchedules = PaperFigure(
    name: "lambda-schedules",
    summary: "λ annealing of L-Softmax and A-Softmax: the official L-Softmax MNIST schedule (base 1000, γ 2.5e-5, power 35), SphereFace's (base 1000, γ 0.12, power 1, λ_min 5), and the default profile's schedules from the experiment files, sized to its ~1,900 iterations; left over 30,000 iterations, right over the default profile's run.",
    runs: .none
  ) { source, _ in
    var schedules: [(String, LambdaSchedule)] = [("L-Softmax official (MNIST)", .lSoftmaxMNIST), ("SphereFace official", .sphereFace)]
    for reference in lambdaScheduleRuns {
      let run = try source.experiments.run(reference)
      guard let lambda = run.lambda else {
        throw EmbeddingError(path: source.experiments.directory, array: "\(reference).lambda", reason: "the run sets no λ schedule")
      }
      schedules.append(("default profile, \(reference)", lambda))
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
      title: "λ schedules", curves: curves(through: 30_000, step: 25), xLabel: "iteration", yLabel: "λ (floored at 0.001)",
      yScale: .log10)
    figure[0, 1] = .curves(
      title: "the default profile's 1,872 iterations", curves: curves(through: 1_872, step: 4), xLabel: "iteration",
      yLabel: "λ (floored at 0.001)", yScale: .log10)
    // Both panels draw the same four schedules: one legend under them, not over the curves.
    for c in 0..<2 { figure[0, c]?.legend = .shared }
    figure.style.legend = .bottom
    figure.caption = [("source", "MarginMath.LambdaSchedule; default-profile schedules from \(source.experiments.directory)/*.json (no training)")]
    return figure
  }

  static let trainingCurves = PaperFigure(
    name: "training-curves",
    summary: "Training loss and batch error, 1 − accuracy (running means over 25 iterations, log scale), of the L-Softmax Fig. 2 runs, from their log.csv files.",
    runs: .experiment("lsoftmax-fig2")
  ) { source, runs in
    let all = try runs.map(source.latest)
    let logs = try runs.map { try TrainingLogTable(contentsOf: source.directory($0).logPath) }
    return try Figure.checkpointFigure(.log, embeddings: all, logs: logs)
  }

  static let arcFaceEvolution = PaperFigure(
    name: "arcface-evolution",
    summary: "Training evolution of the ArcFace toy run: test features after every saved epoch, on fixed axes (top: raw features, bottom: unit circle), titled with the epoch and the margin in force.",
    runs: .experiment("arcface")
  ) { source, runs in
    let all = try runs.flatMap(source.allEpochs)
    var figure = Figure(rows: 2, columns: all.count, panelWidth: 150, panelHeight: 150)
    for (column, e) in all.enumerated() {
      let cloud = CheckpointViews.cloud(e, split: test(e))
      let title = "epoch \(e.epoch.map(String.init) ?? "?") (\(CheckpointViews.lossLabel(e) ?? e.label))"
      figure[0, column] = .scatter(title: title, subtitle: CheckpointViews.accuracyLine(e, split: test(e)), cloud: cloud)
      figure[1, column] = .angular(title: title, cloud: cloud, directions: CheckpointViews.directions(e))
    }
    figure.limitSharing = .rows
    figure.legendTitle = "digit"
    figure.caption = CheckpointViews.caption(all)
    return figure
  }
}
