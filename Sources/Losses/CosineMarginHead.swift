import Engine
import MarginMath

/// The normalised-feature, normalised-weight losses: NormFace, AM-Softmax/CosFace, ArcFace, combined.
///
/// ```
/// f_j = s cos θ_j,  f_y = s ψ(cos θ_y)
/// normface:  ψ = cos θ            am-softmax, cosface: ψ = cos θ − m
/// arcface:   ψ = cos(θ + m), or cos θ − m sin m once θ > π − m (insightface), or cos θ where cos θ ≤ 0 (easy margin)
/// combined:  ψ = cos(m1 θ + m2) − m3
/// ```
/// Additive margins may be ramped in linearly from 0 (`LossParameters.marginRamp`), as 2-D ArcFace
/// needs (papers.md §7, users.md A6). Label-free logits are s cos θ_j.
public final class CosineMarginHead: ClassificationHead {
  private let core: HeadCore

  /// Builds the head, validating `parameters` (thrown `LossParameterError` names each bad parameter).
  /// - Parameters:
  ///   - kind: one of .normFace, .amSoftmax, .cosFace, .arcFace, .combined.
  ///   - parameters: the loss's hyper-parameters (start from `LossParameters.defaults(for:)`).
  ///   - classCount: C.
  ///   - featureDimension: D.
  ///   - seed: seeds W's initialisation.
  ///   - name: prefixes the parameter names (`head.weight`).
  public init(
    kind: LossKind, parameters: LossParameters, classCount: Int, featureDimension: Int, seed: UInt64 = 1701,
    name: String = "head"
  ) throws {
    precondition([.normFace, .amSoftmax, .cosFace, .arcFace, .combined].contains(kind), "CosineMarginHead handles .normFace, .amSoftmax, .cosFace, .arcFace, .combined, not \(kind.rawValue)")
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
