import Foundation

/// A point or direction in 3-D feature space (a 3-D feature, a class weight, a point of the unit sphere).
public struct Vector3: Codable, Sendable, Equatable, Hashable {
  public var x: Double
  public var y: Double
  public var z: Double

  public init(_ x: Double, _ y: Double, _ z: Double) {
    self.x = x
    self.y = y
    self.z = z
  }

  /// The vector of a feature or weight row; nil unless `values` holds exactly three numbers.
  public init?(_ values: [Double]) {
    guard values.count == 3 else { return nil }
    self.init(values[0], values[1], values[2])
  }

  public static let zero = Vector3(0, 0, 0)

  public var array: [Double] { [x, y, z] }

  public static func + (a: Vector3, b: Vector3) -> Vector3 { Vector3(a.x + b.x, a.y + b.y, a.z + b.z) }
  public static func - (a: Vector3, b: Vector3) -> Vector3 { Vector3(a.x - b.x, a.y - b.y, a.z - b.z) }
  public static prefix func - (a: Vector3) -> Vector3 { Vector3(-a.x, -a.y, -a.z) }
  public static func * (k: Double, a: Vector3) -> Vector3 { Vector3(k * a.x, k * a.y, k * a.z) }

  public func dot(_ b: Vector3) -> Double { x * b.x + y * b.y + z * b.z }

  public func cross(_ b: Vector3) -> Vector3 {
    Vector3(y * b.z - z * b.y, z * b.x - x * b.z, x * b.y - y * b.x)
  }

  public var norm: Double { dot(self).squareRoot() }

  /// The unit vector along `self`; nil for a vector too short to have a direction (‖v‖ < 1e-12) or a non-finite one.
  public var direction: Vector3? {
    let n = norm
    guard n.isFinite, n >= 1e-12 else { return nil }
    return (1 / n) * self
  }

  /// The angle to `b` in [0, π], computed with atan2 so it stays accurate near 0 and π.
  public func angle(to b: Vector3) -> Double {
    atan2(cross(b).norm, dot(b))
  }
}

/// Deterministic, nearly uniform point sets on the unit sphere.
public enum SphereSampling {
  /// `count` points on the Fibonacci (golden-angle) spiral from the north pole to the south pole.
  public static func fibonacci(count: Int) -> [Vector3] {
    precondition(count >= 1, "need at least one point, got \(count)")
    let golden = Double.pi * (3 - 5.0.squareRoot())
    return (0..<count).map { k in
      let z = 1 - (2 * Double(k) + 1) / Double(count)
      let r = max(0, 1 - z * z).squareRoot()
      let a = golden * Double(k)
      return Vector3(r * cos(a), r * sin(a), z)
    }
  }

  /// Two unit vectors e1, e2 with e1 × e2 = `axis` (a right-handed tangent frame at `axis`).
  public static func tangentFrame(at axis: Vector3) -> (Vector3, Vector3) {
    let helper = abs(axis.x) < 0.9 ? Vector3(1, 0, 0) : Vector3(0, 1, 0)
    let e1 = helper.cross(axis).direction ?? Vector3(0, 1, 0)
    return (e1, axis.cross(e1))
  }
}
