import Foundation
import Graphics2D

/// Dots drawn in the given order, each with its own colour from `palette`: for pictures whose
/// drawing order carries meaning (depth-sorted points of a sphere view) rather than class order.
/// Raster or vector like ``ScatterLayer``; in vector mode the dots are grouped by colour (one path
/// each), so order only holds between colours' paths.
public struct ColoredPointsLayer: PlotLayer {
  public var positions: [Point]
  /// Index into `palette` for each position.
  public var colorIndices: [Int]
  public var palette: [Color]
  public var alpha: Double
  public var diameter: Double

  public init(positions: [Point], colorIndices: [Int], palette: [Color], alpha: Double, diameter: Double) {
    precondition(positions.count == colorIndices.count, "one colour index per position")
    self.positions = positions
    self.colorIndices = colorIndices
    self.palette = palette
    self.alpha = alpha
    self.diameter = diameter
  }

  public var dataBounds: AxisLimits? {
    AxisLimits(bounding: positions)
  }

  public var legendEntries: [LegendEntry] { [] }

  public func draw(in canvas: PlotCanvas) throws {
    guard !positions.isEmpty else { return }
    switch canvas.pointMode {
    case .raster: drawRaster(in: canvas)
    case .vector: drawVector(in: canvas)
    }
  }

  private func drawRaster(in canvas: PlotCanvas) {
    let rgb = palette.map { (Float($0.red), Float($0.green), Float($0.blue)) }
    let a = Float(alpha)
    PointRaster.paint(in: canvas, diameter: diameter) { raster, marker, pixel in
      for (p, k) in zip(positions, colorIndices) where rgb.indices.contains(k) {
        let q = pixel(canvas.mapping.device(p))
        raster.stamp(marker, x: q.x, y: q.y, rgb: rgb[k], alpha: a)
      }
    }
  }

  private func drawVector(in canvas: PlotCanvas) {
    var groups = [[Point]](repeating: [], count: palette.count)
    for (p, k) in zip(positions, colorIndices) where groups.indices.contains(k) {
      groups[k].append(canvas.mapping.device(p))
    }
    for (k, centers) in groups.enumerated() where !centers.isEmpty {
      canvas.renderer.drawMarkers(
        at: centers, diameter: diameter, color: palette[k].withAlpha(alpha), clip: canvas.clip)
    }
  }
}
