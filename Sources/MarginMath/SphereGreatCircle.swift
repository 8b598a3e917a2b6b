import Foundation

/// A great circle of the unit sphere: the points p with `normal · p = 0`, parametrised by an angle t as
/// `cos t · u + sin t · v` (u, v orthonormal in the circle's plane, u × v = normal).
public struct GreatCircle: Codable, Sendable, Equatable {
  public let normal: Vector3
  public let u: Vector3
  public let v: Vector3

  /// The great circle with pole `normal`; nil for a zero normal.
  public init?(normal n: Vector3) {
    guard let pole = n.direction else { return nil }
    normal = pole
    (u, v) = SphereSampling.tangentFrame(at: pole)
  }

  /// The great circle through `a` and `b`, oriented from a towards b (t = 0 at a, t = ∠(a, b) at b).
  /// Nil when a and b are parallel or antiparallel (every great circle through them would do).
  public init?(through a: Vector3, _ b: Vector3) {
    guard let ua = a.direction, let pole = a.cross(b).direction else { return nil }
    normal = pole
    u = ua
    v = pole.cross(ua)
  }

  public func point(at t: Double) -> Vector3 { cos(t) * u + sin(t) * v }

  /// The parameter of the point of the circle nearest `p`.
  public func angle(of p: Vector3) -> Double { atan2(p.dot(v), p.dot(u)) }

  /// The angular distance of `p` from the circle's plane, in radians (0 on the circle).
  public func distance(of p: Vector3) -> Double {
    guard let d = p.direction else { return 0 }
    return abs(asin(max(-1, min(1, d.dot(normal)))))
  }

  /// Points along the arc `interval` (counter-clockwise about `normal`), at most `maxStep` radians apart, both ends included.
  public func samples(_ interval: AngularInterval, maxStep: Double = Double.pi / 180) -> [Vector3] {
    precondition(maxStep > 0, "maxStep must be positive")
    let count = max(1, Int((interval.width / maxStep).rounded(.up)))
    return (0...count).map { point(at: interval.start + interval.width * Double($0) / Double(count)) }
  }

  /// The shorter great-circle arc from `a` to `b` (spherical linear interpolation), at most `maxStep` apart.
  /// For antipodal points the arc is ambiguous; then it passes through any perpendicular direction.
  public static func arc(from a: Vector3, to b: Vector3, maxStep: Double = Double.pi / 180) -> [Vector3] {
    guard let ua = a.direction, let ub = b.direction else { return [] }
    let circle =
      GreatCircle(through: ua, ub)
      ?? GreatCircle(through: ua, SphereSampling.tangentFrame(at: ua).0)!
    let width = ua.dot(ub) < 0 && ua.cross(ub).norm < 1e-12 ? Double.pi : ua.angle(to: ub)
    return circle.samples(AngularInterval(start: 0, end: width), maxStep: maxStep)
  }
}
