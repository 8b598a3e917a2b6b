import Foundation

/// A loss's margin rule frozen at one iteration: λ and the ramped margins already evaluated.
///
/// This is the single place that turns (kind, parameters, iteration) into logits, so the heads,
/// the sector geometry and the renderer all agree. Logits have the form
///
/// ```
/// z_j = U(‖W_j‖) · R · h_j(cos θ_j) + b_j
/// h_j = cos θ_j                                  (label-free, and every non-target class)
/// h_y = (ψ(cos θ_y) + λ cos θ_y) / (1 + λ)       (the target under the margin rule)
/// ```
/// with U and R given by `LossKind.weightScaling` and `featureScaling`. Plain softmax is the same
/// with U = ‖W_j‖, R = ‖x‖, i.e. z_j = W_jᵀx + b_j.
public struct MarginRule: Sendable, Equatable {
  public let kind: LossKind
  /// λ in force (0 for losses without annealing).
  public let lambda: Double
  /// ψ with the margins in force (after any ramp).
  public let transform: TargetTransform
  /// The scale s (normalised losses) or α (L2-softmax); unused otherwise.
  public let scale: Double

  /// The rule of `kind` with `parameters` at training iteration `iteration`.
  public init(kind: LossKind, parameters p: LossParameters, iteration: Int) {
    self.kind = kind
    lambda = kind.usesLambda ? p.lambda.value(at: iteration) : 0
    let ramp = kind.supportsMarginRamp ? (p.marginRamp?.fraction(at: iteration) ?? 1) : 1
    switch kind {
    case .softmax, .weightedSoftmax, .modifiedSoftmax, .l2Softmax, .normFace:
      transform = .identity
    case .lSoftmax, .aSoftmax:
      let m = Int(p.m.rounded())
      transform = m == 1 ? .identity : .largeMargin(m: max(1, m))
    case .amSoftmax, .cosFace:
      transform = .additiveCosine(m: p.m * ramp)
    case .arcFace:
      transform = .additiveAngular(m: p.m * ramp, easyMargin: p.easyMargin)
    case .combined:
      transform = .combined(m1: 1 + (p.m1 - 1) * ramp, m2: p.m2 * ramp, m3: p.m3 * ramp)
    }
    scale = kind == .l2Softmax ? p.alpha : p.s
  }

  /// A rule from its parts (for ψ-curve plots and tests).
  public init(kind: LossKind, lambda: Double, transform: TargetTransform, scale: Double) {
    self.kind = kind
    self.lambda = lambda
    self.transform = transform
    self.scale = scale
  }

  /// h_y(c) = (ψ(c) + λc)/(1 + λ), the target's transformed cosine.
  public func targetCosine(_ c: Double) -> Double {
    (transform.value(cosine: c) + lambda * TargetTransform.clampCosine(c)) / (1 + lambda)
  }

  /// dh_y/dc.
  public func targetCosineDerivative(_ c: Double) -> Double {
    (transform.derivative(cosine: c) + lambda) / (1 + lambda)
  }

  /// The target logit per unit of `U · R` as a function of θ (radians), for AM-Softmax-style curve plots.
  public func targetCurve(angle theta: Double) -> Double {
    targetCosine(cos(theta))
  }

  /// The label-free logits of `feature` against class weights `weights` (C rows of D values).
  public func labelFreeLogits(feature x: [Double], weights: [[Double]], biases: [Double]? = nil) -> [Double] {
    weights.indices.map { j in logit(feature: x, weight: weights[j], bias: biases?[j] ?? 0, isTarget: false) }
  }

  /// The logits under the margin rule when `target` is the label.
  public func marginLogits(feature x: [Double], weights: [[Double]], biases: [Double]? = nil, target: Int) -> [Double] {
    weights.indices.map { j in logit(feature: x, weight: weights[j], bias: biases?[j] ?? 0, isTarget: j == target) }
  }

  /// Whether `feature` satisfies the margin rule for `target`: its margin logit beats every other logit.
  public func satisfiesMargin(feature x: [Double], weights: [[Double]], biases: [Double]? = nil, target: Int) -> Bool {
    let logits = marginLogits(feature: x, weights: weights, biases: biases, target: target)
    return logits.indices.allSatisfy { $0 == target || logits[target] > logits[$0] }
  }

  /// One logit, `U · R · h(c) + b`, with the norms guarded by `Norms.guarded`.
  public func logit(feature x: [Double], weight w: [Double], bias: Double, isTarget: Bool) -> Double {
    precondition(x.count == w.count, "feature has \(x.count) values, weight row \(w.count)")
    let dot = zip(x, w).reduce(0) { $0 + $1.0 * $1.1 }
    if kind == .softmax || kind == .weightedSoftmax { return dot + bias }
    let a = Norms.guarded(x)
    let b = Norms.guarded(w)
    let c = TargetTransform.clampCosine(dot / (a * b))
    let h = isTarget ? targetCosine(c) : c
    let u = kind.weightScaling == .norm ? b : 1
    let r: Double
    switch kind.featureScaling {
    case .norm: r = a
    case .alpha, .scale: r = scale
    }
    return u * r * h + bias
  }
}

/// Norms that never vanish: `‖v‖_ε = sqrt(‖v‖² + ε²)`, ε = 1e-6.
///
/// Smooth (so analytic gradients match finite differences everywhere) and ≥ ε (so a zero
/// feature or weight row gives cos θ = 0, not 0/0). The relative change for ‖v‖ ≥ 1e-3 is below 1e-6.
public enum Norms {
  public static let epsilon = 1e-6

  public static func guarded(_ v: [Double]) -> Double {
    (v.reduce(0) { $0 + $1 * $1 } + epsilon * epsilon).squareRoot()
  }

  public static func guarded(squaredNorm: Double) -> Double {
    (squaredNorm + epsilon * epsilon).squareRoot()
  }
}

/// The label-free decision: the class with the largest label-free logit (ties go to the lower index).
///
/// For the angular losses that is the largest cos θ_j (normalised W), or ‖W_j‖ cos θ_j where the
/// weight norms differ (L-Softmax); test accuracy always uses this rule, never the margin logits.
public enum DecisionRule {
  public static func predict(logits: [Double]) -> Int {
    var best = 0
    for j in logits.indices where logits[j] > logits[best] { best = j }
    return best
  }
}
