import Checkpoints
import EmbeddingAnalysis
import Experiments
import Foundation
import Graphics2D
import PlotKit

/// ArcFace's angle analyses of this tool's high-dimensional runs (the `angle-statistics`
/// experiments): the Table 3 statistics for the results report, and the target-angle (Fig. 4 style)
/// and pair-angle figures, one panel per loss. Every number comes from `EmbeddingAnalysis` over the
/// features the checkpoints keep (`savedFeatures` items of each split).
public enum AngleStatistics {
  /// The analysis of one saved epoch of a run, with class weights as the class directions.
  public static func analysis(of embeddings: Embeddings) throws -> FileAnalysis {
    try EmbeddingAnalyzer.analyze(input(embeddings))
  }

  /// A checkpoint as the analysis's input: its splits, its class weights, its class names.
  static func input(_ e: Embeddings) throws -> AnalysisInput {
    guard let weights = e.classWeights else {
      throw EmbeddingError(
        path: e.path, array: "class_weights", reason: "is missing; a checkpoint of this tool always has it")
    }
    let splits = e.splits.map { s in
      LabelledSplit(
        name: s.name, features: InMemoryFeatures(s.features, dimension: e.dimension),
        labels: s.labels.map { Int32($0) },
        featuresArray: "\(s.name)_features", labelsArray: "\(s.name)_labels")
    }
    return AnalysisInput(
      path: e.path, dimension: e.dimension, splits: splits, classWeights: weights.map(Double.init),
      classNames: e.classNames,
      epoch: e.epoch, weightsArray: "class_weights")
  }

  /// One Table 3 column: a run's newest checkpoint.
  public struct Column: Sendable {
    public let run: RunReference
    public let loss: String
    public let dimension: Int
    /// The trainer's test accuracy over every test item (the checkpoint's metadata).
    public let testAccuracy: Double
    public let train: Table3
    public let test: Table3
    /// TAR at FAR 1e-3 over the test split's pairs (nil when too few negative pairs resolve it).
    public let tarAtFarThousandth: Double?
    public let savedItems: (train: Int, test: Int)
  }

  /// The Table 3 columns of `experiment`'s runs, in the experiment file's order.
  public static func columns(of experiment: String, in source: CheckpointSource) throws -> [Column] {
    try source.experiments.runs(of: experiment).map { run in
      let e = try source.latest(run)
      let a = try analysis(of: e)
      guard let train = a.report.splits.first(where: { $0.name == "train" }),
        let test = a.report.splits.first(where: { $0.name == "test" })
      else { throw EmbeddingError(path: e.path, reason: "has no train and test splits") }
      let tar = test.pairs.tarAtFar.first { abs($0.far - 1e-3) < 1e-12 }?.tar
      return Column(
        run: run, loss: CheckpointViews.panelLabel(e), dimension: e.dimension,
        testAccuracy: e.recordedAccuracy(of: PaperFigure.test(e)) ?? .nan, train: train.table3,
        test: test.table3, tarAtFarThousandth: tar,
        savedItems: (PaperFigure.train(e).count, PaperFigure.test(e).count))
    }
  }

  /// ArcFace Table 3's own values for the two losses this project also trains (CASIA-WebFace,
  /// ResNet-50; Intra1/Inter1 on the training set): W-EC, W-Inter, Intra, Inter in degrees.
  public static let paperTable3: [(loss: String, values: [Double])] = [
    ("Norm-Softmax", [44.26, 69.66, 50.50, 59.23]),
    ("ArcFace", [14.29, 71.61, 38.45, 65.83]),
  ]

