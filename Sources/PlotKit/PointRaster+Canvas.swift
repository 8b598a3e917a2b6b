import Foundation
import Graphics2D

extension PointRaster {
  /// Stamps markers of `diameter` points into a raster covering the canvas's axes box, snapped to
  /// the device pixel grid (so PNG pixels map 1:1), and paints it. `stamp` gets the raster, the
  /// marker and the device → raster-pixel transform.
  static func paint(
    in canvas: PlotCanvas, diameter: Double,
    _ stamp: (inout PointRaster, Marker, (Point) -> (x: Double, y: Double)) -> Void
  ) {
    let s = canvas.rasterScale
    let box = canvas.mapping.box
    let x0 = floor(box.minX * s), y0 = floor(box.minY * s)
    let width = Int(ceil(box.maxX * s) - x0), height = Int(ceil(box.maxY * s) - y0)
    guard width > 0, height > 0 else { return }
    var raster = PointRaster(width: width, height: height)
    stamp(&raster, Marker(radius: diameter * s / 2)) { d in (d.x * s - x0, d.y * s - y0) }
    canvas.drawImage(
      RasterImage(width: width, height: height, premultipliedARGB: raster.premultipliedARGB()),
      in: Rect(x: x0 / s, y: y0 / s, width: Double(width) / s, height: Double(height) / s))
  }
}
