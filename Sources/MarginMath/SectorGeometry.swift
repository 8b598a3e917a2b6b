import Foundation

/// A point in a plane (a 2-D class weight, or a vertex of a boundary diagram).
public struct Point2: Codable, Sendable, Equatable {
  public var x: Double
  public var y: Double

  public init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }

  /// The direction of the point, in (−π, π].
  public var angle: Double { atan2(y, x) }
}

/// An arc of the circle of directions, counter-clockwise from `start` to `end` (radians).
///
/// Normalised so that `start ∈ [−π, π)` and `start < end ≤ start + 2π`; an arc that crosses the
/// negative x-axis therefore has `end > π`. The full circle is `[−π, π]`.
public struct AngularInterval: Codable, Sendable, Equatable {
  public var start: Double
  public var end: Double

  public init(start: Double, end: Double) {
    self.start = start
    self.end = end
  }

  public var width: Double { end - start }
  public var centre: Double { (start + end) / 2 }

  /// Whether direction `angle` (any real) lies in the arc.
  public func contains(_ angle: Double) -> Bool {
    var a = angle
    while a < start { a += 2 * Double.pi }
    while a >= start + 2 * Double.pi { a -= 2 * Double.pi }
    return a <= end
  }
}

/// The three angular regions of one class in 2-D.
public struct ClassSectors: Codable, Sendable, Equatable {
  public var classIndex: Int
  /// Where the class wins the label-free decision (argmax of the label-free logits).
  public var decision: [AngularInterval]
  /// Where a feature labelled with the class satisfies the margin rule (its margin logit beats every other logit).
  public var acceptance: [AngularInterval]
  /// Decision sector minus acceptance sector: classified correctly, but still penalised by the margin.
  public var marginZones: [AngularInterval]
}

/// The 2-D angular geometry of a trained head: decision sectors, margin-rule acceptance sectors, margin zones.
///
/// Method: the circle is scanned at `samples` directions φ, the sign of a continuous boundary
/// function is recorded (for the decision sector `z_y − max_{j≠y} z_j`, for acceptance
/// `f_y − max_{j≠y} z_j`, for the zones the minimum of the first and minus the second), and each
/// sign change is refined by 60 bisection steps, so boundaries are exact to better than 1e-12 rad
/// (the tests check 1e-9 against closed forms).
/// Arcs narrower than the scan step (2π/samples, 0.05° by default) may be missed.
///
/// Features are taken as `featureNorm · (cos φ, sin φ)`. For the normalised losses (NormFace, CosFace,
/// AM-Softmax, ArcFace, combined, and L2-softmax's α) the norm drops out. For the raw-feature losses
/// (softmax, L-Softmax, modified/A-Softmax) every logit is proportional to ‖x‖ when there is no bias,
/// so ‖x‖ cancels from every comparison and the default 1 is exact; with a bias the sectors
/// depend on ‖x‖ and are computed for the `featureNorm` given.
public enum SectorGeometry {
  public static let defaultSamples = 7200

  /// Sectors for every class of `weights` (C directions in the plane) under `rule`.
  public static func sectors(
    weights: [Point2], biases: [Double]? = nil, rule: MarginRule, featureNorm: Double = 1,
    samples: Int = defaultSamples
  ) -> [ClassSectors] {
    precondition(samples >= 8, "need at least 8 scan samples, got \(samples)")
    precondition(biases == nil || biases?.count == weights.count, "one bias per class")
    let rows = weights.map { [$0.x, $0.y] }
    func feature(_ phi: Double) -> [Double] { [featureNorm * cos(phi), featureNorm * sin(phi)] }
    return weights.indices.map { y in
      func decisionGap(_ phi: Double) -> Double {
        let z = rule.labelFreeLogits(feature: feature(phi), weights: rows, biases: biases)
        return gap(z, target: y)
      }
      func acceptanceGap(_ phi: Double) -> Double {
        let z = rule.marginLogits(feature: feature(phi), weights: rows, biases: biases, target: y)
        return gap(z, target: y)
      }
      return ClassSectors(
        classIndex: y,
        decision: intervals(where: decisionGap, samples: samples),
        acceptance: intervals(where: acceptanceGap, samples: samples),
        marginZones: intervals(where: { min(decisionGap($0), -acceptanceGap($0)) }, samples: samples))
    }
  }

  /// `z_y − max_{j≠y} z_j`, positive where class y wins.
  static func gap(_ z: [Double], target y: Int) -> Double {
    var best = -Double.infinity
    for j in z.indices where j != y { best = max(best, z[j]) }
    return z[y] - best
  }

  /// The arcs where `gap(φ) > 0`, found by a scan of `samples` directions and bisection.
  public static func intervals(where gap: (Double) -> Double, samples: Int = defaultSamples) -> [AngularInterval] {
    let step = 2 * Double.pi / Double(samples)
    let angles = (0..<samples).map { -Double.pi + Double($0) * step }
    let inside = angles.map { gap($0) > 0 }
    guard inside.contains(false) else { return [AngularInterval(start: -Double.pi, end: Double.pi)] }
    guard inside.contains(true) else { return [] }

    /// The boundary between a sample outside (`lo`) and inside (`hi`) or vice versa.
    func refine(_ a: Double, _ b: Double, enteringAtB: Bool) -> Double {
      var (out, inn) = enteringAtB ? (a, b) : (b, a)
      for _ in 0..<60 {
        let mid = (out + inn) / 2
        if gap(mid) > 0 { inn = mid } else { out = mid }
      }
      return (out + inn) / 2
    }

    var result: [AngularInterval] = []
    // Start the walk at a sample that is outside, so every arc is entered before it is left.
    guard let first = inside.firstIndex(of: false) else { return result }
    var entry: Double?
    for offset in 1...samples {
      let i = (first + offset) % samples
      let previous = (i + samples - 1) % samples
      let a = angles[previous]
      var b = angles[i]
      if b < a { b += 2 * Double.pi }
      if inside[i] && !inside[previous] {
        entry = refine(a, b, enteringAtB: true)
      } else if !inside[i] && inside[previous], let start = entry {
        var end = refine(a, b, enteringAtB: false)
        var s = start
        while s >= Double.pi { s -= 2 * Double.pi }
        while s < -Double.pi { s += 2 * Double.pi }
        while end <= s { end += 2 * Double.pi }
        result.append(AngularInterval(start: s, end: end))
        entry = nil
      }
    }
    return result.sorted { $0.start < $1.start }
  }

  /// The total angle covered by `intervals`.
  public static func measure(_ intervals: [AngularInterval]) -> Double {
    intervals.reduce(0) { $0 + $1.width }
  }
}