  /// The report's section: a table per experiment, the paper's values, and the comparison in words,
  /// every number computed here.
  public static func markdown(source: CheckpointSource) throws -> [String] {
    // Sources without these runs (a user's runs directory, the paper profile) get no section.
    let tables = PaperRuns.angleStatisticsExperiments.compactMap { experiment -> (String, [Column])? in
      guard let columns = try? columns(of: experiment, in: source), !columns.isEmpty else { return nil }
      return (experiment, columns)
    }
    guard !tables.isEmpty else { return [] }
    var lines = [
      "## ArcFace Table 3 on MNIST and Fashion-MNIST", "",
      "Computed by `margins analyze`'s statistics over each run's newest checkpoint (the items it keeps: the last row; the",
      "accuracy is the trainer's over all 10,000 test items). A class centre is the mean of the class's L2-normalised",
      "features, normalised; the angles are in degrees. W-EC: angle between W_j and its class's centre (training split);",
      "W-Inter: angle from W_j to the nearest other W_k; Intra: angle from a feature to its class centre; Inter: angle from",
      "a class centre to the nearest other one. TAR at FAR 1e-3 is over sampled same-class and different-class test pairs",
      "(definitions: [docs/analysis.md](../docs/analysis.md)).", "",
    ]
    var summaries: [String] = []
    for (experiment, columns) in tables {
      let data =
        source.experiments.experiments[experiment].map { _ in
          experiment.hasSuffix("fashion") ? "Fashion-MNIST" : "MNIST"
        }
        ?? ""
      func row(_ name: String, _ value: (Column) -> String) -> String {
        "| \(name) | " + columns.map(value).joined(separator: " | ") + " |"
      }
      func degrees(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "–" }
      lines += [
        "### \(experiment) (\(data))", "",
        "| | " + columns.map { "\($0.run.run) (\($0.dimension)-D)" }.joined(separator: " | ") + " |",
        "|---|" + String(repeating: "---:|", count: columns.count),
        row("loss") { $0.loss },
        row("W-EC") { degrees($0.train.wEC) },
        row("W-Inter") { degrees($0.train.wInter) },
        row("Intra (train)") { degrees($0.train.intra) },
        row("Inter (train)") { degrees($0.train.inter) },
        row("Intra (test)") { degrees($0.test.intra) },
        row("Inter (test)") { degrees($0.test.inter) },
        row("test accuracy") { String(format: "%.2f %%", 100 * $0.testAccuracy) },
        row("TAR @ FAR 1e-3 (test pairs)") { $0.tarAtFarThousandth.map { String(format: "%.2f %%", 100 * $0) } ?? "–" },
        row("items kept (train / test)") { "\($0.savedItems.train) / \($0.savedItems.test)" },
        "",
      ]
      summaries.append(comparison(columns, data: data))
    }
    lines += [
      "ArcFace's own Table 3 (CASIA-WebFace, 10,575 identities, ResNet-50; Intra and Inter on the training set):", "",
      "| | W-EC | W-Inter | Intra | Inter |", "|---|---:|---:|---:|---:|",
    ]
    lines += paperTable3.map {
      "| \($0.loss) | " + $0.values.map { String(format: "%.2f", $0) }.joined(separator: " | ") + " |"
    }
    lines += [""] + summaries.flatMap { [$0, ""] }
    return lines
  }

  /// The paper's ordering against this data set's, in words, from the numbers.
  static func comparison(_ columns: [Column], data: String) -> String {
    guard let softmax = columns.first(where: { $0.run.run == PaperRuns.angleStatisticsSoftmax }) else { return "" }
    let margins = columns.filter { PaperRuns.angleStatisticsMargins.contains($0.run.run) }
    guard !margins.isEmpty else { return "" }
    let intra = margins.map(\.test.intra)
    let inter = margins.map(\.test.inter)
    let shrinks = intra.allSatisfy { $0 < softmax.test.intra }
    let grows = inter.allSatisfy { $0 > softmax.test.inter }
    let wInter = columns.compactMap(\.train.wInter)
    var text = String(
      format:
        "On %@, the margin losses (SphereFace, CosFace, ArcFace) %@ the test Intra against softmax (%.1f° to %.1f°–%.1f°) "
        + "and %@ the test Inter (%.1f° to %.1f°–%.1f°)", data, shrinks ? "shrink" : "do not all shrink",
      softmax.test.intra,
      intra.min() ?? .nan, intra.max() ?? .nan, grows ? "grow" : "do not all grow", softmax.test.inter,
      inter.min() ?? .nan,
      inter.max() ?? .nan)
    text +=
      shrinks && grows
      ? ", the ordering ArcFace reports on CASIA. " : ", unlike the ordering ArcFace reports on CASIA. "
    text += String(
      format:
        "Where %@ differs from CASIA: W-Inter spans %.1f°–%.1f° here against the paper's 69.7° (Norm-Softmax) and "
        + "71.6° (ArcFace) for 10,575 identities, where ten classes could sit mutually orthogonal (90°) in 64 dimensions; "
        + "and Intra is far smaller than the paper's 50.5° and 38.5° for every loss (%.1f°–%.1f° on the test split), "
        + "ten classes of small images against thousands of faces.",
      data, wInter.min() ?? .nan, wInter.max() ?? .nan, columns.map(\.test.intra).min() ?? .nan,
      columns.map(\.test.intra).max() ?? .nan)
    return text
  }

  /// The loss of a checkpoint as a panel title (λ and its schedule are in the report).
  static func title(_ e: Embeddings) -> String { CheckpointViews.lossLabel(e) ?? e.label }

  static func density(_ h: AngleHistogram) -> Histogram {
    Histogram(edges: (0...h.counts.count).map(Double.init), counts: h.counts.map(Double.init)).density()
  }

