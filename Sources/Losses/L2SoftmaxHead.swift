import Engine
import MarginMath

/// L2-constrained softmax: the feature is rescaled to norm α, then a plain linear softmax.
///
/// ```
/// f_j = W_jᵀ(α x/‖x‖) + b_j
/// ```
/// α is fixed, or learned as a `Parameter` (`learnsAlpha`). Its useful range starts at the lower bound
/// log(p (C − 2)/(1 − p)) (papers.md §3; `Feasibility.l2SoftmaxAlphaLowerBound`), which validation reports.
public final class L2SoftmaxHead: ClassificationHead {
  private let core: HeadCore

  /// Builds the head, validating `parameters` (thrown `LossParameterError` names each bad parameter).
  /// - Parameters:
  ///   - kind: one of .l2Softmax.
  ///   - parameters: the loss's hyper-parameters (start from `LossParameters.defaults(for:)`).
  ///   - classCount: C.
  ///   - featureDimension: D.
  ///   - seed: seeds W's initialisation.
  ///   - name: prefixes the parameter names (`head.weight`).
  public init(
    kind: LossKind, parameters: LossParameters, classCount: Int, featureDimension: Int, seed: UInt64 = 1701,
    name: String = "head"
  ) throws {
    precondition([.l2Softmax].contains(kind), "L2SoftmaxHead handles .l2Softmax, not \(kind.rawValue)")
    core = try HeadCore(
      kind: kind, configuration: parameters, classCount: classCount, featureDimension: featureDimension, seed: seed, name: name)
  }

  public var kind: LossKind { core.kind }
  public var configuration: LossParameters { core.configuration }
  public var classCount: Int { core.classCount }
  public var featureDimension: Int { core.featureDimension }
  public var weight: Parameter { core.weight }
  public var parameters: [Parameter] { core.parameters }
  public var warnings: [ValidationIssue] { core.warnings }
  public var lastOutput: HeadOutput? { core.lastOutput }

  /// The bias b (C), when `parameters.usesBias`.
  public var bias: Parameter? { core.bias }
  /// The learnable α, when `parameters.learnsAlpha`.
  public var alpha: Parameter? { core.alpha }
  /// The α in force (the learnable value, or the fixed one).
  public var currentAlpha: Double { core.rule(at: 0).scale }

  @discardableResult
  public func forward(features: Tensor, labels: [Int], iteration: Int) -> Double {
    core.forward(features: features, labels: labels, iteration: iteration)
  }

  public func backward() -> Tensor {
    core.backward()
  }

  public func inferenceLogits(features: Tensor) -> Tensor {
    core.inferenceLogits(features: features)
  }
}
