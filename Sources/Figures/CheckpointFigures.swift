import Checkpoints
import Foundation
import MarginMath
import PlotKit
import SphereScene

/// The figures `margins plot` and `margins render` draw from any embeddings: one column per
/// file, one row per split where the kind has splits.
public enum CheckpointFigureKind: String, CaseIterable, Sendable {
  /// Raw 2-D features, class-coloured (L-Softmax Fig. 2 style).
  case scatter
  /// Features projected onto the unit circle with the class weight directions.
  case circle
  /// The unit-circle view over each class's label-free decision sector and its margin zones.
  case sectors
  /// Angle between each feature and its own class weight, train vs test.
  case hist
  /// The same angles as polar histograms (rose plots), one per split.
  case rose
  /// Training loss and batch error (1 − accuracy) from the run's log.csv (this tool's runs only).
  case log
  /// The target logit ψ(θ) of the loss in force next to plain cos θ.
  case psi
  /// 3-D features: the unit-sphere view and the raw 3-D view side by side (see `SphereFigures.swift`).
  case sphere

  /// Kinds with one row per split.
  public var hasSplitRows: Bool {
    self == .scatter || self == .circle || self == .sectors || self == .rose || self == .sphere
  }
}

public struct CheckpointFigureOptions: Sendable {
  public var splits: [CheckpointViews.SplitChoice] = [.train, .test]
  public var palette: Palette = .colorBlindSafe
  public var showsClassLabels = false
  public var limitSharing: Figure.LimitSharing = .independent
  /// Where `.sphere` looks from.
  public var sphereView: SphereSceneOptions.ViewChoice = .automatic
  /// When a scatter panel is aggregated per pixel and class instead of drawn as markers.
  public var density: DensityMode = .auto
  /// Points per panel above which `.auto` aggregates.
  public var densityThreshold = DensityLayer.defaultThreshold
  /// Histogram bins over the angle range (`hist`: 60, `rose`: 36 over 0...180 degrees when `nil`).
  public var binCount: Int?
  /// What `circle` and `sectors` draw besides the points: the class weight rays, their "W…"
  /// names, and (`sectors`) the margin zones.
  public var showsWeightRays = true
  public var showsWeightLabels = true
  public var showsMarginZones = true

  public init() {}
}

extension Figure {
  /// Files are read at any D >= 2 (metrics need no picture), but only the plane and the sphere can be
  /// drawn: refused here rather than projecting silently.
  public static func refuseUndrawable(_ embeddings: [Embeddings]) throws {
    if let e = embeddings.first(where: { $0.dimension != 2 && $0.dimension != 3 }) {
      throw EmbeddingError(
        path: e.path,
        array: e.splits.count == 1 && e.splits[0].name == "all" ? "features" : "\(e.splits[0].name)_features",
        reason:
          "has D = \(e.dimension); only D = 2 (plane) and D = 3 (--kind sphere) can be drawn, and no coordinate is dropped silently (`margins metrics` reads any D)"
      )
    }
    if let e = embeddings.first(where: { $0.classCount > EmbeddingReader.maximumClasses }) {
      throw EmbeddingError(
        path: e.path, array: "labels",
        reason:
          "names \(e.classCount) classes; a figure draws at most \(EmbeddingReader.maximumClasses) (no palette tells more apart, and the legend would outgrow the page); `margins metrics` reads them all"
      )
    }
  }

