import Provenance
import EmbeddingAnalysis
import Foundation
import Graphics2D
import PlotKit
import SphereScene

/// The analysis figures: angles (target angles, pair angles, ROC), the class-angle matrices, and the
/// projections (PCA circle and sphere, the plane of two classes).
public struct AnalysisFigures {
  let inputs: [AnalysisInput]
  let analyses: [FileAnalysis]
  let palette: Palette
  let plane: (Int, Int)?

  /// - Parameters:
  ///   - inputs: what each analysis read (paths, names, epochs; the features may be gone).
  public init(inputs: [AnalysisInput], analyses: [FileAnalysis], palette: Palette, plane: (Int, Int)?) {
    self.inputs = inputs
    self.analyses = analyses
    self.palette = palette
    self.plane = plane
  }

  public func all() throws -> [(String, Figure)] {
    [("angles", angles()), ("classes", classes()), ("views", try views())]
  }

  private func histogram(_ h: AngleHistogram) -> Histogram {
    Histogram(edges: (0...180).map(Double.init), counts: h.counts.map(Double.init)).density()
  }

  private func label(_ i: Int) -> String {
    let input = inputs[i]
    let name = ((input.path as NSString).lastPathComponent as NSString).deletingPathExtension
    return input.epoch.map { "\(name), epoch \($0)" } ?? name
  }

  private var caption: [(key: String, value: String)] {
    [("files", inputs.map(\.path).joined(separator: ", ")), ("code", CodeVersion.current)]
  }

  /// Per file: target angles (one series per split), pair angles and the ROC of its last split;
  /// with several files, one more row comparing their target angles.
  public func angles() -> Figure {
    let rows = analyses.count + (analyses.count > 1 ? 1 : 0)
    var figure = Figure(rows: rows, columns: 3, panelWidth: 170, panelHeight: 120)
    for (i, a) in analyses.enumerated() {
      let splitColors = [palette.color(forClass: 0), palette.color(forClass: 1), palette.color(forClass: 2)]
      let series = a.report.splits.enumerated().map { k, s in
        HistogramSeries(
          name: s.name == "all" ? "all rows" : s.name, histogram: histogram(s.targetAngles.histogram),
          color: splitColors[k % 3])
      }
      let reference = a.report.splits.first?.targetAngles.reference ?? "class weight"
      figure[i, 0] = .histogram(
        title: "\(label(i)): target angles", subtitle: "angle to own \(reference)", series: series,
        xLabel: "angle to own class (°)", yLabel: "density")
      guard let last = a.report.splits.last else { continue }
      let pairs = last.pairs
      figure[i, 1] = .histogram(
        title: "pair angles (\(last.name == "all" ? "all rows" : last.name))",
        subtitle: "\(pairs.positive.count) positive, \(pairs.negative.count) negative"
          + (pairs.positive.sampled || pairs.negative.sampled ? " (sampled)" : ""),
        series: [
          HistogramSeries(
            name: "same class", histogram: histogram(pairs.positive.histogram), color: palette.color(forClass: 0)),
          HistogramSeries(
            name: "different class", histogram: histogram(pairs.negative.histogram), color: palette.color(forClass: 1)),
        ], xLabel: "angle between the pair (°)", yLabel: "density")
      let points = pairs.roc.filter { $0.targetFar > 0 }
      let tarLine = pairs.tarAtFar.map { r in
        r.tar.map { String(format: "TAR %.1f%% @ FAR %g", 100 * $0, r.far) } ?? "FAR \(r.far): too few pairs"
      }
      var roc = Panel(
        title: "ROC", subtitle: tarLine.joined(separator: "; ") + String(format: "; EER %.2f%%", 100 * pairs.eer.rate),
        layers: [
          CurveLayer(curves: [
            Polyline(xs: points.map(\.targetFar), ys: points.map(\.tar), name: "TAR", color: palette.color(forClass: 0))
          ])
        ],
        limits: .exactly(AxisLimits(xMin: points.first?.targetFar ?? 1e-6, xMax: 1, yMin: 0, yMax: 1)),
        equalAspect: false,
        xScale: .log10, xLabel: "false accept rate", yLabel: "true accept rate", showsGrid: true, legend: .hidden)
      roc.cornerNote = nil
      figure[i, 2] = roc
    }
    if analyses.count > 1 {
      // The same split of every file, in order: the target angle over training.
      let series = analyses.enumerated().compactMap { i, a -> HistogramSeries? in
        guard let s = a.report.splits.first(where: { $0.name == "test" }) ?? a.report.splits.last else { return nil }
        return HistogramSeries(
          name: label(i), histogram: histogram(s.targetAngles.histogram), color: palette.color(forClass: i))
      }
      figure[analyses.count, 0] = .histogram(
        title: "target angles across files", subtitle: "test split (or the only one)", series: series,
        xLabel: "angle to own class (°)", yLabel: "density")
    }
    figure.caption = caption
    figure.style.legend = .none
    return figure
  }

