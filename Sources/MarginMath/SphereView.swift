import Foundation

/// A point in the unit view coordinates of a `SphereView`: `x` to the right, `y` up, `depth` towards
/// the viewer. Points of the unit sphere land in the unit disc; `depth ≥ 0` is the front hemisphere.
public struct ViewPoint: Codable, Sendable, Equatable {
  public var x: Double
  public var y: Double
  public var depth: Double

  public init(x: Double, y: Double, depth: Double) {
    self.x = x
    self.y = y
    self.depth = depth
  }

  public var isFront: Bool { depth >= 0 }
}

/// An orthographic view of the unit sphere from direction `direction` (the unit vector from the
/// sphere's centre towards the viewer).
///
/// The image plane is spanned by `right` and `up`, chosen so that the world's `upHint` points up in
/// the image (world +z by default; +y when looking along z). So the view from +z shows (x, y) as a
/// plain plot does, and the point `direction` itself lands at the centre with depth 1.
public struct SphereView: Codable, Sendable, Equatable {
  public let direction: Vector3
  public let right: Vector3
  public let up: Vector3

  /// The view from `direction` (any non-zero vector; normalised here).
  public init(direction d: Vector3, upHint: Vector3 = Vector3(0, 0, 1)) {
    guard let toViewer = d.direction else {
      preconditionFailure("a view direction must be non-zero and finite, got \(d)")
    }
    var hint = upHint.direction ?? Vector3(0, 0, 1)
    if hint.cross(toViewer).norm < 1e-6 { hint = abs(toViewer.y) < 0.9 ? Vector3(0, 1, 0) : Vector3(1, 0, 0) }
    direction = toViewer
    right = hint.cross(toViewer).direction!
    up = toViewer.cross(right)
  }

  /// The orthographic image of `p`: coordinates along `right` and `up`, and its depth along `direction`.
  public func project(_ p: Vector3) -> ViewPoint {
    ViewPoint(x: p.dot(right), y: p.dot(up), depth: p.dot(direction))
  }

  /// Whether `p` lies on the hemisphere facing the viewer (the rim counts as front).
  public func isFront(_ p: Vector3) -> Bool { p.dot(direction) >= 0 }

  /// The point of the unit sphere seen at (x, y) on the front (or back) hemisphere; nil outside the unit disc.
  public func unproject(x: Double, y: Double, front: Bool = true) -> Vector3? {
    let r2 = x * x + y * y
    guard r2 <= 1 else { return nil }
    let depth = (1 - r2).squareRoot() * (front ? 1 : -1)
    return x * right + y * up + depth * direction
  }

  /// The point of the outline (the rim, depth 0) at angle `a` counter-clockwise from `right`.
  public func rimPoint(angle a: Double) -> ViewPoint {
    ViewPoint(x: cos(a), y: sin(a), depth: 0)
  }
}
