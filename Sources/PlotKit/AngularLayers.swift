import Graphics2D
import Foundation

/// A circle of `radius` around the origin (the unit circle of normalised features).
public struct CircleLayer: PlotLayer {
  public var radius: Double
  public var color: Color
  public var lineWidth: Double
  public var dash: [Double]

  public init(radius: Double = 1, color: Color = .gray(0.35), lineWidth: Double = 0.8, dash: [Double] = []) {
    self.radius = radius
    self.color = color
    self.lineWidth = lineWidth
    self.dash = dash
  }

  public var dataBounds: AxisLimits? { AxisLimits(xMin: -radius, xMax: radius, yMin: -radius, yMax: radius) }
  public var legendEntries: [LegendEntry] { [] }

  public func draw(in canvas: PlotCanvas) throws {
    let full = AngularSector(start: 0, end: 2 * .pi, classIndex: 0, kind: .decisionRegion)
    canvas.strokePolyline(Array(full.outline(radius: radius).dropFirst()), color: color, width: lineWidth, dash: dash)
  }
}

/// Class weight directions drawn as rays from the origin, labelled at their tips (ArcFace-style
/// class-centre lines). Only the direction of each vector matters.
public struct DirectionRaysLayer: PlotLayer {
  public var directions: [Point]
  /// Ray length in data units; `nil` reaches 92 % of the way to the nearest panel edge.
  public var length: Double?
  /// Tip labels (e.g. "W0"); `nil` draws none.
  public var labels: [String]?
  public var palette: Palette
  public var lineWidth: Double
  /// Where the tip labels are centred (data units); `nil` just beyond the tips.
  public var labelRadius: Double?

  public init(
    directions: [Point], length: Double? = nil, labels: [String]? = nil, palette: Palette = .colorBlindSafe,
    lineWidth: Double = 1.3,
    labelRadius: Double? = nil
  ) {
    self.directions = directions
    self.length = length
    self.labelRadius = labelRadius
    self.labels = labels
    self.palette = palette
    self.lineWidth = lineWidth
  }

  public var dataBounds: AxisLimits? {
    guard let length else { return nil }
    // Leave room for the tip labels.
    let r = length * 1.15
    return AxisLimits(xMin: -r, xMax: r, yMin: -r, yMax: r)
  }

  public var legendEntries: [LegendEntry] { [] }

  public func draw(in canvas: PlotCanvas) throws {
    let limits = canvas.mapping.limits
    let reach = length ?? 0.92 * min(abs(limits.x.lower), abs(limits.x.upper), abs(limits.y.lower), abs(limits.y.upper))
    var placed: [Rect] = []
    for (c, w) in directions.enumerated() {
      let n = (w.x * w.x + w.y * w.y).squareRoot()
      guard n > 0 else { continue }
      let tip = Point(x: w.x / n * reach, y: w.y / n * reach)
      let color = palette.color(forClass: c)
      canvas.strokePolyline([.zero, tip], color: .white, width: lineWidth + 1.2)
      canvas.strokePolyline([.zero, tip], color: color, width: lineWidth)
    }
    guard let labels else { return }
    for (c, w) in directions.enumerated() where c < labels.count {
      let n = (w.x * w.x + w.y * w.y).squareRoot()
      guard n > 0 else { continue }
      // Beyond the tip; a label that would touch one already placed moves inward along its ray
      // (neighbouring weights a few degrees apart otherwise print as "W4W1").
      var fraction = labelRadius.map { $0 / reach } ?? 1.09
      for _ in 0..<10 {
        let box = canvas.haloTextRect(
          labels[c], at: Point(x: w.x / n * reach * fraction, y: w.y / n * reach * fraction), size: 7.5,
          keepingInside: true)
        if !placed.contains(where: {
          $0.minX < box.maxX && box.minX < $0.maxX && $0.minY < box.maxY && box.minY < $0.maxY
        }) {
          break
        }
        fraction -= 0.1
      }
      let labelAt = Point(x: w.x / n * reach * fraction, y: w.y / n * reach * fraction)
      // Long names ("Wthree") are moved inward rather than cut at the frame.
      let box = canvas.drawHaloText(
        labels[c], at: labelAt, size: 7.5, color: palette.color(forClass: c), keepingInside: true)
      placed.append(box.insetBy(dx: -1, dy: -1))
    }
  }
}

/// Shaded wedges: decision regions in light class colours, margin zones a pale grey with a darker
/// outline (no hatching, so even a zone covering most of the circle leaves the points readable).
///
/// Decision regions are filled first (opaque light tints, so overlaps do not darken), margin
/// zones on top, then thin edges. Draw this layer before the points.
public struct SectorLayer: PlotLayer {
  public var sectors: [AngularSector]
  /// Outer radius of the wedges, in data units.
  public var radius: Double
  public var palette: Palette
  /// How far class colours are mixed with white (0 = full colour).
  public var lightening: Double
  public var marginColor: Color

