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
    guard let grid = PixelGrid(covering: canvas.mapping.box, scale: s) else { return }
    var raster = PointRaster(width: grid.width, height: grid.height)
    stamp(&raster, Marker(radius: diameter * s / 2)) { d in (d.x * s - grid.x0, d.y * s - grid.y0) }
    canvas.drawImage(
      RasterImage(width: grid.width, height: grid.height, premultipliedARGB: raster.premultipliedARGB()),
      in: grid.frame)
  }
}

/// The device pixels covering a box at `scale` pixels per point, snapped outward to whole pixels:
/// the one place the raster layers (points, density counts, filled regions) turn device
/// coordinates into buffer sizes.
struct PixelGrid {
  /// The largest side, in pixels, of a raster layer (Cairo's own image limit).
  static let maximumSide = 32767

  let x0: Double
  let y0: Double
  let width: Int
  let height: Int
  let scale: Double

  /// `nil` when the box is empty, not finite (limits whose span does not fit a Double) or larger
  /// than ``maximumSide`` a side: nothing is drawn rather than the conversion to `Int` trapping.
  init?(covering box: Rect, scale s: Double) {
    let x0 = floor(box.minX * s), y0 = floor(box.minY * s)
    let w = ceil(box.maxX * s) - x0, h = ceil(box.maxY * s) - y0
    guard x0.isFinite, y0.isFinite, w.isFinite, h.isFinite, w >= 1, h >= 1,
      w <= Double(Self.maximumSide), h <= Double(Self.maximumSide)
    else { return nil }
    self.x0 = x0
    self.y0 = y0
    width = Int(w)
    height = Int(h)
    scale = s
  }

  /// The device rectangle the pixels cover.
  var frame: Rect { Rect(x: x0 / scale, y: y0 / scale, width: Double(width) / scale, height: Double(height) / scale) }
}
