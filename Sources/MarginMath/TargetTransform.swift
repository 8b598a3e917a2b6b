import Foundation

/// The transform ψ applied to the target class's cosine, and its derivative dψ/dcos θ.
///
/// Every margin loss is "head × target transform × softmax cross-entropy" (the insightface
/// factorisation): the head produces cos θ_j, ψ replaces the target's cosine,
/// and the rest is ordinary softmax. All functions take cos θ (not θ) so the heads never
/// need `acos`, except the combined margin, which cannot avoid it (see `combined`).
public enum TargetTransform: Sendable, Equatable {
  /// ψ(c) = c: no margin (softmax, modified softmax, L2-softmax, NormFace).
  case identity
  /// L-Softmax / A-Softmax: ψ(θ) = (−1)^k cos(mθ) − 2k on [kπ/m, (k+1)π/m], m ∈ 1...4.
  case largeMargin(m: Int)
  /// CosFace / AM-Softmax: ψ(c) = c − m.
  case additiveCosine(m: Double)
  /// ArcFace: ψ = cos(θ + m), with insightface's fallback c − m·sin m once θ > π − m
  /// (or, with `easyMargin`, the margin only where c > 0).
  ///
  /// The default fallback keeps ψ decreasing (it jumps down by −1 + cos m + m sin m ≥ 0 at the
  /// switch); the easy margin does not: ψ jumps back up from −sin m to 0 at θ = 90°, which is why
  /// it is off by default.
  case additiveAngular(m: Double, easyMargin: Bool)
  /// ArcFace's combined margin: ψ = cos(m1·θ + m2) − m3.
  ///
  /// Computed through acos (clamped), because m1 may be fractional (1.35, 0.9 in the paper), so no
  /// Chebyshev polynomial exists. As in insightface's loss_type 5 there is no fallback: ψ decreases
  /// only while m1·θ + m2 ≤ π, which for the small 2-D margins covers every angle a feature keeps.
  case combined(m1: Double, m2: Double, m3: Double)

  /// The largest |cos θ| a transform sees: cosines are clamped to [−1 + ε, 1 − ε] so that
  /// sqrt(1 − c²) and acos stay differentiable (at ±1 their gradients are infinite: pytorch#8069).
  ///
  /// ε = 1e-12 because everything runs in Double: the clamped function has a zero derivative in
  /// the band, which drops the angular gradient there, and ArcFace's angular gradient does not
  /// vanish at θ = 0 (dψ/dθ → −sin m). The band is |θ| ≲ sqrt(2ε) = 1.4e-6 rad around 0 and π;
  /// the former 1e-7 band was 4.5e-4 rad wide. Narrower buys nothing: cos θ from Float features
  /// carries a Double rounding error near 1e-16, so 1 − c² ≥ 2e-12 keeps sin θ to ~1e-4 relative.
  public static let cosineLimit = 1 - 1e-12

  /// Clamps a cosine into the range the transforms accept.
  public static func clampCosine(_ c: Double) -> Double {
    guard c.isFinite else { return 0 }
    return min(cosineLimit, max(-cosineLimit, c))
  }

  /// ψ at cosine `c` (clamped first).
  public func value(cosine c0: Double) -> Double {
    let c = Self.clampCosine(c0)
    switch self {
    case .identity:
      return c
    case .largeMargin(let m):
      let k = Self.sector(cosine: c, m: m)
      let sign: Double = k % 2 == 0 ? 1 : -1
      return sign * Chebyshev.value(order: m, at: c) - 2 * Double(k)
    case .additiveCosine(let m):
      return c - m
    case .additiveAngular(let m, let easyMargin):
      guard Self.arcMarginApplies(cosine: c, m: m, easyMargin: easyMargin) else {
        return easyMargin ? c : c - m * sin(m)
      }
      let sine = Self.sine(ofCosine: c)
      return c * cos(m) - sine * sin(m)
    case .combined(let m1, let m2, let m3):
      return cos(m1 * acos(c) + m2) - m3
    }
  }