  /// Builds the figure of `kind` for `embeddings`.
  /// - Parameter logs: the training log of each file's run, for `.log` (`nil` where there is none).
  /// - Throws: `EmbeddingError` when a file lacks what the kind needs (a split, class weights, a log).
  public static func checkpointFigure(
    _ kind: CheckpointFigureKind, embeddings: [Embeddings], logs: [TrainingLogTable?] = [],
    options: CheckpointFigureOptions = CheckpointFigureOptions()
  ) throws -> Figure {
    precondition(!embeddings.isEmpty, "a figure needs at least one file")
    try refuseUndrawable(embeddings)
    if kind == .sphere { return try sphereFigure(embeddings, options: options, view: options.sphereView) }
    if let e = embeddings.first(where: { $0.dimension != 2 }) {
      throw EmbeddingError(
        path: e.path, array: "features",
        reason:
          "has D = \(e.dimension): --kind \(kind.rawValue) draws D = 2 only; use --kind sphere (it would drop a coordinate)"
      )
    }
    let rows = kind.hasSplitRows ? options.splits.count : 1
    var figure = Figure(rows: rows, columns: embeddings.count)
    figure.limitSharing = options.limitSharing
    figure.caption = CheckpointViews.caption(embeddings)
    // The class legend's heading; the curve and histogram kinds' legends name splits and curves instead.
    figure.legendTitle = [.log, .hist].contains(kind) ? nil : embeddings[0].metadata?.dataset.name ?? "class"
    let withEpoch = CheckpointViews.epochsDiffer(embeddings)
    var aggregated = 0
    // Class colours: distinct up to Palette.distinctClassLimit classes, else a continuous map read on
    // a colour bar in the legend's place (the angle kinds colour splits, not classes).
    var options = options
    if kind.hasSplitRows && kind != .rose, let most = embeddings.max(by: { $0.classCount < $1.classCount }) {
      let colors = CheckpointViews.classColors(options.palette, classNames: most.classNames)
      options.palette = colors.palette
      figure.colorBar = colors.colorBar
      if let note = colors.note { figure.caption.append(note) }
    }
    for (column, e) in embeddings.enumerated() {
      let label = CheckpointViews.panelLabel(e) + (withEpoch ? ", " + (CheckpointViews.epochNote(e) ?? "no epoch") : "")
      let directions = CheckpointViews.directions(e)
      func needWeights() throws {
        if e.classWeights == nil {
          throw EmbeddingError(
            path: e.path, array: "class_weights", reason: "missing: --kind \(kind.rawValue) needs the class weights")
        }
      }
      func split(_ choice: CheckpointViews.SplitChoice) throws -> Embeddings.Split {
        if let s = CheckpointViews.split(e, choice.rawValue) { return s }
        throw EmbeddingError(
          path: e.path, array: "\(choice.rawValue)_features",
          reason:
            "the file has no \(choice.rawValue) split (it has: \(e.splits.map(\.name).joined(separator: ", "))); choose one with --split"
        )
      }
      switch kind {
      case .scatter, .circle, .sectors, .rose:
        if kind != .scatter { try needWeights() }
        for (row, choice) in options.splits.enumerated() {
          let s = try split(choice)
          let cloud = CheckpointViews.cloud(e, split: s)
          let title = "\(s.setName) (\(label))"
          let subtitle = CheckpointViews.accuracyLine(e, split: s)
          switch kind {
          case .scatter where options.density.aggregates(count: cloud.count, threshold: options.densityThreshold):
            if options.showsClassLabels {
              throw EmbeddingError(
                path: e.path,
                reason:
                  "--class-labels cannot be drawn on a density panel (\(cloud.count) points aggregated per pixel); pass --density never to draw markers and labels"
              )
            }
            figure[row, column] = Panel(
              title: title, subtitle: subtitle, layers: [DensityLayer(cloud: cloud, palette: options.palette)],
              limits: .forFeatures(cloud.bounds))
            aggregated += cloud.count
          case .scatter:
            var panel = Panel.scatter(
              title: title, subtitle: subtitle, cloud: cloud, palette: options.palette,
              showsClassLabels: options.showsClassLabels)
            panel.limits = .forFeatures(cloud.bounds)
            figure[row, column] = panel
          case .circle, .sectors:
            var panel = Panel.angular(
              title: title, subtitle: subtitle, cloud: cloud, directions: directions,
              sectors: kind == .sectors
                ? CheckpointViews.sectors(e, includingMarginZones: options.showsMarginZones) : [],
              palette: options.palette,
              directionLabels: options.showsWeightLabels && e.classCount <= Self.maximumWeightLabels
                ? e.classNames.map { "W\($0)" } : nil)
            if !options.showsWeightRays { panel.layers.removeAll { $0 is DirectionRaysLayer } }
            figure[row, column] = panel
          default:
            let series = HistogramSeries.anglesPooled(
              of: cloud, directions: directions, name: s.setName, color: Self.splitColor(s.name),
              binCount: options.binCount ?? 36,
              range: 0...180)
            figure[row, column] = .rose(title: title, subtitle: subtitle, series: [series])
          }
        }
      case .hist:
        try needWeights()
        let chosen = try options.splits.map(split)
        figure[0, column] = .histogram(
          title: label,
          subtitle: (chosen.map { CheckpointViews.accuracyLine(e, split: $0) }
            + [Self.angleRangeNote(e, splits: chosen)].compactMap { $0 })
            .joined(separator: "; "),
          series: Self.angleSeries(e, splits: chosen, binCount: options.binCount ?? 60), yLabel: "density")
        // Every panel's series are the same splits: one legend under the grid, not over the bars.
        figure[0, column]?.legend = .shared
        figure.style.legend = .bottom
      case .log:
        guard column < logs.count, let log = logs[column] else {
          throw EmbeddingError(
            path: e.path, reason: "--kind log needs a run directory with log.csv (this tool's checkpoints)")
        }
        let iterations = log.rows.map { Double($0.iteration) }
        let loss = Polyline(xs: iterations, ys: log.rows.map(\.loss), name: "loss", color: .black)
        // Error (1 − accuracy) rather than accuracy: on the log axis the last percent stays readable.
        let error = Polyline(
          xs: iterations, ys: log.rows.map { 1 - $0.batchAccuracy }, name: "batch error", color: Self.testColor,
          dash: [4, 2])
        figure[0, column] = .curves(
          title: label, curves: [Self.smoothed(loss), Self.smoothed(error)], xLabel: "iteration", yLabel: nil,
          yScale: .log10)
        // The same two curves in every panel: one legend under the grid, not over the curves.
        figure[0, column]?.legend = .shared
        figure.style.legend = .bottom
      case .sphere:
        preconditionFailure("drawn by sphereFigure above")
      case .psi:
        guard let rule = e.rule else {
          throw EmbeddingError(
            path: e.path, array: "loss", reason: "missing: --kind psi needs the loss (a 'loss' array, e.g. \"arcface\")"
          )
        }
        let degrees = Array(stride(from: 0.0, through: 180.0, by: 1.0))
        let psi = Polyline(
          xs: degrees, ys: degrees.map { rule.targetCurve(angle: $0 * .pi / 180) }, name: "target logit ψ(θ)",
          color: Self.testColor)
        let cosine = Polyline(
          xs: degrees, ys: degrees.map { cos($0 * .pi / 180) }, name: "cos θ", color: .black, dash: [3, 2])
        figure[0, column] = .curves(
          title: label, subtitle: e.iteration.map { "at iteration \($0)" },
          curves: [cosine, psi], xLabel: "θ (degrees)", yLabel: "target logit / scale", legendCorner: .bottomLeft)
      }
    }
    // Curves and histograms read best wider than tall: a square panel made a single `hist` or `psi`
    // figure 6.5 × 7 in.
    if [.hist, .log, .psi].contains(kind) { figure.panelHeight = figure.panelWidth * 0.62 }
    if [.circle, .sectors].contains(kind), options.showsWeightLabels,
      embeddings.contains(where: { $0.classCount > Self.maximumWeightLabels })
    {
      figure.caption.append(
        ("note", "W names left out above \(Self.maximumWeightLabels) classes (rays keep the class colours)"))
    }
    if aggregated > 0 {
      figure.caption.append(("density", DensityLayer.captionValue(pointCount: aggregated)))
    }
    return figure
  }

