import Graphics2D
import Foundation

/// A plain premultiplied RGBA float buffer that antialiased round markers are stamped into.
///
/// Drawing 70,000 markers through Cairo paths costs a path per point; stamping a pre-computed
/// coverage mask is a few dozen multiply-adds per point. The finished buffer reaches the backend
/// once, as a ``RasterImage``.
struct PointRaster {
  let width: Int
  let height: Int
  private(set) var pixels: [Float]

  init(width: Int, height: Int) {
    self.width = width
    self.height = height
    pixels = [Float](repeating: 0, count: 4 * width * height)
  }

  /// Coverage masks of a disc of `radius` pixels for 4 × 4 sub-pixel phases of its centre.
  struct Marker {
    let size: Int
    let half: Int
    /// masks[phaseY * 4 + phaseX][row * size + column]
    let masks: [[Float]]
    /// Per phase, the rows and columns holding non-zero coverage (half-open), so a stamp skips the
    /// empty rim of its mask (most of a small marker's square).
    let extents: [(rows: Range<Int>, columns: Range<Int>)]

    init(radius: Double) {
      half = Int(ceil(radius + 1))
      size = 2 * half + 1
      var all = [[Float]]()
      for py in 0..<4 {
        for px in 0..<4 {
          let fx = Double(px) / 4, fy = Double(py) / 4
          var mask = [Float](repeating: 0, count: size * size)
          for row in 0..<size {
            for column in 0..<size {
              // Distance from this pixel's centre to the marker centre (at `half + f` within the mask).
              let dx = Double(column) + 0.5 - (Double(half) + fx)
              let dy = Double(row) + 0.5 - (Double(half) + fy)
              let coverage = radius + 0.5 - (dx * dx + dy * dy).squareRoot()
              mask[row * size + column] = Float(max(0, min(1, coverage)))
            }
          }
          all.append(mask)
        }
      }
      masks = all
      let size = self.size
      extents = all.map { mask in
        let rows = (0..<size).filter { r in (0..<size).contains { mask[r * size + $0] > 0 } }
        let columns = (0..<size).filter { c in (0..<size).contains { mask[$0 * size + c] > 0 } }
        guard let r0 = rows.first, let r1 = rows.last, let c0 = columns.first, let c1 = columns.last else {
          return (0..<0, 0..<0)
        }
        return (r0..<(r1 + 1), c0..<(c1 + 1))
      }
    }
  }

  /// Composites `marker` centred at pixel coordinates (`x`, `y`) with colour `rgb` and `alpha`
  /// (source-over, premultiplied). Parts outside the buffer are dropped.
  mutating func stamp(_ marker: Marker, x: Double, y: Double, rgb: (Float, Float, Float), alpha: Float) {
    let qx = (x * 4).rounded(.down), qy = (y * 4).rounded(.down)
    guard qx.isFinite, qy.isFinite, abs(qx) < 1e9, abs(qy) < 1e9 else { return }
    let ix = Int(qx), iy = Int(qy)
    let cellX = ix >> 2, cellY = iy >> 2
    let phase = (iy & 3) * 4 + (ix & 3)
    let left = cellX - marker.half, top = cellY - marker.half
    let extent = marker.extents[phase]
    let c0 = max(extent.columns.lowerBound, -left), c1 = min(extent.columns.upperBound, width - left)
    let r0 = max(extent.rows.lowerBound, -top), r1 = min(extent.rows.upperBound, height - top)
    guard c0 < c1, r0 < r1 else { return }
    let w = width
    marker.masks[phase].withUnsafeBufferPointer { mask in
      pixels.withUnsafeMutableBufferPointer { buffer in
        for row in r0..<r1 {
          let base = ((top + row) * w + left) * 4
          for column in c0..<c1 {
            let coverage = mask[row * marker.size + column]
            if coverage == 0 { continue }
            let a = alpha * coverage
            let keep = 1 - a
            let i = base + column * 4
            buffer[i] = rgb.0 * a + buffer[i] * keep
            buffer[i + 1] = rgb.1 * a + buffer[i + 1] * keep
            buffer[i + 2] = rgb.2 * a + buffer[i + 2] * keep
            buffer[i + 3] = a + buffer[i + 3] * keep
          }
        }
      }
    }
  }

  /// The buffer as premultiplied native-endian ARGB32 words (``RasterImage``'s layout).
  func premultipliedARGB() -> [UInt32] {
    var words = [UInt32](repeating: 0, count: width * height)
    pixels.withUnsafeBufferPointer { p in
      words.withUnsafeMutableBufferPointer { out in
        for i in 0..<(width * height) {
          let a = p[4 * i + 3]
          if a == 0 { continue }
          func byte(_ v: Float) -> UInt32 { UInt32(max(0, min(255, (v * 255).rounded()))) }
          out[i] = byte(a) << 24 | byte(p[4 * i]) << 16 | byte(p[4 * i + 1]) << 8 | byte(p[4 * i + 2])
        }
      }
    }
    return words
  }
}