  /// Angles between class centres (and between class weights) of the last file's last split.
  public func classes() -> Figure {
    let a = analyses[analyses.count - 1]
    let input = inputs[inputs.count - 1]
    let split = a.report.splits[a.report.splits.count - 1]
    var matrices: [(String, ClassAngles)] = [
      ("class centres (\(split.name == "all" ? "all rows" : split.name))", split.centreAngles)
    ]
    if let w = a.report.weightAngles { matrices.append(("class weights", w)) }
    var figure = Figure(rows: 1, columns: matrices.count, panelWidth: 200, panelHeight: 200)
    for (k, (title, m)) in matrices.enumerated() {
      let off = m.matrixDegrees.enumerated().flatMap { r, row in
        row.enumerated().filter { $0.offset != r }.map(\.element)
      }
      let lo = off.min() ?? 0, hi = off.max() ?? 180
      let names = m.order.map { input.classNames[$0] }
      let closest = m.closestPairs.prefix(3).map { "\($0.nameA)–\($0.nameB) \(String(format: "%.1f°", $0.degrees))" }
        .joined(separator: ", ")
      figure[0, k] = Panel(
        title: "angles between \(title)",
        subtitle: String(format: "dark %.1f° (near) … light %.1f° (far); closest: ", lo, hi) + closest
          + (m.note.map { "; \($0)" } ?? ""),
        layers: [HeatmapLayer(values: m.matrixDegrees, low: lo, high: hi, labels: names.count <= 30 ? names : nil)],
        limits: .exactly(
          AxisLimits(xMin: -0.5, xMax: Double(names.count) + 0.5, yMin: -0.5, yMax: Double(names.count) + 0.5)),
        showsAxes: false, legend: .hidden)
    }
    figure.caption = caption + [("order", "greedy nearest-neighbour chain from the closest pair")]
    figure.style.legend = .none
    return figure
  }

