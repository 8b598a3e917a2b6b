import Foundation

/// Every hyper-parameter of the softmax family, in one Codable value that a run records next to its figures.
///
/// Fields a loss does not use are ignored by it (and by validation). Start from
/// `LossParameters.defaults(for:)`, which holds converging 2-D MNIST settings.
public struct LossParameters: Codable, Sendable, Equatable {
  /// The margin: an integer 1...4 for L-Softmax/A-Softmax (multiplicative), a cosine offset for
  /// CosFace/AM-Softmax, an angle in radians for ArcFace. Unused by the other losses.
  public var m: Double
  /// The logit scale s of the normalised losses (NormFace, CosFace, AM-Softmax, ArcFace, combined).
  public var s: Double
  /// The combined margin cos(m1·θ + m2) − m3.
  public var m1: Double
  public var m2: Double
  public var m3: Double
  /// The λ annealing of L-Softmax/A-Softmax.
  public var lambda: LambdaSchedule
  /// An optional linear ramp of the additive margins (CosFace, AM-Softmax, ArcFace, combined m2 and m3).
  public var marginRamp: MarginRamp?
  /// ArcFace: apply the angular margin only where cos θ > 0 (insightface `easy_margin`).
  public var easyMargin: Bool
  /// L2-softmax: the feature norm α, and whether α is learned.
  public var alpha: Double
  public var learnsAlpha: Bool
  /// Softmax, weighted softmax and L2-softmax: whether the head has a bias (the figures use none).
  public var usesBias: Bool
  /// Per-class loss weights (C values, non-negative); nil means all ones. See `ClassWeights`.
  public var classWeights: [Double]?

  public init(
    m: Double = 1, s: Double = 10, m1: Double = 1, m2: Double = 0, m3: Double = 0,
    lambda: LambdaSchedule = .disabled, marginRamp: MarginRamp? = nil, easyMargin: Bool = false,
    alpha: Double = 10, learnsAlpha: Bool = false, usesBias: Bool = false, classWeights: [Double]? = nil
  ) {
    self.m = m
    self.s = s
    self.m1 = m1
    self.m2 = m2
    self.m3 = m3
    self.lambda = lambda
    self.marginRamp = marginRamp
    self.easyMargin = easyMargin
    self.alpha = alpha
    self.learnsAlpha = learnsAlpha
    self.usesBias = usesBias
    self.classWeights = classWeights
  }

  /// Settings that train a 2-D feature layer on 10-class MNIST (papers.md §9, users.md A6):
  /// s = 10 for the normalised losses; CosFace/AM m = 0.15 (< 0.191, the 10-class 2-D bound);
  /// ArcFace m = 0.25 ramped in over 2000 iterations; L-Softmax m = 4 with the official MNIST λ
  /// schedule; A-Softmax m = 4 with the official SphereFace λ schedule; L2-softmax α = 10
  /// (above the p = 0.99 bound 6.68).
  public static func defaults(for kind: LossKind) -> LossParameters {
    switch kind {
    case .softmax, .weightedSoftmax, .modifiedSoftmax:
      return LossParameters()
    case .lSoftmax:
      return LossParameters(m: 4, lambda: .lSoftmaxMNIST)
    case .aSoftmax:
      return LossParameters(m: 4, lambda: .sphereFace)
    case .l2Softmax:
      return LossParameters(alpha: 10)
    case .normFace:
      return LossParameters(m: 0, s: 10)
    case .amSoftmax, .cosFace:
      return LossParameters(m: 0.15, s: 10)
    case .arcFace:
      return LossParameters(m: 0.25, s: 10, marginRamp: MarginRamp(iterations: 2000))
    case .combined:
      return LossParameters(s: 10, m1: 1, m2: 0.15, m3: 0.05, marginRamp: MarginRamp(iterations: 2000))
    }
  }
}

extension LossParameters {
  private enum CodingKeys: String, CodingKey {
    case m, s, m1, m2, m3, lambda, marginRamp, easyMargin, alpha, learnsAlpha, usesBias, classWeights
  }

  /// Decodes a run's configuration; absent keys take the memberwise defaults, so a hand-written
  /// JSON file needs only the parameters it changes.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let defaults = LossParameters()
    m = try container.decodeIfPresent(Double.self, forKey: .m) ?? defaults.m
    s = try container.decodeIfPresent(Double.self, forKey: .s) ?? defaults.s
    m1 = try container.decodeIfPresent(Double.self, forKey: .m1) ?? defaults.m1
    m2 = try container.decodeIfPresent(Double.self, forKey: .m2) ?? defaults.m2
    m3 = try container.decodeIfPresent(Double.self, forKey: .m3) ?? defaults.m3
    lambda = try container.decodeIfPresent(LambdaSchedule.self, forKey: .lambda) ?? defaults.lambda
    marginRamp = try container.decodeIfPresent(MarginRamp.self, forKey: .marginRamp)
    easyMargin = try container.decodeIfPresent(Bool.self, forKey: .easyMargin) ?? defaults.easyMargin
    alpha = try container.decodeIfPresent(Double.self, forKey: .alpha) ?? defaults.alpha
    learnsAlpha = try container.decodeIfPresent(Bool.self, forKey: .learnsAlpha) ?? defaults.learnsAlpha
    usesBias = try container.decodeIfPresent(Bool.self, forKey: .usesBias) ?? defaults.usesBias
    classWeights = try container.decodeIfPresent([Double].self, forKey: .classWeights)
  }
}
