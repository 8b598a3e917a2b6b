import Engine
import MarginMath

/// The parameters and passes every head family shares; the public head classes delegate to it.
final class HeadCore {
  let kind: LossKind
  let configuration: LossParameters
  let classCount: Int
  let featureDimension: Int
  let weight: Parameter
  let bias: Parameter?
  let alpha: Parameter?
  let warnings: [ValidationIssue]
  private(set) var lastOutput: HeadOutput?
  private let computation: HeadComputation

  /// Validates `configuration` for `kind` and initialises W deterministically from `seed`.
  ///
  /// Raw-weight losses (softmax, weighted softmax, L-Softmax, L2-softmax) get Xavier-normal rows,
  /// std sqrt(2/(C + D)); W-normalised losses get unit-norm rows (their norm is irrelevant, and unit
  /// rows keep the first gradients, which scale as 1/‖W_j‖, of order one).
  init(kind: LossKind, configuration: LossParameters, classCount: Int, featureDimension: Int, seed: UInt64, name: String) throws {
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
    bias = configuration.usesBias && kind.supportsBias
      ? Parameter(name: "\(name).bias", value: Tensor(zeros: [classCount]), weightDecayMultiplier: 0)
      : nil
    alpha = kind == .l2Softmax && configuration.learnsAlpha
      ? Parameter(name: "\(name).alpha", value: Tensor(shape: [1], scalars: [Float(configuration.alpha)]), weightDecayMultiplier: 0)
      : nil
    computation = HeadComputation(kind: kind, classCount: classCount, featureDimension: featureDimension)
  }

  var parameters: [Parameter] { [weight] + [bias, alpha].compactMap { $0 } }

  /// The rule at `iteration`, with a learnable α's current value as the scale.
  func rule(at iteration: Int) -> MarginRule {
    let rule = MarginRule(kind: kind, parameters: configuration, iteration: iteration)
    guard let alpha else { return rule }
    return MarginRule(kind: kind, lambda: rule.lambda, transform: rule.transform, scale: Double(alpha.value[0]))
  }

  func forward(features: Tensor, labels: [Int], iteration: Int) -> Double {
    let rule = rule(at: iteration)
    let (margin, free) = computation.logits(features: features, weight: weight.value, bias: bias?.value, rule: rule, labels: labels)
    let (loss, gradient) = SoftmaxCrossEntropy.evaluate(
      logits: margin, labels: labels, classCount: classCount, classWeights: configuration.classWeights)
    computation.setLogitGradient(gradient)
    let n = labels.count
    let c = classCount
    var freeCorrect = 0
    var marginCorrect = 0
    for i in 0..<n {
      let y = labels[i]
      if DecisionRule.predict(logits: Array(free[i * c..<(i + 1) * c])) == y { freeCorrect += 1 }
      if (0..<c).allSatisfy({ $0 == y || margin[i * c + y] > margin[i * c + $0] }) { marginCorrect += 1 }
    }
    lastOutput = HeadOutput(
      loss: loss,
      marginLogits: Tensor(shape: [n, c], scalars: margin.map(Float.init)),
      labelFreeLogits: Tensor(shape: [n, c], scalars: free.map(Float.init)),
      labelFreeAccuracy: n > 0 ? Double(freeCorrect) / Double(n) : 0,
      marginAccuracy: n > 0 ? Double(marginCorrect) / Double(n) : 0,
      rule: rule)
    return loss
  }

  func backward() -> Tensor {
    computation.backward(weight: weight, bias: bias, alpha: alpha)
  }

  func inferenceLogits(features: Tensor) -> Tensor {
    let (_, free) = computation.logits(features: features, weight: weight.value, bias: bias?.value, rule: rule(at: 0), labels: nil)
    return Tensor(shape: [features.batchSize, classCount], scalars: free.map(Float.init))
  }
}