  /// PCA of the normalised features on the circle and the sphere, and the plane of two classes.
  public func views() throws -> Figure {
    let a = analyses[analyses.count - 1]
    let input = inputs[inputs.count - 1]
    let s = a.report.splits.count - 1
    let split = a.report.splits[s], v = a.views[s]
    let c = input.classCount
    let k = v.pcaDimension
    // Class colours as in the plane figures of as many classes (a colour bar above
    // Palette.distinctClassLimit), so a class keeps its colour from one figure to the next.
    let classColors = CheckpointViews.classColors(palette, classNames: input.classNames)
    let colors = (0..<max(c, 1)).map { classColors.palette.color(forClass: $0).withAlpha(1) }
    let directionWords = a.report.classDirections
    var panels: [Panel] = []
    // Circle: the first two components, each point by its direction in that plane.
    var circle: [Point] = []
    for r in 0..<(v.pcaPoints.count / k) {
      let x = v.pcaPoints[r * k], y = v.pcaPoints[r * k + 1]
      let n = (x * x + y * y).squareRoot()
      circle.append(n > 0 ? Point(x: x / n, y: y / n) : Point(x: 0, y: 0))
    }
    var circleLayers: [any PlotLayer] = [
      CircleLayer(radius: 1),
      ColoredPointsLayer(
        positions: circle, colorIndices: v.pcaLabels.map(Int.init), palette: colors,
        alpha: ScatterLayer.markerAlpha(forCount: circle.count),
        diameter: ScatterLayer.markerDiameter(forCount: circle.count)),
    ]
    if c <= 20 {
      let rays = (0..<c).map { Point(x: v.pcaDirections[$0 * k], y: v.pcaDirections[$0 * k + 1]) }
      circleLayers.append(
        DirectionRaysLayer(
          directions: rays, length: 1.2, labels: input.classNames, palette: Palette(name: "classes", colors: colors)))
    }
    panels.append(
      Panel(
        title: "PCA to 2-D (circle view)",
        subtitle: String(
          format: "projection keeping %.1f%% of the variance; directions only", 100 * split.pca.varianceShare2D),
        layers: circleLayers, limits: .exactly(AxisLimits(xMin: -1.3, xMax: 1.3, yMin: -1.3, yMax: 1.3)),
        legend: .hidden))
    if k >= 3, let share = split.pca.varianceShare3D {
      let rows: [[Double]] = (0..<(v.pcaPoints.count / 3)).map { (r: Int) -> [Double] in
        Array(v.pcaPoints[(3 * r)..<(3 * r + 3)])
      }
      let weights: [[Double]]? =
        c <= 20 ? (0..<c).map { (j: Int) -> [Double] in Array(v.pcaDirections[(3 * j)..<(3 * j + 3)]) } : nil
      let usable = rows.indices.filter { rows[$0].contains { $0 != 0 } }
      let sceneInput = try SphereSceneInput(
        features: usable.map { rows[$0] }, labels: usable.map { Int(v.pcaLabels[$0]) }, classCount: c,
        weights: weights?.allSatisfy({ $0.contains { $0 != 0 } }) == true ? weights : nil)
      var sceneOptions = SphereSceneOptions()
      sceneOptions.classColors = colors
      sceneOptions.showBoundaries = false
      sceneOptions.showMarginZones = false
      let scene = try SphereScene.sphere(sceneInput, options: sceneOptions)
      panels.append(
        .scene(
          scene, title: "PCA to 3-D (sphere view)",
          subtitle: String(format: "projection keeping %.1f%% of the variance", 100 * share),
          classNames: input.classNames))
    }
    if let (i, j) = plane, let p = split.plane {
      var layers: [any PlotLayer] = [CircleLayer(radius: 1)]
      let points = (0..<(v.planePoints.count / 2)).map { Point(x: v.planePoints[2 * $0], y: v.planePoints[2 * $0 + 1]) }
      layers.append(
        ColoredPointsLayer(
          positions: points, colorIndices: v.planeLabels.map(Int.init), palette: colors,
          alpha: ScatterLayer.markerAlpha(forCount: points.count),
          diameter: ScatterLayer.markerDiameter(forCount: points.count)))
      let angle = p.angleBetweenDegrees * Double.pi / 180
      let rayColors = Palette(name: "plane", colors: [colors[i], colors[j]])
      layers.append(
        DirectionRaysLayer(
          directions: [Point(x: 1, y: 0), Point(x: cos(angle), y: sin(angle))], length: 1.2,
          labels: [input.classNames[i], input.classNames[j]],
          palette: rayColors))
      panels.append(
        Panel(
          title: "plane of \(input.classNames[i]) and \(input.classNames[j])",
          subtitle:
            "spanned by their \(p.spannedBy.hasPrefix("class weights") ? "weights" : "centres"); exact for these two classes",
          layers: layers, limits: .exactly(AxisLimits(xMin: -1.3, xMax: 1.3, yMin: -1.3, yMax: 1.3)), legend: .hidden))
    }
    var figure = Figure(rows: 1, columns: panels.count, panelWidth: 170, panelHeight: 170)
    for (n, p) in panels.enumerated() { figure[0, n] = p }
    figure.caption =
      caption + [
        (
          "shown",
          "\(split.name == "all" ? "all rows" : split.name + " split"): \(v.pcaLabels.count) of \(split.rows) rows; PCA fitted on \(split.pca.sampleRows)"
        ),
        ("class directions", directionWords),
        ("note", "projections of the L2-normalised features, not the features themselves"),
      ]
    if let bar = classColors.colorBar, let note = classColors.note {
      figure.colorBar = bar
      figure.caption.append(note)
    } else {
      figure.legendEntries = (0..<c).map { LegendEntry(label: input.classNames[$0], color: colors[$0], symbol: .dot) }
    }
    return figure
  }
}

/// A matrix as coloured cells, row 0 at the top; optional names along the left and top.
struct HeatmapLayer: PlotLayer {
  let values: [[Double]]
  let low: Double
  let high: Double
  let labels: [String]?

  var dataBounds: AxisLimits? {
    AxisLimits(xMin: 0, xMax: Double(values.count), yMin: 0, yMax: Double(values.count))
  }

  var legendEntries: [LegendEntry] { [] }

  /// Near (small angles) dark blue, far light yellow: ordered in lightness, so it reads in grey too.
  func color(_ v: Double) -> Color {
    let t = high > low ? max(0, min(1, (v - low) / (high - low))) : 0.5
    return Color(red: 0.08 + 0.9 * t, green: 0.16 + 0.8 * t, blue: 0.42 + 0.38 * t)
  }

  func draw(in canvas: PlotCanvas) throws {
    let n = values.count
    for r in 0..<n {
      for c in 0..<n {
        let y: Double = Double(n - 1 - r), x0: Double = Double(c), x1: Double = x0 + 1
        let cell: [Point] = [Point(x: x0, y: y), Point(x: x1, y: y), Point(x: x1, y: y + 1), Point(x: x0, y: y + 1)]
        canvas.fillPolygon(cell, color: r == c ? .gray(0.85) : color(values[r][c]))
      }
    }
    if let labels, n > 0 {
      for (k, name) in labels.enumerated() {
        canvas.drawHaloText(name, at: Point(x: -0.25, y: Double(n - 1 - k) + 0.5), size: 6, color: .black, bold: false)
        canvas.drawHaloText(
          name, at: Point(x: Double(k) + 0.5, y: Double(n) + 0.25), size: 6, color: .black, bold: false)
      }
    }
  }
}