  /// dψ/dc at cosine `c` (clamped first; the derivative of the clamp itself is the caller's business).
  public func derivative(cosine c0: Double) -> Double {
    let c = Self.clampCosine(c0)
    switch self {
    case .identity, .additiveCosine:
      return 1
    case .largeMargin(let m):
      let k = Self.sector(cosine: c, m: m)
      let sign: Double = k % 2 == 0 ? 1 : -1
      return sign * Chebyshev.derivative(order: m, at: c)
    case .additiveAngular(let m, let easyMargin):
      guard Self.arcMarginApplies(cosine: c, m: m, easyMargin: easyMargin) else { return 1 }
      // d/dc [c cos m − sqrt(1−c²) sin m] = cos m + c sin m / sqrt(1−c²)
      return cos(m) + c * sin(m) / Self.sine(ofCosine: c)
    case .combined(let m1, let m2, _):
      // d/dc cos(m1 acos c + m2) = sin(m1 θ + m2) · m1 / sin θ
      let theta = acos(c)
      return sin(m1 * theta + m2) * m1 / Self.sine(ofCosine: c)
    }
  }

  /// ψ as a function of the angle θ ∈ [0, π] (for ψ-curve plots such as AM-Softmax's Fig. 1).
  public func value(angle theta: Double) -> Double {
    value(cosine: cos(theta))
  }

  /// The cosines where ψ has a kink or a branch switch; gradient checks keep away from them.
  public var kinkCosines: [Double] {
    switch self {
    case .identity, .additiveCosine:
      return []
    case .largeMargin(let m):
      return m > 1 ? (1..<m).map { cos(Double($0) * Double.pi / Double(m)) } : []
    case .additiveAngular(let m, let easyMargin):
      return easyMargin ? [0] : [cos(Double.pi - m)]
    case .combined:
      return []
    }
  }

  /// k such that θ ∈ [kπ/m, (k+1)π/m], found by comparing c with cos(jπ/m) (no acos).
  public static func sector(cosine c: Double, m: Int) -> Int {
    var k = 0
    if m > 1 {
      for j in 1..<m where c < cos(Double(j) * Double.pi / Double(m)) { k = j }
    }
    return k
  }

  /// Whether ArcFace's cos(θ + m) branch is used at cosine c (insightface `threshold = cos(π − m)`).
  static func arcMarginApplies(cosine c: Double, m: Double, easyMargin: Bool) -> Bool {
    easyMargin ? c > 0 : c > cos(Double.pi - m)
  }

  /// sin θ = sqrt(1 − c²) for a clamped c (so 1 − c² ≥ 2e-12); the floor only keeps it from NaN.
  static func sine(ofCosine c: Double) -> Double {
    max(1 - c * c, 1e-24).squareRoot()
  }
}

/// Chebyshev polynomials of the first kind: T_m(cos θ) = cos(mθ).
public enum Chebyshev {
  /// T_m(c) by the three-term recurrence T_{n+1} = 2c T_n − T_{n−1}.
  public static func value(order m: Int, at c: Double) -> Double {
    precondition(m >= 0, "Chebyshev order must be non-negative, got \(m)")
    if m == 0 { return 1 }
    var previous = 1.0
    var current = c
    if m > 1 {
      for _ in 2...m {
        (previous, current) = (current, 2 * c * current - previous)
      }
    }
    return current
  }

  /// T_m'(c) = m U_{m−1}(c), with U the Chebyshev polynomials of the second kind.
  public static func derivative(order m: Int, at c: Double) -> Double {
    precondition(m >= 0, "Chebyshev order must be non-negative, got \(m)")
    if m == 0 { return 0 }
    var previous = 1.0  // U_0
    var current = 2 * c  // U_1
    if m == 1 { return 1 }
    if m > 2 {
      for _ in 3...m {
        (previous, current) = (current, 2 * c * current - previous)
      }
    }
    return Double(m) * current
  }
}
