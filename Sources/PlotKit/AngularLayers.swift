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

  public init(directions: [Point], length: Double? = nil, labels: [String]? = nil, palette: Palette = .colorBlindSafe, lineWidth: Double = 1.3) {
    self.directions = directions
    self.length = length
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
    for (c, w) in directions.enumerated() {
      let n = (w.x * w.x + w.y * w.y).squareRoot()
      guard n > 0 else { continue }
      let tip = Point(x: w.x / n * reach, y: w.y / n * reach)
      let color = palette.color(forClass: c)
      canvas.strokePolyline([.zero, tip], color: .white, width: lineWidth + 1.2)
      canvas.strokePolyline([.zero, tip], color: color, width: lineWidth)
      if let labels, c < labels.count {
        let labelAt = Point(x: w.x / n * reach * 1.09, y: w.y / n * reach * 1.09)
        // Long names ("Wthree") are moved inward rather than cut at the frame.
        canvas.drawHaloText(labels[c], at: labelAt, size: 7.5, color: color, keepingInside: true)
      }
    }
  }
}

/// Shaded wedges: decision regions in light class colours, margin zones grey and hatched.
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

  public init(sectors: [AngularSector], radius: Double = 1.3, palette: Palette = .colorBlindSafe, lightening: Double = 0.72, marginColor: Color = .gray(0.86)) {
    self.sectors = sectors
    self.radius = radius
    self.palette = palette
    self.lightening = lightening
    self.marginColor = marginColor
  }

  public var dataBounds: AxisLimits? { AxisLimits(xMin: -radius, xMax: radius, yMin: -radius, yMax: radius) }

  public var legendEntries: [LegendEntry] {
    sectors.contains { $0.kind == .marginZone } ? [LegendEntry(label: "margin zone", color: marginColor, symbol: .hatchedPatch)] : []
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
      let outline = sector.outline(radius: radius)
      canvas.fillPolygon(outline, color: fillColor(of: sector))
      if sector.kind == .marginZone {
        drawHatching(in: canvas.clipped(toPolygon: outline))
      }
    }
    for sector in ordered {
      let outline = sector.outline(radius: radius)
      let edges = [outline[1], Point.zero, outline[outline.count - 1]]
      canvas.strokePolyline(edges, color: .gray(0.55), width: 0.4)
    }
  }

  /// 45° lines 4 pt apart across the (already clipped) wedge bounding square.
  private func drawHatching(in canvas: PlotCanvas) {
    let c = canvas.mapping.device(.zero)
    let r = radius * max(canvas.mapping.pointsPerUnitX, canvas.mapping.pointsPerUnitY)
    var path = Path()
    var offset = -2 * r
    while offset <= 2 * r {
      path.move(to: Point(x: c.x + offset - r, y: c.y + r))
      path.line(to: Point(x: c.x + offset + r, y: c.y - r))
      offset += 4
    }
    // Light, sparse hatching: wide margin zones (CosFace m = 0.2 on eight classes covers two
    // thirds of the circle) must not hide the points drawn over them.
    canvas.draw(devicePath: path, style: .stroked(.gray(0.62), width: 0.35))
  }
}
