import Graphics2D
import Foundation

/// A wedge of directions around the origin, as the margin math reports it.
///
/// Angles are radians measured counter-clockwise from the +x axis in data space. The wedge runs
/// counter-clockwise from `start` to `end`; `end` may be smaller than `start` (the wedge then
/// crosses the ±π cut), and a span of 2π is the whole circle.
public struct AngularSector: Hashable, Sendable {
  public enum Kind: Hashable, Sendable {
    /// Directions the label-free classifier assigns to `classIndex`.
    case decisionRegion
    /// Directions classified as `classIndex` that still violate the loss's margin rule
    /// (drawn grey and hatched between the decision regions).
    case marginZone
  }

  public var start: Double
  public var end: Double
  public var classIndex: Int
  public var kind: Kind

  public init(start: Double, end: Double, classIndex: Int, kind: Kind) {
    self.start = start
    self.end = end
    self.classIndex = classIndex
    self.kind = kind
  }

  /// The counter-clockwise angle from `start` to `end`, in (0, 2π].
  public var span: Double {
    let raw = (end - start).truncatingRemainder(dividingBy: 2 * .pi)
    let s = raw < 0 ? raw + 2 * .pi : raw
    return s == 0 && end != start ? 2 * .pi : s
  }

  /// The bisecting direction of the wedge.
  public var midAngle: Double { Self.normalized(start + span / 2) }

  /// Whether direction `angle` lies inside the wedge (edges included).
  public func contains(angle: Double) -> Bool {
    let offset = Self.normalized(angle - start)
    return offset <= span + 1e-12 || offset >= 2 * .pi - 1e-12
  }

  /// The wedge outline in data space: the origin, then the arc at `radius` from start to end,
  /// sampled at least every `maxStep` radians so the polygon looks round at any size.
  public func outline(radius: Double, maxStep: Double = .pi / 180) -> [Point] {
    let steps = max(2, Int((span / maxStep).rounded(.up)))
    var points = [Point.zero]
    points.reserveCapacity(steps + 2)
    for i in 0...steps {
      let a = start + span * Double(i) / Double(steps)
      points.append(Point(x: radius * cos(a), y: radius * sin(a)))
    }
    return points
  }

  /// An angle reduced to [0, 2π).
  public static func normalized(_ angle: Double) -> Double {
    let r = angle.truncatingRemainder(dividingBy: 2 * .pi)
    return r < 0 ? r + 2 * .pi : r
  }

  /// The label-free decision regions of unit-norm class directions (argmax cos θ): each class
  /// owns the directions between the bisectors with its angular neighbours.
  ///
  /// This covers weight-normalised softmax and every loss whose test-time rule is argmax cos θ;
  /// margin zones depend on the loss and come from the margin math.
  public static func decisionRegions(forDirections directions: [Point]) -> [AngularSector] {
    let angles = directions.enumerated().map {
      (index: $0.offset, angle: normalized(atan2($0.element.y, $0.element.x)))
    }
    .sorted { $0.angle < $1.angle }
    guard angles.count > 1 else {
      return angles.map { AngularSector(start: 0, end: 2 * .pi, classIndex: $0.index, kind: .decisionRegion) }
    }
    var sectors = [AngularSector]()
    for (k, current) in angles.enumerated() {
      let previous = angles[(k + angles.count - 1) % angles.count]
      let next = angles[(k + 1) % angles.count]
      let gapBefore = normalized(current.angle - previous.angle)
      let gapAfter = normalized(next.angle - current.angle)
      sectors.append(
        AngularSector(
          start: current.angle - gapBefore / 2, end: current.angle + gapAfter / 2,
          classIndex: current.index, kind: .decisionRegion))
    }
    return sectors.sorted { $0.classIndex < $1.classIndex }
  }
}
