import Graphics2D
import Foundation

/// The axes a binary decision-boundary diagram is drawn in (ArcFace Fig. 5 / CosFace Fig. 2).
public enum BoundarySpace: Hashable, Sendable {
  /// θ1 against θ2 over 0…π; input points are in radians, shown in degrees when `degrees`.
  case angles(degrees: Bool)
  /// cos θ1 against cos θ2 over −1…1.
  case cosines
}

/// How a unit-circle panel shows where along the circle the points lie.
public enum AngularDensity: Hashable, Sendable {
  /// Points exactly on the circle (a one-pixel ring where many coincide).
  case none
  /// Points spread over radius 1 ± ``jitterAmplitude`` at random, so the band's darkness shows density.
  case jitter
  /// The jitter and, outside the circle, per-class bars of the point count in 2° bins
  /// (``AngularDensityLayer``): empty stretches are gaps between classes.
  case jitterAndBand

  public static let jitterAmplitude: Float = 0.05

  /// A caption line that says what the panels show.
  public var captionNote: String? {
    switch self {
    case .none: nil
    case .jitter: "points spread at random over radius 1 ± 0.05, so their density shows"
    case .jitterAndBand:
      "points spread at random over radius 1 ± 0.05; outside, bars of the points per 2° of angle, per class"
    }
  }
}

extension Panel {
  /// A class-coloured scatter of raw 2-D features, with symmetric limits and equal aspect.
  public static func scatter(
    title: String? = nil, subtitle: String? = nil, cloud: FeatureCloud, palette: Palette = .colorBlindSafe,
    showsClassLabels: Bool = false
  ) -> Panel {
    Panel(
      title: title, subtitle: subtitle,
      layers: [ScatterLayer(cloud: cloud, palette: palette, showsClassLabels: showsClassLabels)])
  }

  /// Features projected onto the unit circle, over shaded angular sectors, with class
  /// directions as labelled rays (the "weights plus sectors" view).
  ///
  /// - Parameters:
  ///   - directions: one vector per class (class weights); only their directions are used.
  ///   - sectors: decision regions and margin zones from the margin math; empty draws none.
  ///   - radialOffsetPerClass: pushes class c to radius 1 + c × offset, so overlapping classes
  ///     stay visible without random jitter.
  ///   - density: how the density along the circle is shown (``AngularDensity``).
  public static func angular(
    title: String? = nil, subtitle: String? = nil, cloud: FeatureCloud, directions: [Point],
    sectors: [AngularSector] = [], palette: Palette = .colorBlindSafe, radialOffsetPerClass: Float = 0,
    directionLabels: [String]? = nil, density: AngularDensity = .none
  ) -> Panel {
    let ring = 1 + Double(radialOffsetPerClass) * Double(max(0, cloud.classCount - 1))
    let band =
      density == .jitterAndBand ? AngularDensityLayer(cloud: cloud, palette: palette, innerRadius: ring + 0.1) : nil
    let outer = band.map { $0.outerRadius + 0.03 } ?? ring + 0.25
    var layers: [any PlotLayer] = []
    if !sectors.isEmpty { layers.append(SectorLayer(sectors: sectors, radius: outer, palette: palette)) }
    layers.append(CircleLayer(radius: 1))
    let jitter: Float = density == .none ? 0 : AngularDensity.jitterAmplitude
    layers.append(
      ScatterLayer(
        cloud: cloud.projectedOntoUnitCircle(radialOffsetPerClass: radialOffsetPerClass, radialJitter: jitter),
        palette: palette))
    // With a density band the rays stop short of it, so they do not cut through its bars.
    layers.append(
      DirectionRaysLayer(
        directions: directions, length: band == nil ? outer : ring + 0.08, labels: directionLabels, palette: palette,
        labelRadius: band.map { $0.outerRadius + 0.12 }))
    if let band { layers.append(band) }
    // Limits hugging the drawing (room for tip labels when there are any): nice rounding of the
    // rays' 1.15 label margin went to ±2 and left the circle a quarter of the panel.
    let r = outer * (directionLabels == nil ? 1.04 : 1.2)
    return Panel(
      title: title, subtitle: subtitle, layers: layers,
      limits: .exactly(AxisLimits(xMin: -r, xMax: r, yMin: -r, yMax: r)))
  }

