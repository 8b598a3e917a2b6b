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
    DecisionRule.meetsMargin(
      logits: marginLogits(feature: x, weights: weights, biases: biases, target: target), target: target)
  }

  /// One logit, `U · R · h(c) + b`, with the norms guarded by `Norms.guarded`.
  public func logit(feature x: [Double], weight w: [Double], bias: Double, isTarget: Bool) -> Double {
    precondition(x.count == w.count, "feature has \(x.count) values, weight row \(w.count)")
    let dot = zip(x, w).reduce(0) { $0 + $1.0 * $1.1 }
    return logitTerms(
      dot: dot, featureNorm: Norms.guarded(x), weightNorm: Norms.guarded(w), bias: bias, isTarget: isTarget
    ).value
  }

  /// The one logit formula, from the dot product and the guarded norms `a = ‖x‖_ε`, `b = ‖W_j‖_ε`.
  ///
  /// Both the heads (which also need the pieces for their backward pass) and the renderer's
  /// sectors go through here, so a figure's decision rule is the loss's own.
  public func logitTerms(dot: Double, featureNorm a: Double, weightNorm b: Double, bias: Double, isTarget: Bool)
    -> LogitTerms
  {
    if kind.usesLinearLogits {
      let z = dot + bias
      return LogitTerms(value: z, labelFree: z, cosine: 0, transformed: 0, slope: 0, weightFactor: 1, featureFactor: 1)
    }
    let raw = dot / (a * b)
    let c = TargetTransform.clampCosine(raw)
    let h = isTarget ? targetCosine(c) : c
    // The clamped function's derivative: 0 inside the band (which is only 1e-12 wide, see `cosineLimit`).
    let slope = c != raw ? 0 : (isTarget ? targetCosineDerivative(c) : 1)
    let u = kind.weightScaling == .norm ? b : 1
    let r = kind.featureScaling == .norm ? a : scale
    return LogitTerms(
      value: u * r * h + bias, labelFree: u * r * c + bias, cosine: c, transformed: h, slope: slope, weightFactor: u,
      featureFactor: r)
  }

  /// The margin in force: m for L-Softmax/A-Softmax (1 without ψ), the ramped m of CosFace,
  /// AM-Softmax and ArcFace, the ramped m2 of the combined margin (its full triple is in
  /// `transform`), and 0 for losses without a margin.
  public var margin: Double {
    switch transform {
    case .identity: kind.usesLambda ? 1 : 0
    case .largeMargin(let m): Double(m)
    case .additiveCosine(let m), .additiveAngular(let m, _): m
    case .combined(_, let m2, _): m2
    }
  }
}

/// One logit `z = U · R · h(c) + b` and the pieces its derivative needs.
public struct LogitTerms: Sendable, Equatable {
  /// The logit under the margin rule (equal to `labelFree` unless the class is the target).
  public let value: Double
  /// `U · R · c + b`: the same logit without the margin.
  public let labelFree: Double
  /// c = cos θ, clamped (0 for the linear losses).
  public let cosine: Double
  /// h(c): c, or the target's (ψ(c) + λc)/(1 + λ).
  public let transformed: Double
  /// dh/dc (0 inside the clamp band and for the linear losses).
  public let slope: Double
  /// U: ‖W_j‖_ε or 1.
  public let weightFactor: Double
  /// R: ‖x‖_ε, α or s.
  public let featureFactor: Double
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
  public static func predict<Logits: RandomAccessCollection<Double>>(logits: Logits) -> Int {
    var best = logits.startIndex
    for j in logits.indices where logits[j] > logits[best] { best = j }
    return logits.distance(from: logits.startIndex, to: best)
  }

  /// The label-free decision of each row of `logits` (N × C, row-major).
  public static func predictions(logits: [Double], classCount c: Int) -> [Int] {
    precondition(c > 0 && logits.count % c == 0, "\(logits.count) logits do not form rows of \(c)")
    return (0..<(logits.count / c)).map { i in predict(logits: logits[(i * c)..<((i + 1) * c)]) }
  }

  /// Whether the target's logit beats every other logit strictly (the margin rule's acceptance).
  public static func meetsMargin<Logits: RandomAccessCollection<Double>>(logits: Logits, target: Int) -> Bool {
    let y = logits.index(logits.startIndex, offsetBy: target)
    return logits.indices.allSatisfy { $0 == y || logits[y] > logits[$0] }
  }

  /// The fraction of rows whose target beats every other logit (N × C `marginLogits`).
  public static func marginAccuracy(marginLogits logits: [Double], labels: [Int], classCount c: Int) -> Double {
    precondition(logits.count == labels.count * c, "\(logits.count) logits for \(labels.count) labels of \(c) classes")
    let met = labels.indices.map { i in meetsMargin(logits: logits[(i * c)..<((i + 1) * c)], target: labels[i]) }
    return fraction(met)
  }

  /// The fraction of `predictions` equal to `labels`: the one accuracy every report uses (0 for no rows).
  public static func accuracy(predictions: [Int], labels: [Int]) -> Double {
    precondition(predictions.count == labels.count, "\(predictions.count) predictions for \(labels.count) labels")
    return fraction(zip(predictions, labels).map { $0 == $1 })
  }

  private static func fraction(_ hits: [Bool]) -> Double {
    hits.isEmpty ? 0 : Double(hits.filter { $0 }.count) / Double(hits.count)
  }
}