  /// Past this many classes the "W…" names of the weight rays would cover one another and the
  /// points; the rays keep the class colours, and the caption says the names were left out.
  public static let maximumWeightLabels = 20

  /// Angle histograms (density) of `splits` against their own class weights, over `angleRange`.
  public static func angleSeries(_ e: Embeddings, splits: [Embeddings.Split], binCount: Int = 60) -> [HistogramSeries] {
    let directions = CheckpointViews.directions(e)
    let upper = angleRange(e, splits: splits).upper
    return splits.map { s in
      HistogramSeries.anglesPooled(
        of: CheckpointViews.cloud(e, split: s), directions: directions, name: s.setName, color: splitColor(s.name),
        binCount: binCount,
        range: 0...upper)
    }
  }

  /// The range an angle histogram shows: 0 to the 99.5th percentile of the pooled angles rounded up to
  /// 10° (at least 10°, at most 180°), so the few misclassified features near 180° do not squash the bulk
  /// into the first bins. `beyond` counts the angles past `upper`, which `angleRangeNote` states.
  public static func angleRange(_ e: Embeddings, splits: [Embeddings.Split]) -> (upper: Double, beyond: Int) {
    let directions = CheckpointViews.directions(e)
    let angles = splits.flatMap { CheckpointViews.cloud(e, split: $0).anglesToOwnClass(directions: directions) }.filter(
      \.isFinite
    ).sorted()
    guard !angles.isEmpty else { return (90, 0) }
    let quantile = angles[min(angles.count - 1, Int((0.995 * Double(angles.count - 1)).rounded(.up)))]
    let upper = min(180, max(10, (quantile / 10).rounded(.up) * 10))
    return (upper, angles.filter { $0 > upper }.count)
  }

