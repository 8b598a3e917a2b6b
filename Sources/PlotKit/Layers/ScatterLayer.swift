import Graphics2D
import Foundation

/// Class-coloured points, drawn class by class (class 0 first), as a raster point layer or one
/// vector path per class depending on the output's ``PointMode``.
public struct ScatterLayer: PlotLayer {
  public var cloud: FeatureCloud
  public var palette: Palette
  /// Marker diameter in points; `nil` chooses it from the point count (``markerDiameter(forCount:)``).
  public var markerDiameter: Double?
  /// Marker opacity; `nil` chooses it from the point count (``markerAlpha(forCount:)``).
  public var markerAlpha: Double?
  /// Draw each class name at the class's median point.
  public var showsClassLabels: Bool

  public init(
    cloud: FeatureCloud, palette: Palette = .colorBlindSafe, markerDiameter: Double? = nil,
    markerAlpha: Double? = nil, showsClassLabels: Bool = false
  ) {
    self.cloud = cloud
    self.palette = palette
    self.markerDiameter = markerDiameter
    self.markerAlpha = markerAlpha
    self.showsClassLabels = showsClassLabels
  }

  /// Default diameter: 4 pt for a few hundred points, shrinking as n^−0.22 to about 1.35 pt
  /// at 70,000, so dense rays stay resolved instead of merging into blobs.
  public static func markerDiameter(forCount n: Int) -> Double {
    guard n > 500 else { return 4 }
    return max(0.9, 4 * pow(500 / Double(n), 0.22))
  }

  /// Default opacity: opaque up to 5,000 points, then falling as n^−0.3 (0.45 at 70,000) so
  /// density shows where points pile up; never below 0.3 so small classes remain visible.
  public static func markerAlpha(forCount n: Int) -> Double {
    guard n > 5000 else { return 1 }
    return max(0.3, pow(5000 / Double(n), 0.3))
  }

  public var dataBounds: AxisLimits? { cloud.bounds }

  public var legendEntries: [LegendEntry] {
    (0..<cloud.classCount).map {
      LegendEntry(label: cloud.name(ofClass: $0), color: palette.color(forClass: $0), symbol: .dot)
    }
  }

  var diameter: Double { markerDiameter ?? Self.markerDiameter(forCount: cloud.count) }
  var alpha: Double { markerAlpha ?? Self.markerAlpha(forCount: cloud.count) }

  /// Point indices grouped by class, in class order, keeping input order within a class.
  func indicesByClass() -> [[Int]] {
    var groups = [[Int]](repeating: [], count: cloud.classCount)
    for i in 0..<cloud.count { groups[Int(cloud.labels[i])].append(i) }
    return groups
  }

  public func draw(in canvas: PlotCanvas) throws {
    switch canvas.pointMode {
    case .raster: try drawRaster(in: canvas)
    case .vector: drawVector(in: canvas)
    }
    if showsClassLabels {
      for (c, median) in cloud.classMedians().enumerated() {
        guard let median else { continue }
        canvas.drawHaloText(cloud.name(ofClass: c), at: median, size: 9, color: palette.color(forClass: c).withAlpha(1))
      }
    }
  }

  private func drawRaster(in canvas: PlotCanvas) throws {
    let s = canvas.rasterScale
    let a = Float(alpha)
    let m = canvas.mapping
    PointRaster.paint(in: canvas, diameter: diameter) { raster, marker, pixel in
      // Inline the linear mapping: the hot loop runs once per point. Offsets from the lower limits
      // in halves (as DeviceMapping does) stay finite and precise for limits far from the origin.
      let sx = 2 * m.pointsPerUnitX * s, sy = 2 * m.pointsPerUnitY * s
      let (ox, oy) = pixel(Point(x: m.box.minX, y: m.box.maxY))
      let lowerX = m.limits.x.lower / 2, lowerY = m.limits.y.lower / 2
      let linear = m.xScale == .linear && m.yScale == .linear
      for (c, indices) in indicesByClass().enumerated() {
        let color = palette.color(forClass: c)
        let rgb = (Float(color.red), Float(color.green), Float(color.blue))
        for i in indices {
          let px: Double, py: Double
          if linear {
            px = ox + (Double(cloud.xs[i]) / 2 - lowerX) * sx
            py = oy - (Double(cloud.ys[i]) / 2 - lowerY) * sy
          } else {
            (px, py) = pixel(m.device(Point(x: Double(cloud.xs[i]), y: Double(cloud.ys[i]))))
          }
          raster.stamp(marker, x: px, y: py, rgb: rgb, alpha: a)
        }
      }
    }
  }

  private func drawVector(in canvas: PlotCanvas) {
    let box = canvas.mapping.box.insetBy(dx: -diameter, dy: -diameter)
    for (c, indices) in indicesByClass().enumerated() where !indices.isEmpty {
      var seen = Set<Int64>()
      var centers = [Point]()
      for i in indices {
        let d = canvas.mapping.device(Point(x: Double(cloud.xs[i]), y: Double(cloud.ys[i])))
        guard box.contains(d) else { continue }
        // Quarter-point cells: exact binary fractions print short in SVG, and a repeated cell
        // adds nothing to a single filled path.
        let qx = (d.x * 4).rounded(), qy = (d.y * 4).rounded()
        guard seen.insert(Int64(qx) << 32 | (Int64(qy) & 0xFFFF_FFFF)).inserted else { continue }
        centers.append(Point(x: qx / 4, y: qy / 4))
      }
      canvas.renderer.drawMarkers(
        at: centers, diameter: diameter, color: palette.color(forClass: c).withAlpha(alpha), clip: canvas.clip)
    }
  }
}
