import Graphics2D
import Foundation

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
