import Foundation

/// A named target-logit curve h_y(θ) = (ψ(cos θ) + λ cos θ)/(1 + λ), for ψ-curve figures.
public struct TargetCurve: Sendable, Equatable {
  public let name: String
  public let rule: MarginRule

  public init(name: String, rule: MarginRule) {
    self.name = name
    self.rule = rule
  }

  /// (θ in degrees, target value) at every `stepDegrees` from `fromDegrees` through `toDegrees`.
  public func samples(fromDegrees: Double = 0, toDegrees: Double = 180, stepDegrees: Double = 1) -> [Point2] {
    precondition(stepDegrees > 0 && toDegrees >= fromDegrees, "need a positive step over a non-empty range")
    return stride(from: fromDegrees, through: toDegrees + 1e-9, by: stepDegrees).map {
      Point2(x: $0, y: rule.targetCurve(angle: $0 * Double.pi / 180))
    }
  }

  private static func curve(_ name: String, _ kind: LossKind, _ transform: TargetTransform, lambda: Double = 0)
    -> TargetCurve
  {
    TargetCurve(name: name, rule: MarginRule(kind: kind, lambda: lambda, transform: transform, scale: 1))
  }

  /// The curves of AM-Softmax's ψ figure (Wang et al., IEEE SPL 2018; `draw/draw_psi_curve.m` in its
  /// code), θ from 0 to 180°.
  public static let amSoftmaxFigure: [TargetCurve] = [
    curve("Conventional Softmax", .softmax, .identity),
    curve("Angular Softmax (m=2, λ=0)", .aSoftmax, .largeMargin(m: 2)),
    curve("Angular Softmax (m=4, λ=0)", .aSoftmax, .largeMargin(m: 4)),
    curve("Angular Softmax (m=4, λ=5)", .aSoftmax, .largeMargin(m: 4), lambda: 5),
    curve("Additive Margin Softmax (m=0.35)", .amSoftmax, .additiveCosine(m: 0.35)),
  ]

  /// The target-logit curves of ArcFace's Fig. 4(b) (Deng et al., CVPR 2019; Eq. 4 settings), drawn over
  /// θ ∈ [20°, 100°].
  public static let arcFaceFigure: [TargetCurve] = [
    curve("Softmax", .softmax, .identity),
    curve("SphereFace (m=1.35)", .combined, .combined(m1: 1.35, m2: 0, m3: 0)),
    curve("ArcFace (m=0.5)", .arcFace, .additiveAngular(m: 0.5, easyMargin: false)),
    curve("CosFace (m=0.35)", .cosFace, .additiveCosine(m: 0.35)),
    curve("CM1 (1, 0.3, 0.2)", .combined, .combined(m1: 1, m2: 0.3, m3: 0.2)),
    curve("CM2 (0.9, 0.4, 0.15)", .combined, .combined(m1: 0.9, m2: 0.4, m3: 0.15)),
  ]
}
