import Foundation

/// A region of the unit sphere that is star-shaped about `centre`: the points at angular distance below
/// `radii[k]` from the centre in the direction of azimuth φ_k = 2πk/n, about the tangent frame (e1, e2).
///
/// Between sampled azimuths the radius is interpolated linearly. `boundary()` runs counter-clockwise
/// seen from outside the sphere (e1 × e2 = centre), which `SphereView.rings` relies on.
public struct SphereRegion: Sendable, Equatable {
  public var centre: Vector3
  public var e1: Vector3
  public var e2: Vector3
  public var radii: [Double]

  /// The point at angular distance `t` from the centre in the direction of azimuth `phi`.
  public func point(azimuth phi: Double, distance t: Double) -> Vector3 {
    point(along: ray(azimuth: phi), distance: t)
  }

  /// The tangent direction of azimuth `phi` at the centre.
  func ray(azimuth phi: Double) -> Vector3 { cos(phi) * e1 + sin(phi) * e2 }

  /// The point at angular distance `t` from the centre along the tangent direction `ray`.
  func point(along ray: Vector3, distance t: Double) -> Vector3 { cos(t) * centre + sin(t) * ray }

  /// The closed boundary (first point not repeated), counter-clockwise seen from outside.
  public func boundary() -> [Vector3] {
    radii.indices.map { point(azimuth: 2 * Double.pi * Double($0) / Double(radii.count), distance: radii[$0]) }
  }

  /// The (interpolated) boundary distance in the direction of azimuth `phi`.
  public func radius(azimuth phi: Double) -> Double {
    let n = radii.count
    var s = phi / (2 * Double.pi) * Double(n)
    s -= (s / Double(n)).rounded(.down) * Double(n)
    let k = min(n - 1, Int(s))
    let f = s - Double(k)
    return (1 - f) * radii[k] + f * radii[(k + 1) % n]
  }

  /// Whether the direction of `p` lies inside.
  public func contains(_ p: Vector3) -> Bool {
    guard let d = p.direction else { return false }
    let t = centre.angle(to: d)
    let phi = atan2(d.dot(e2), d.dot(e1))
    return t < radius(azimuth: phi)
  }
}

/// One class's regions on the sphere: where it wins the label-free decision and where a feature
/// labelled with it satisfies the margin rule. The margin zone is `decision` minus `acceptance`
/// (correct, but still penalised), the same split `SectorGeometry` makes on the circle; draw it as the
/// even-odd fill of both boundaries. Nil means the class has no such region (found by the search).
public struct SphereClassRegions: Sendable, Equatable {
  public var classIndex: Int
  public var decision: SphereRegion?
  public var acceptance: SphereRegion?
}

/// Decision and margin-rule regions of a bias-free head with 3-D class weights, on the unit sphere.
///
/// The regions use `SectorGeometry`'s boundary functions: the decision region of class y is where
/// `z_y − max_{j≠y} z_j > 0` for the label-free logits, acceptance where the margin logit beats every other
/// logit (`MarginRule.marginLogits`), so every loss's own margin rule shapes its zones. The search walks
/// outwards from the region's centre (Ŵ_y, or the best of 2000 spread directions if Ŵ_y lies outside) along
/// `azimuths` great-circle rays in steps of `radialStep` radians and bisects the first sign change 32 times
/// (to π/90 · 2⁻³² ≈ 1e-11 rad). Cost grows with classes × azimuths: 10 classes at 180 azimuths take about
/// 0.2 s (release build, one core); an animation can use fewer azimuths.
/// Decision regions of bias-free heads are spherically convex, so they are star-shaped and found exactly;
/// an acceptance region that is not star-shaped about its centre is cut at the first crossing of each ray.
public enum SphereRegions {
  public static func regions(
    weights: [Vector3], rule: MarginRule, azimuths: Int = 180, radialStep: Double = Double.pi / 90
  ) -> [SphereClassRegions] {
    precondition(azimuths >= 8, "need at least 8 azimuths, got \(azimuths)")
    precondition(radialStep > 0 && radialStep < 1, "radialStep must lie in (0, 1) rad")
    let logits = SphereLogits(weights: weights, rule: rule)
    return weights.indices.map { y in
      let decisionGap: (Vector3) -> Double = { p in logits.gap(p, target: y, margin: false) }
      let acceptanceGap: (Vector3) -> Double = { p in logits.gap(p, target: y, margin: true) }
      let preferred = weights[y].direction ?? Vector3(0, 0, 1)
      return SphereClassRegions(
        classIndex: y,
        decision: region(where: decisionGap, preferredCentre: preferred, azimuths: azimuths, radialStep: radialStep),
        acceptance: region(where: acceptanceGap, preferredCentre: preferred, azimuths: azimuths, radialStep: radialStep)
      )
    }
  }

  /// The star-shaped region where `gap > 0`, grown from `preferredCentre` (or the best spread direction).
  public static func region(
    where gap: (Vector3) -> Double, preferredCentre: Vector3, azimuths: Int = 180, radialStep: Double = Double.pi / 90
  ) -> SphereRegion? {
    var centre = preferredCentre
    if gap(centre) <= 0 {
      let scored = SphereSampling.fibonacci(count: 2000).map { ($0, gap($0)) }
      guard let best = scored.max(by: { $0.1 < $1.1 }), best.1 > 0 else { return nil }
      centre = best.0
    }
    let (e1, e2) = SphereSampling.tangentFrame(at: centre)
    var region = SphereRegion(centre: centre, e1: e1, e2: e2, radii: [])
    region.radii = (0..<azimuths).map { k in
      let phi = 2 * Double.pi * Double(k) / Double(azimuths)
      // The ray's direction once per azimuth, not once per probe of the bisection.
      let ray = region.ray(azimuth: phi)
      func point(_ t: Double) -> Vector3 { region.point(along: ray, distance: t) }
      var inside = 0.0
      while inside < Double.pi {
        let next = min(Double.pi, inside + radialStep)
        if gap(point(next)) <= 0 {
          var (lo, hi) = (inside, next)
          for _ in 0..<32 {
            let mid = (lo + hi) / 2
            if gap(point(mid)) > 0 { lo = mid } else { hi = mid }
          }
          return (lo + hi) / 2
        }
        inside = next
      }
      return Double.pi
    }
    return region
  }
}
