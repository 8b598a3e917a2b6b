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
