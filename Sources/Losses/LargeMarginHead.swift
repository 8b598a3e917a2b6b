import Engine
import MarginMath

/// L-Softmax, modified softmax and A-Softmax (SphereFace): the multiplicative angular margin ψ.
///
/// ```
/// l-softmax:         f_y = (‖W_y‖‖x‖ψ(θ_y) + λ W_yᵀx)/(1 + λ),  f_j = W_jᵀx
/// modified-softmax:  f_j = ‖x‖ cos θ_j                        (‖W_j‖ = 1, b = 0)
/// a-softmax:         f_y = ‖x‖(ψ(θ_y) + λ cos θ_y)/(1 + λ),    f_j = ‖x‖ cos θ_j
/// ψ(θ) = (−1)^k cos(mθ) − 2k on [kπ/m, (k+1)π/m],  λ = max(λ_min, base (1 + γ it)^−power)
/// ```
/// cos(mθ) is the Chebyshev polynomial of cos θ (no acos). W is normalised as a derived value inside
/// the computation for modified/A-Softmax and never written back (unlike SphereFace's in-place
/// renormalisation), and the gradients are exact through ‖W‖, ‖x‖ and ψ, not SphereFace's
/// "normalised gradient" (papers.md §2.4). Label-free logits use m = 1: W_jᵀx or ‖x‖ cos θ_j.
public final class LargeMarginHead: ClassificationHead {
  private let core: HeadCore

  /// Builds the head, validating `parameters` (thrown `LossParameterError` names each bad parameter).
  /// - Parameters:
  ///   - kind: one of .lSoftmax, .modifiedSoftmax, .aSoftmax.
  ///   - parameters: the loss's hyper-parameters (start from `LossParameters.defaults(for:)`).
  ///   - classCount: C.
  ///   - featureDimension: D.
  ///   - seed: seeds W's initialisation.
  ///   - name: prefixes the parameter names (`head.weight`).
  public init(
    kind: LossKind, parameters: LossParameters, classCount: Int, featureDimension: Int, seed: UInt64 = 1701,
    name: String = "head"
  ) throws {
    precondition([.lSoftmax, .modifiedSoftmax, .aSoftmax].contains(kind), "LargeMarginHead handles .lSoftmax, .modifiedSoftmax, .aSoftmax, not \(kind.rawValue)")
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
