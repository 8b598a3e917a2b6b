import Engine
import MarginMath

/// Softmax and weighted softmax: `z_j = W_jᵀx + b_j` under (optionally class-weighted) cross-entropy.
///
/// `weighted-softmax` multiplies each sample's loss by its class's weight and divides by the sum of
/// sample weights (PyTorch's weighted mean), so all-ones weights give plain softmax exactly. Weights
/// come from `LossParameters.classWeights`, given explicitly or from `ClassWeights.balanced(counts:)`
/// (HED's class balancing generalised to C classes, papers.md §6). The bias is optional; the figures use none.
public final class SoftmaxHead: ClassificationHead {
  private let core: HeadCore

  /// Builds the head, validating `parameters` (thrown `LossParameterError` names each bad parameter).
  /// - Parameters:
  ///   - kind: one of .softmax, .weightedSoftmax.
  ///   - parameters: the loss's hyper-parameters (start from `LossParameters.defaults(for:)`).
  ///   - classCount: C.
  ///   - featureDimension: D.
  ///   - seed: seeds W's initialisation.
  ///   - name: prefixes the parameter names (`head.weight`).
  public init(
    kind: LossKind, parameters: LossParameters, classCount: Int, featureDimension: Int, seed: UInt64 = 1701,
    name: String = "head"
  ) throws {
    precondition([.softmax, .weightedSoftmax].contains(kind), "SoftmaxHead handles .softmax, .weightedSoftmax, not \(kind.rawValue)")
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
