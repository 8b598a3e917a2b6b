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
    let s = canvas.rasterScale
    let box = canvas.mapping.box
    let x0 = floor(box.minX * s), y0 = floor(box.minY * s)
    let width = Int(ceil(box.maxX * s) - x0), height = Int(ceil(box.maxY * s) - y0)
    guard width > 0, height > 0 else { return }
    var raster = PointRaster(width: width, height: height)
    let marker = PointRaster.Marker(radius: diameter * s / 2)
    let rgb = palette.map { (Float($0.red), Float($0.green), Float($0.blue)) }
    let a = Float(alpha)
    for (p, k) in zip(positions, colorIndices) where rgb.indices.contains(k) {
      let d = canvas.mapping.device(p)
      raster.stamp(marker, x: d.x * s - x0, y: d.y * s - y0, rgb: rgb[k], alpha: a)
    }
    canvas.drawImage(
      RasterImage(width: width, height: height, premultipliedARGB: raster.premultipliedARGB()),
      in: Rect(x: x0 / s, y: y0 / s, width: Double(width) / s, height: Double(height) / s))
  }

  private func drawVector(in canvas: PlotCanvas) {
    var groups = [[Point]](repeating: [], count: palette.count)
    for (p, k) in zip(positions, colorIndices) where groups.indices.contains(k) { groups[k].append(canvas.mapping.device(p)) }
    for (k, centers) in groups.enumerated() where !centers.isEmpty {
      canvas.renderer.drawMarkers(at: centers, diameter: diameter, color: palette[k].withAlpha(alpha), clip: canvas.clip)
    }
  }
}