  /// A binary decision-boundary diagram: margin regions filled grey, boundaries dashed.
  ///
  /// - Parameters:
  ///   - boundaries: lines in the diagram's space (angles in radians for `.angles`); a solid
  ///     line is given the papers' dash.
  ///   - margins: closed regions between a class's two boundaries.
  public static func decisionBoundaries(
    title: String? = nil, subtitle: String? = nil, space: BoundarySpace, boundaries: [Polyline], margins: [Polygon]
  ) -> Panel {
    let toDisplay: (Point) -> Point
    let limits: AxisLimits
    let labels: (String, String)
    switch space {
    case .angles(let degrees):
      let k = degrees ? 180 / Double.pi : 1
      toDisplay = { Point(x: $0.x * k, y: $0.y * k) }
      limits = AxisLimits(xMin: 0, xMax: .pi * k, yMin: 0, yMax: .pi * k)
      labels = degrees ? ("θ\u{2081} (degrees)", "θ\u{2082} (degrees)") : ("θ\u{2081}", "θ\u{2082}")
    case .cosines:
      toDisplay = { $0 }
      limits = AxisLimits(xMin: -1, xMax: 1, yMin: -1, yMax: 1)
      labels = ("cos θ\u{2081}", "cos θ\u{2082}")
    }
    let regions = margins.map { Polygon(points: $0.points.map(toDisplay), name: $0.name, fill: $0.fill) }
    let lines = boundaries.map { line in
      var l = line
      l.points = line.points.map(toDisplay)
      if l.dash.isEmpty { l.dash = Polyline.boundaryDash }
      return l
    }
    return Panel(
      title: title, subtitle: subtitle, layers: [RegionLayer(regions: regions), CurveLayer(curves: lines)],
      limits: .exactly(limits), xLabel: labels.0, yLabel: labels.1, legend: .hidden)
  }

  /// Line plots (ψ(θ) curves, λ schedules, training logs) with a legend inside the axes.
  public static func curves(
    title: String? = nil, subtitle: String? = nil, curves: [Polyline], xLabel: String? = nil, yLabel: String? = nil,
    yScale: AxisScale = .linear, limits: LimitsPolicy = .nice, legendCorner: Corner = .topRight
  ) -> Panel {
    Panel(
      title: title, subtitle: subtitle, layers: [CurveLayer(curves: curves)], limits: limits, equalAspect: false,
      yScale: yScale, xLabel: xLabel, yLabel: yLabel, showsGrid: true, legend: .inside(legendCorner))
  }

  /// Overlaid histograms (e.g. angle to own class weight, train vs test).
  public static func histogram(
    title: String? = nil, subtitle: String? = nil, series: [HistogramSeries], style: HistogramLayer.Style = .steps,
    xLabel: String? = "angle to own class weight (°)", yLabel: String? = nil
  ) -> Panel {
    Panel(
      title: title, subtitle: subtitle, layers: [HistogramLayer(series: series, style: style)], limits: .nice,
      equalAspect: false, xLabel: xLabel, yLabel: yLabel, legend: .inside(.topRight))
  }

  /// A polar histogram (rose plot) of angles in degrees.
  public static func rose(title: String? = nil, subtitle: String? = nil, series: [HistogramSeries]) -> Panel {
    Panel(
      title: title, subtitle: subtitle, layers: [RoseLayer(series: series)], limits: .nice, showsAxes: false,
      legend: .inside(.topRight))
  }
}

extension Polyline {
  /// A curve from two columns of a run-log CSV (e.g. `iteration` against `loss`).
  /// - Throws: ``RenderError/missingColumn(_:available:)``.
  public init(table: CSVTable, x: String, y: String, name: String? = nil, color: Color = .black, dash: [Double] = [])
    throws
  {
    self.init(xs: try table.column(x), ys: try table.column(y), name: name ?? y, color: color, dash: dash)
  }
}

extension Panel {
  /// A binary decision-boundary diagram from functions, for losses whose boundaries are not
  /// straight lines (SphereFace's cos mθ1 = cos θ2).
  ///
  /// - Parameters:
  ///   - boundaries: one function per boundary, zero on the boundary, taking a point of the
  ///     diagram's space (θ1, θ2 in **radians** for `.angles`, cosines for `.cosines`).
  ///   - inMargin: true inside the margin region (filled grey), e.g. points where neither
  ///     class's margin rule holds.
  public static func decisionBoundaries(
    title: String? = nil, subtitle: String? = nil, space: BoundarySpace, boundaryFunctions: [(Point) -> Double],
    inMargin: ((Point) -> Bool)? = nil, resolution: Int = 240
  ) -> Panel {
    let toNative: (Point) -> Point
    let nativeLimits: AxisLimits
    switch space {
    case .angles(let degrees):
      let k = degrees ? Double.pi / 180 : 1
      toNative = { Point(x: $0.x * k, y: $0.y * k) }
      nativeLimits = AxisLimits(xMin: 0, xMax: .pi, yMin: 0, yMax: .pi)
    case .cosines:
      toNative = { $0 }
      nativeLimits = AxisLimits(xMin: -1, xMax: 1, yMin: -1, yMax: 1)
    }
    let lines = boundaryFunctions.flatMap { f in
      Contour.zeroLevel(of: f, in: nativeLimits, resolution: resolution).map { Polyline(points: $0) }
    }
    var panel = decisionBoundaries(title: title, subtitle: subtitle, space: space, boundaries: lines, margins: [])
    if let inMargin {
      panel.layers.insert(RegionMaskLayer { inMargin(toNative($0)) }, at: 0)
    }
    return panel
  }
}