  /// The target angle angle(x_i, W_{y_i}) of the test split after each saved epoch (ArcFace Fig. 4:
  /// start, middle and end of training), one panel per run; the share past 60° of each epoch is
  /// under its panel.
  public static func targetAngleFigure(runs: [RunReference], source: CheckpointSource, palette: Palette) throws
    -> Figure
  {
    var figure = Figure(rows: 1, columns: runs.count, panelWidth: 130, panelHeight: 110)
    var epochNames: [String] = []
    for (column, run) in runs.enumerated() {
      let epochs = try source.allEpochs(run)
      var beyond: [String] = []
      let series = try epochs.enumerated().map { k, e -> HistogramSeries in
        let angles = try analysis(of: e).report.splits.first { $0.name == "test" }?.targetAngles
        let name = "epoch \(e.epoch ?? k + 1)"
        if column == 0 { epochNames.append(name) }
        let histogram = angles.map { density($0.histogram) } ?? Histogram(edges: [0, 1], counts: [0])
        // Beyond 60° sit a few hundredths of the features: said in numbers, not drawn.
        let tail = angles.map { $0.histogram.counts.dropFirst(60).reduce(0, +) } ?? 0
        beyond.append(String(format: "%.1f", 100 * Double(tail) / Double(max(1, angles?.count ?? 1))))
        return HistogramSeries(name: name, histogram: histogram, color: palette.color(forClass: k))
      }
      let last = epochs.last
      var panel = Panel.histogram(
        title: last.map(title) ?? run.run, subtitle: "past 60°: " + beyond.joined(separator: "/") + " %",
        series: series,
        xLabel: "angle (°)", yLabel: column == 0 ? "density" : nil)
      let peak = series.map { $0.histogram.counts.prefix(60).max() ?? 0 }.max() ?? 1
      panel.limits = .exactly(AxisLimits(xMin: 0, xMax: 60, yMin: 0, yMax: 1.08 * max(peak, 1e-9)))
      panel.legend = .hidden
      figure[0, column] = panel
    }
    // When the five panels are too narrow side by side, they take three columns.
    figure.compactColumns = 3
    figure.compactReflowWidth = 8
    figure.legendEntries = epochNames.enumerated().map { k, name in
      LegendEntry(label: name, color: palette.color(forClass: k), symbol: .line(dash: []))
    }
    figure.caption = [
      ("shown", "angle between each test feature and its own class weight, 64-D MNIST, the first 5,000 test items"),
      ("runs", runs.map(\.description).joined(separator: ", ")),
    ]
    return figure
  }

  /// Same-class and different-class test pair angles (top) and the ROC with TAR at FAR 1e-3 and
  /// the EER (bottom), one column per run.
  public static func pairAngleFigure(runs: [RunReference], source: CheckpointSource, palette: Palette) throws -> Figure
  {
    var figure = Figure(rows: 2, columns: runs.count, panelWidth: 130, panelHeight: 110)
    for (column, run) in runs.enumerated() {
      let e = try source.latest(run)
      guard let test = try analysis(of: e).report.splits.first(where: { $0.name == "test" }) else { continue }
      let pairs = test.pairs
      var histogram = Panel.histogram(
        title: title(e), subtitle: nil,
        series: [
          HistogramSeries(
            name: "same class", histogram: density(pairs.positive.histogram), color: palette.color(forClass: 0)),
          HistogramSeries(
            name: "different class", histogram: density(pairs.negative.histogram), color: palette.color(forClass: 1)),
        ], xLabel: "angle (°)", yLabel: column == 0 ? "density" : nil)
      histogram.legend = .hidden
      figure[0, column] = histogram
      let points = pairs.roc.filter { $0.targetFar > 0 }
      let tar = pairs.tarAtFar.first { abs($0.far - 1e-3) < 1e-12 }?.tar
      figure[1, column] = Panel(
        title: nil,
        subtitle: (tar.map { String(format: "TAR %.1f%% at 1e-3", 100 * $0) } ?? "TAR at 1e-3: too few pairs")
          + String(format: ", EER %.2f%%", 100 * pairs.eer.rate),
        layers: [
          CurveLayer(curves: [
            Polyline(xs: points.map(\.targetFar), ys: points.map(\.tar), name: "TAR", color: palette.color(forClass: 2))
          ])
        ],
        limits: .exactly(AxisLimits(xMin: points.first?.targetFar ?? 1e-6, xMax: 1, yMin: 0, yMax: 1)),
        equalAspect: false,
        xScale: .log10, xLabel: "FAR", yLabel: column == 0 ? "TAR" : nil, showsGrid: true, legend: .hidden)
    }
    // At a column's width, one run per row: its pair angles beside its ROC.
    figure.compactColumns = 2
    figure.compactReflowWidth = 8
    figure.legendEntries = [
      LegendEntry(label: "same-class pairs", color: palette.color(forClass: 0), symbol: .line(dash: [])),
      LegendEntry(label: "different-class pairs", color: palette.color(forClass: 1), symbol: .line(dash: [])),
      LegendEntry(label: "ROC (log FAR)", color: palette.color(forClass: 2), symbol: .line(dash: [])),
    ]
    figure.caption = [
      (
        "pairs",
        "seeded samples of at most 500,000 same-class and 500,000 different-class pairs of the first 5,000 test items"
      ),
      ("runs", runs.map(\.description).joined(separator: ", ")),
    ]
    return figure
  }
}
