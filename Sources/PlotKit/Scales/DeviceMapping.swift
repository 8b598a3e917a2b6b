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
    // Half spans: `upper / 2 - lower / 2` is finite for any finite limits, where `upper - lower`
    // overflows to infinity at ±1e308 (and the box would become NaN).
    let halfX = Self.halfSpan(limits.x, xScale), halfY = Self.halfSpan(limits.y, yScale)
    let aspect = halfX / halfY
    if equalAspect, halfX > 0, halfY > 0, aspect.isFinite, aspect > 0 {
      let w = min(available.width, available.height * aspect)
      let h = min(available.height, available.width / aspect)
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

  private static func halfSpan(_ r: AxisRange, _ scale: AxisScale) -> Double {
    transformed(r.upper, scale) / 2 - transformed(r.lower, scale) / 2
  }

  /// Where `v` lies between the lower (0) and upper (1) limit of `r`, without overflow for any
  /// finite limits and values (non-finite values give non-finite fractions, which drawing skips).
  private static func fraction(_ v: Double, _ r: AxisRange, _ scale: AxisScale) -> Double {
    (transformed(v, scale) / 2 - transformed(r.lower, scale) / 2) / halfSpan(r, scale)
  }

  /// Device points per data unit along x (linear axes).
  public var pointsPerUnitX: Double { box.width / 2 / Self.halfSpan(limits.x, xScale) }
  /// Device points per data unit along y (linear axes).
  public var pointsPerUnitY: Double { box.height / 2 / Self.halfSpan(limits.y, yScale) }

  /// The device position of a data point.
  public func device(_ p: Point) -> Point {
    Point(
      x: box.minX + Self.fraction(p.x, limits.x, xScale) * box.width,
      y: box.maxY - Self.fraction(p.y, limits.y, yScale) * box.height)
  }

  /// The data point at a device position (inverse of ``device(_:)``).
  public func data(_ d: Point) -> Point {
    func value(_ f: Double, _ r: AxisRange, _ scale: AxisScale) -> Double {
      let lower = Self.transformed(r.lower, scale), step = f * Self.halfSpan(r, scale)
      return Self.inverse(lower + step + step, scale)
    }
    return Point(
      x: value((d.x - box.minX) / box.width, limits.x, xScale),
      y: value((box.maxY - d.y) / box.height, limits.y, yScale))
  }
}
