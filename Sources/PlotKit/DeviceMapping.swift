import Graphics2D
import Foundation

/// Maps data coordinates to device coordinates (points, y down) and back.
///
/// This is the only place where the y axis flips: data y grows upwards, device y downwards.
/// With `equalAspect` one data unit has the same length on both axes, and the plot box is the
/// largest such box centred in the space offered.
public struct DeviceMapping: Hashable, Sendable {
  /// The data rectangle shown.
  public let limits: AxisLimits
  /// The device rectangle the limits map to (after any equal-aspect adjustment).
  public let box: Rect
  public let xScale: AxisScale
  public let yScale: AxisScale

  public init(
    limits: AxisLimits, available: Rect, equalAspect: Bool,
    xScale: AxisScale = .linear, yScale: AxisScale = .linear
  ) {
    self.limits = limits
    self.xScale = xScale
    self.yScale = yScale
    let spanX = Self.transformedSpan(limits.x, xScale)
    let spanY = Self.transformedSpan(limits.y, yScale)
    if equalAspect, spanX > 0, spanY > 0 {
      let s = min(available.width / spanX, available.height / spanY)
      let w = spanX * s, h = spanY * s
      box = Rect(
        x: available.minX + (available.width - w) / 2, y: available.minY + (available.height - h) / 2,
        width: w, height: h)
    } else {
      box = available
    }
  }

  private static func transformed(_ v: Double, _ scale: AxisScale) -> Double {
    switch scale {
    case .linear: v
    case .log10: log10(max(v, .leastNormalMagnitude))
    }
  }

  private static func inverse(_ u: Double, _ scale: AxisScale) -> Double {
    switch scale {
    case .linear: u
    case .log10: pow(10, u)
    }
  }

  private static func transformedSpan(_ r: AxisRange, _ scale: AxisScale) -> Double {
    transformed(r.upper, scale) - transformed(r.lower, scale)
  }

  /// Device points per data unit along x (linear axes).
  public var pointsPerUnitX: Double { box.width / Self.transformedSpan(limits.x, xScale) }
  /// Device points per data unit along y (linear axes).
  public var pointsPerUnitY: Double { box.height / Self.transformedSpan(limits.y, yScale) }

  /// The device position of a data point.
  public func device(_ p: Point) -> Point {
    let x0 = Self.transformed(limits.x.lower, xScale), y0 = Self.transformed(limits.y.lower, yScale)
    return Point(
      x: box.minX + (Self.transformed(p.x, xScale) - x0) * pointsPerUnitX,
      y: box.maxY - (Self.transformed(p.y, yScale) - y0) * pointsPerUnitY)
  }

  /// The data point at a device position (inverse of ``device(_:)``).
  public func data(_ d: Point) -> Point {
    let x0 = Self.transformed(limits.x.lower, xScale), y0 = Self.transformed(limits.y.lower, yScale)
    return Point(
      x: Self.inverse(x0 + (d.x - box.minX) / pointsPerUnitX, xScale),
      y: Self.inverse(y0 + (box.maxY - d.y) / pointsPerUnitY, yScale))
  }
}
