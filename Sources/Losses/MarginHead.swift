import Engine
import MarginMath

/// The head of every softmax-family loss: class weights W (and a bias or α where the loss has one),
/// logits through the shared `HeadComputation`, and softmax cross-entropy. The families differ only
/// in how the logit `U(‖W_j‖) · R · h(cos θ_j) + b_j` is scaled and which ψ replaces the target's cosine:
///
/// ```
/// softmax, weighted-softmax:  f_j = W_jᵀx + b_j   (weighted: L = Σ w_{y_i} ℓ_i / Σ w_{y_i}, PyTorch's weighted mean,
///                                                  or / max(1, N) with `normalization: .batch`, HED's)
/// l-softmax:         f_y = (‖W_y‖‖x‖ψ(θ_y) + λ W_yᵀx)/(1 + λ),  f_j = W_jᵀx
/// modified-softmax:  f_j = ‖x‖ cos θ_j                        (‖W_j‖ = 1, b = 0)
/// a-softmax:         f_y = ‖x‖(ψ(θ_y) + λ cos θ_y)/(1 + λ),    f_j = ‖x‖ cos θ_j
///                    ψ(θ) = (−1)^k cos(mθ) − 2k on [kπ/m, (k+1)π/m],  λ = max(λ_min, base (1 + γ it)^−power)
/// l2-softmax:        f_j = W_jᵀ(α x/‖x‖) + b_j              (α fixed, or learned with `learnsAlpha`)
/// normface:          f_j = s cos θ_j
/// am-softmax, cosface: f_y = s (cos θ_y − m)
/// arcface:           f_y = s cos(θ_y + m), or s (cos θ_y − m sin m) once θ_y > π − m (insightface),
///                    or s cos θ_y where cos θ_y ≤ 0 (easy margin)
/// combined:          f_y = s (cos(m1 θ_y + m2) − m3)
/// ```
/// cos(mθ) is the Chebyshev polynomial of cos θ (no acos). W is normalised as a derived value inside
/// the computation for the W-normalised losses and never written back (unlike SphereFace's in-place
/// renormalisation); gradients are exact through ‖W‖, ‖x‖ and ψ, not SphereFace's "normalised
/// gradient" (SphereFace, Liu et al., CVPR 2017, released code). Additive margins may be ramped in
/// from 0 (`LossParameters.marginRamp`).
/// Label-free logits drop the margin: W_jᵀx + b_j, ‖x‖ cos θ_j or s cos θ_j. Build one with `HeadFactory`.
public final class MarginHead: ClassificationHead {
  public let kind: LossKind
  public let configuration: LossParameters
  public let classCount: Int
  public let featureDimension: Int
  public let weight: Parameter
  public let bias: Parameter?
  public let alpha: Parameter?
  public let warnings: [LossWarning]
  public private(set) var lastOutput: HeadOutput?
  private let computation: HeadComputation

  /// Validates `configuration` for `kind` and initialises W deterministically from `seed`.
  ///
  /// Raw-weight losses (softmax, weighted softmax, L-Softmax, L2-softmax) get Xavier-normal rows,
  /// std sqrt(2/(C + D)); W-normalised losses get unit-norm rows (their norm is irrelevant, and unit
  /// rows keep the first gradients, which scale as 1/‖W_j‖, of order one).
  init(
    kind: LossKind, configuration: LossParameters, classCount: Int, featureDimension: Int, seed: UInt64, name: String
  ) throws {
    warnings = try configuration.validated(for: kind, classCount: classCount, featureDimension: featureDimension)
    self.kind = kind
    self.configuration = configuration
    self.classCount = classCount
    self.featureDimension = featureDimension
    var generator = SeededGenerator(seed: seed)
    var values = (0..<(classCount * featureDimension)).map { _ in generator.nextNormal() }
    if kind.weightScaling == .unit {
      for j in 0..<classCount {
        let row = j * featureDimension..<(j + 1) * featureDimension
        let norm = Float(Norms.guarded(squaredNorm: row.reduce(0.0) { $0 + Double(values[$1] * values[$1]) }))
        for k in row { values[k] /= norm }
      }
    } else {
      let std = (2 / Float(classCount + featureDimension)).squareRoot()
      values = values.map { $0 * std }
    }
    // A normalised head ignores ‖W_j‖, so weight decay would only shrink the rows and, since the
    // gradient scales as 1/‖W_j‖, raise their effective learning rate until the directions thrash.
    weight = Parameter(
      name: "\(name).weight", value: Tensor(shape: [classCount, featureDimension], scalars: values),
      weightDecayMultiplier: kind.weightScaling == .unit ? 0 : 1)
    bias =
      configuration.usesBias && kind.supportsBias
      ? Parameter(name: "\(name).bias", value: Tensor(zeros: [classCount]), weightDecayMultiplier: 0)
      : nil
    alpha =
      kind == .l2Softmax && configuration.learnsAlpha
      ? Parameter(
        name: "\(name).alpha", value: Tensor(shape: [1], scalars: [Float(configuration.alpha)]),
        weightDecayMultiplier: 0)
      : nil
    computation = HeadComputation(kind: kind, classCount: classCount, featureDimension: featureDimension)
  }

  public var parameters: [Parameter] { [weight] + [bias, alpha].compactMap { $0 } }

  public func rule(at iteration: Int) -> MarginRule {
    let rule = MarginRule(kind: kind, parameters: configuration, iteration: iteration)
    guard let alpha else { return rule }
    return MarginRule(kind: kind, lambda: rule.lambda, transform: rule.transform, scale: Double(alpha.value[0]))
  }

  @discardableResult
  public func forward(features: Tensor, labels: [Int], iteration: Int) -> Double {
    let rule = rule(at: iteration)
    let batch = computation.forward(
      features: features, weight: weight.value, bias: bias?.value, rule: rule, labels: labels)
    let margin = batch.marginLogits
    let free = batch.labelFreeLogits
    let (loss, gradient) = SoftmaxCrossEntropy.evaluate(
      logits: margin, labels: labels, classCount: classCount, classWeights: configuration.classWeights,
      normalization: configuration.normalization)
    computation.setLogitGradient(gradient)
    let n = labels.count
    let c = classCount
    lastOutput = HeadOutput(
      loss: loss,
      marginLogits: Tensor(shape: [n, c], scalars: margin.map(Float.init)),
      labelFreeLogits: Tensor(shape: [n, c], scalars: free.map(Float.init)),
      labelFreeAccuracy: DecisionRule.accuracy(
        predictions: DecisionRule.predictions(logits: free, classCount: c), labels: labels),
      marginAccuracy: DecisionRule.marginAccuracy(marginLogits: margin, labels: labels, classCount: c),
      rule: rule)
    return loss
  }

  public func backward() -> Tensor {
    computation.backward(weight: weight, bias: bias, alpha: alpha)
  }

  public func logits(features: Tensor, labels: [Int]?, iteration: Int) -> HeadLogits {
    let batch = computation.batch(
      features: features, weight: weight.value, bias: bias?.value, rule: rule(at: iteration), labels: labels)
    return HeadLogits(classCount: classCount, labelFree: batch.labelFreeLogits, margin: batch.marginLogits)
  }
}
