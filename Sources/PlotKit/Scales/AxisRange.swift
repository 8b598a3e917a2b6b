import Graphics2D
import Foundation

/// A closed interval on one axis, in data units.
public struct AxisRange: Hashable, Sendable, CustomStringConvertible {
  public var lower: Double
  public var upper: Double

  public init(_ lower: Double, _ upper: Double) {
    self.lower = Swift.min(lower, upper)
    self.upper = Swift.max(lower, upper)
  }

  public var span: Double { upper - lower }

  public func contains(_ value: Double) -> Bool { value >= lower && value <= upper }

  /// The smallest range holding both.
  public func union(_ other: AxisRange) -> AxisRange {
    AxisRange(Swift.min(lower, other.lower), Swift.max(upper, other.upper))
  }

  public var description: String { "[\(lower), \(upper)]" }
}

/// The data rectangle a panel shows.
public struct AxisLimits: Hashable, Sendable, CustomStringConvertible {
  public var x: AxisRange
  public var y: AxisRange

  public init(x: AxisRange, y: AxisRange) {
    self.x = x
    self.y = y
  }

  public init(xMin: Double, xMax: Double, yMin: Double, yMax: Double) {
    self.init(x: AxisRange(xMin, xMax), y: AxisRange(yMin, yMax))
  }

  /// The bounding box of `points` (ignoring non-finite values), or `nil` if none is finite.
  public init?(bounding points: some Sequence<Point>) {
    var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
    for p in points where p.x.isFinite && p.y.isFinite {
      minX = Swift.min(minX, p.x); maxX = Swift.max(maxX, p.x)
      minY = Swift.min(minY, p.y); maxY = Swift.max(maxY, p.y)
    }
    guard minX <= maxX else { return nil }
    self.init(xMin: minX, xMax: maxX, yMin: minY, yMax: maxY)
  }

  public func union(_ other: AxisLimits) -> AxisLimits {
    AxisLimits(x: x.union(other.x), y: y.union(other.y))
  }

  public func contains(_ p: Point) -> Bool { x.contains(p.x) && y.contains(p.y) }

  /// The union of optional limits; `nil` when all are `nil`.
  public static func union(_ all: some Sequence<AxisLimits?>) -> AxisLimits? {
    all.reduce(nil) { partial, next in
      guard let next else { return partial }
      return partial?.union(next) ?? next
    }
  }

  public var description: String { "x \(x), y \(y)" }
}

/// How a panel chooses the data rectangle it shows.
public enum LimitsPolicy: Hashable, Sendable {
  /// Symmetric about the origin with the same nice half-width on both axes, so radial "star"
  /// features are centred; always contains all data.
  case symmetric
  /// Each axis rounded outward to nice tick steps; always contains all data.
  case nice
  /// At least these limits, widened (to nice steps) where data falls outside, so nothing is clipped.
  /// This is the form to use when sharing limits across the frames of an animation.
  case containing(AxisLimits)
  /// Exactly these limits. Only for panels whose domain is fixed by definition (θ in 0…π,
  /// cos θ in −1…1); data outside is clipped.
  case exactly(AxisLimits)
}

/// Linear or base-10 logarithmic axis.
public enum AxisScale: Hashable, Sendable {
  case linear
  case log10
}