  public init(
    sectors: [AngularSector], radius: Double = 1.3, palette: Palette = .colorBlindSafe, lightening: Double = 0.8,
    marginColor: Color = .gray(0.9)
  ) {
    self.sectors = sectors
    self.radius = radius
    self.palette = palette
    self.lightening = lightening
    self.marginColor = marginColor
  }

  public var dataBounds: AxisLimits? { AxisLimits(xMin: -radius, xMax: radius, yMin: -radius, yMax: radius) }

  public var legendEntries: [LegendEntry] {
    sectors.contains { $0.kind == .marginZone }
      ? [LegendEntry(label: "margin zone", color: marginColor, symbol: .outlinedPatch)] : []
  }

  /// The fill colour of `sector`.
  public func fillColor(of sector: AngularSector) -> Color {
    switch sector.kind {
    case .decisionRegion: palette.color(forClass: sector.classIndex).lightened(by: lightening)
    case .marginZone: marginColor
    }
  }

  public func draw(in canvas: PlotCanvas) throws {
    let ordered = sectors.filter { $0.kind == .decisionRegion } + sectors.filter { $0.kind == .marginZone }
    for sector in ordered {
      canvas.fillPolygon(sector.outline(radius: radius), color: fillColor(of: sector))
    }
    for sector in ordered where sector.kind == .decisionRegion {
      let outline = sector.outline(radius: radius)
      canvas.strokePolyline([outline[1], Point.zero, outline[outline.count - 1]], color: .gray(0.6), width: 0.4)
    }
    for sector in ordered where sector.kind == .marginZone {
      let outline = sector.outline(radius: radius)
      canvas.strokePolyline(outline + [outline[0]], color: Self.marginOutline, width: 0.45, dash: [2, 1.5])
    }
  }

  /// The margin zones' outline: dark enough to find a thin zone, dashed so it reads as a border.
  public static let marginOutline = Color.gray(0.5)
}

/// How densely points lie along the circle: per-class bars in angular bins, standing outward from
/// `innerRadius` on a thin baseline circle, their length proportional to the bin's count (the
/// fullest bin reaches `depth`). Gaps between classes read as stretches with no bar at all.
public struct AngularDensityLayer: PlotLayer {
  public var cloud: FeatureCloud
  public var palette: Palette
  public var innerRadius: Double
  public var depth: Double
  public var binDegrees: Double

  public init(
    cloud: FeatureCloud, palette: Palette = .colorBlindSafe, innerRadius: Double = 1.1, depth: Double = 0.22,
    binDegrees: Double = 2
  ) {
    self.cloud = cloud
    self.palette = palette
    self.innerRadius = innerRadius
    self.depth = depth
    self.binDegrees = binDegrees
  }

  public var outerRadius: Double { innerRadius + depth }

  public var dataBounds: AxisLimits? {
    AxisLimits(xMin: -outerRadius, xMax: outerRadius, yMin: -outerRadius, yMax: outerRadius)
  }
  public var legendEntries: [LegendEntry] { [] }

  /// Counts per bin (counter-clockwise from the +x axis) and class.
  public func counts() -> [[Int]] {
    let bins = max(1, Int((360 / binDegrees).rounded()))
    var result = [[Int]](repeating: [Int](repeating: 0, count: cloud.classCount), count: bins)
    for i in 0..<cloud.count {
      let x = Double(cloud.xs[i]), y = Double(cloud.ys[i])
      guard x.isFinite, y.isFinite, x != 0 || y != 0 else { continue }
      let a = AngularSector.normalized(atan2(y, x))
      result[min(bins - 1, Int(a / (2 * .pi) * Double(bins)))][Int(cloud.labels[i])] += 1
    }
    return result
  }

  public func draw(in canvas: PlotCanvas) throws {
    let table = counts()
    let bins = table.count
    let fullest = table.map { $0.reduce(0, +) }.max() ?? 0
    canvas.strokePolyline(
      Array(
        AngularSector(start: 0, end: 2 * .pi, classIndex: 0, kind: .decisionRegion).outline(radius: innerRadius)
          .dropFirst()),
      color: .gray(0.6), width: 0.4)
    guard fullest > 0 else { return }
    let width = 2 * Double.pi / Double(bins)
    for (b, row) in table.enumerated() {
      var r = innerRadius
      for (c, n) in row.enumerated() where n > 0 {
        let h = depth * Double(n) / Double(fullest)
        let a0 = Double(b) * width, a1 = a0 + width
        let quad = [
          Point(x: r * cos(a0), y: r * sin(a0)), Point(x: (r + h) * cos(a0), y: (r + h) * sin(a0)),
          Point(x: (r + h) * cos(a1), y: (r + h) * sin(a1)), Point(x: r * cos(a1), y: r * sin(a1)),
        ]
        canvas.fillPolygon(quad, color: palette.color(forClass: c).withAlpha(1))
        r += h
      }
    }
  }
}
