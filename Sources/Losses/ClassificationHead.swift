import Engine
import MarginMath

/// A softmax-family classification head over D-dimensional features: class weights W (C × D),
/// margin logits for training, label-free logits for inference, and softmax cross-entropy.
///
/// Every head follows Caffe's contract: `forward` caches what `backward` needs; `backward`
/// accumulates into each `Parameter.gradient` (W, and the bias or α where present) and returns
/// dLoss/dFeatures. The iteration is passed in, so λ and margin ramps are values, never counters
/// mutated inside the loss (style.md anti-pattern 4).
public protocol ClassificationHead: AnyObject {
  var kind: LossKind { get }
  var configuration: LossParameters { get }
  var classCount: Int { get }
  var featureDimension: Int { get }
  /// The class weights W, C × D.
  var weight: Parameter { get }
  /// W, then the bias and α where the head has them (the order checkpoints rely on).
  var parameters: [Parameter] { get }
  /// Advisory issues found when the head was built (errors are thrown instead).
  var warnings: [ValidationIssue] { get }
  /// The outputs of the last `forward`, or nil before the first.
  var lastOutput: HeadOutput? { get }

  /// The mean loss over the batch (Caffe's normaliser max(1, N); with class weights, the sum of sample weights).
  /// - Parameters:
  ///   - features: N × D.
  ///   - labels: N labels in 0..<C.
  ///   - iteration: the training iteration, which sets λ and ramped margins.
  @discardableResult
  func forward(features: Tensor, labels: [Int], iteration: Int) -> Double
  /// dLoss/dFeatures (N × D) for the last `forward`; accumulates the parameter gradients.
  func backward() -> Tensor
  /// Label-free logits (N × C): what inference and test accuracy use; they never see a label.
  func inferenceLogits(features: Tensor) -> Tensor
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
  /// λ, ψ and the scale in force at `iteration`.
  public func rule(at iteration: Int) -> MarginRule {
    MarginRule(kind: kind, parameters: configuration, iteration: iteration)
  }

  /// λ at `iteration` (0 for losses without annealing).
  public func lambda(at iteration: Int) -> Double {
    rule(at: iteration).lambda
  }

  /// The margin in force at `iteration`: m for L-Softmax/A-Softmax, the ramped m for CosFace,
  /// AM-Softmax and ArcFace, the ramped m2 for the combined margin (its full triple is in
  /// `rule(at:).transform`), and 0 for losses without a margin.
  public func margin(at iteration: Int) -> Double {
    switch rule(at: iteration).transform {
    case .identity: kind.usesLambda ? 1 : 0
    case .largeMargin(let m): Double(m)
    case .additiveCosine(let m), .additiveAngular(let m, _): m
    case .combined(_, let m2, _): m2
    }
  }

  /// The label-free decision for each row of `features` (argmax of `inferenceLogits`).
  public func predict(features: Tensor) -> [Int] {
    let logits = inferenceLogits(features: features)
    let c = classCount
    return (0..<features.batchSize).map { i in
      DecisionRule.predict(logits: (0..<c).map { Double(logits[i * c + $0]) })
    }
  }

  /// The label-free accuracy of `features` against `labels`.
  public func accuracy(features: Tensor, labels: [Int]) -> Double {
    let predictions = predict(features: features)
    precondition(predictions.count == labels.count, "\(predictions.count) predictions for \(labels.count) labels")
    guard !labels.isEmpty else { return 0 }
    return Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(labels.count)
  }
}