  /// "0.3 % beyond 40° not drawn", or nil when the histogram shows every angle.
  public static func angleRangeNote(_ e: Embeddings, splits: [Embeddings.Split]) -> String? {
    let (upper, beyond) = angleRange(e, splits: splits)
    guard beyond > 0 else { return nil }
    let total = splits.map(\.count).reduce(0, +)
    return String(format: "%.1f %% beyond %.0f° not drawn", 100 * Double(beyond) / Double(max(1, total)), upper)
  }

  /// Black for training data, orange for test data (Okabe–Ito vermillion-orange).
  static func splitColor(_ name: String) -> Color { name == "train" ? .black : testColor }

  static let testColor = Color(red: 0.84, green: 0.37, blue: 0.0)

  /// A running mean over 25 iterations, so batch noise does not hide the trend.
  static func smoothed(_ line: Polyline, window: Int = 25) -> Polyline {
    var result = line
    var sum = 0.0
    var ys: [Double] = []
    for (i, point) in line.points.enumerated() {
      sum += point.y
      if i >= window { sum -= line.points[i - window].y }
      ys.append(sum / Double(min(i + 1, window)))
    }
    result.points = zip(line.points, ys).map { Point(x: $0.0.x, y: max($0.1, 1e-4)) }
    return result
  }
}

extension Figure {
  /// The figure with every class-coloured layer drawn in `palette`, or `nil` when a panel holds
  /// colours no palette governs (a sphere scene's pre-coloured points) or no layer takes a palette
  /// at all (curves in fixed colours), so the caller can refuse rather than change nothing.
  public func recoloured(_ palette: Palette) -> Figure? {
    var copy = self
    var governed = false
    for i in copy.panels.indices {
      guard var panel = copy.panels[i] else { continue }
      for k in panel.layers.indices {
        switch panel.layers[k] {
        case var layer as ScatterLayer:
          layer.palette = palette
          governed = true
          panel.layers[k] = layer
        case var layer as SectorLayer:
          layer.palette = palette
          governed = true
          panel.layers[k] = layer
        case var layer as DirectionRaysLayer:
          layer.palette = palette
          governed = true
          panel.layers[k] = layer
        case is ColoredPointsLayer:
          return nil
        default:
          continue
        }
      }
      copy.panels[i] = panel
    }
    guard governed else { return nil }
    copy.caption = copy.caption.map { $0.key == "palette" ? ("palette", palette.name) : $0 }
    return copy
  }
}
