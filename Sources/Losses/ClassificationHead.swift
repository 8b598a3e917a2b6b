import Engine
import MarginMath

/// A softmax-family classification head over D-dimensional features: class weights W (C × D),
/// margin logits for training, label-free logits for inference, and softmax cross-entropy.
///
/// Every head follows Caffe's contract: `forward` caches what `backward` needs; `backward`
/// accumulates into each `Parameter.gradient` (W, and the bias or α where present) and returns
/// dLoss/dFeatures. The iteration is passed in, so λ and margin ramps are values, never counters
/// mutated inside the loss: repeating a forward, or resuming from a checkpoint, gives the same λ.
public protocol ClassificationHead: AnyObject {
  var kind: LossKind { get }
  var configuration: LossParameters { get }
  var classCount: Int { get }
  var featureDimension: Int { get }
  /// The class weights W, C × D.
  var weight: Parameter { get }
  /// The class biases b (C values) when the loss has them and `usesBias` is set.
  var bias: Parameter? { get }
  /// L2-softmax's learned α (one value) when `learnsAlpha` is set.
  var alpha: Parameter? { get }
  /// W, then the bias and α where the head has them (the order checkpoints rely on).
  var parameters: [Parameter] { get }
  /// Advisory warnings found when the head was built (errors are thrown instead).
  var warnings: [LossWarning] { get }
  /// The outputs of the last `forward`, or nil before the first.
  var lastOutput: HeadOutput? { get }

  /// The mean loss over the batch (Caffe's normaliser max(1, N); with class weights, the sum of sample
  /// weights or, with `normalization: .batch`, max(1, N)).
  /// - Parameters:
  ///   - features: N × D.
  ///   - labels: N labels in 0..<C.
  ///   - iteration: the training iteration, which sets λ and ramped margins.
  @discardableResult
  func forward(features: Tensor, labels: [Int], iteration: Int) -> Double
  /// dLoss/dFeatures (N × D) for the last `forward`; accumulates the parameter gradients.
  func backward() -> Tensor
  /// λ, ψ and the scale in force at `iteration`, with a learned α's current value as the scale.
  /// A requirement, not an extension method, so a call through `any ClassificationHead` sees α too.
  func rule(at iteration: Int) -> MarginRule
  /// The logits of `features` in Double (label-free, and with the margin on each row's label when
  /// `labels` are given) at `iteration`'s rule. Evaluation: leaves `lastOutput` and the training
  /// caches alone, so it may run between a `forward` and its `backward`.
  func logits(features: Tensor, labels: [Int]?, iteration: Int) -> HeadLogits
}

/// Logits of a batch from `ClassificationHead.logits(features:labels:iteration:)`, N × C row-major, in Double.
public struct HeadLogits: Sendable {
  public let classCount: Int
  public let labelFree: [Double]
  /// Equal to `labelFree` when no labels were given.
  public let margin: [Double]
}

/// What one `forward` produced.
public struct HeadOutput: Sendable {
  public let loss: Double
  /// Logits with the margin applied to each sample's target (N × C).
  public let marginLogits: Tensor
  /// The same batch's label-free logits (N × C).
  public let labelFreeLogits: Tensor
  /// The fraction of the batch whose label-free argmax is the label (what test accuracy measures).
  public let labelFreeAccuracy: Double
  /// The fraction whose margin logit beats every other logit (the margin rule; usually lower).
  public let marginAccuracy: Double
  /// λ and margins in force for this batch.
  public let rule: MarginRule
}

extension ClassificationHead {
  /// λ at `iteration` (0 for losses without annealing).
  public func lambda(at iteration: Int) -> Double {
    rule(at: iteration).lambda
  }

  /// The margin in force at `iteration` (see `MarginRule.margin`).
  public func margin(at iteration: Int) -> Double {
    rule(at: iteration).margin
  }

  /// α in force for L2-softmax (the learned value, or the configured one); nil for other losses.
  public var alphaValue: Double? {
    kind == .l2Softmax ? rule(at: 0).scale : nil
  }

  /// Label-free logits (N × C), stored as Float: what inference uses; they never see a label.
  public func inferenceLogits(features: Tensor) -> Tensor {
    Tensor(
      shape: [features.batchSize, classCount],
      scalars: logits(features: features, labels: nil, iteration: 0).labelFree.map(Float.init))
  }

  /// The label-free decision for each row of `features` (argmax of the Double label-free logits).
  public func predict(features: Tensor) -> [Int] {
    DecisionRule.predictions(
      logits: logits(features: features, labels: nil, iteration: 0).labelFree, classCount: classCount)
  }

  /// The label-free accuracy of `features` against `labels` (what test accuracy measures).
  public func accuracy(features: Tensor, labels: [Int]) -> Double {
    DecisionRule.accuracy(predictions: predict(features: features), labels: labels)
  }

  /// The fraction of rows whose margin logit beats every other logit at `iteration`'s λ and margin.
  /// Runs no training forward: `lastOutput` and the backward caches are untouched.
  public func marginRuleAccuracy(features: Tensor, labels: [Int], iteration: Int) -> Double {
    let z = logits(features: features, labels: labels, iteration: iteration)
    return DecisionRule.marginAccuracy(marginLogits: z.margin, labels: labels, classCount: classCount)
  }
}
