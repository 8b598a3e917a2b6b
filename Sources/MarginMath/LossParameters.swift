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
  /// What the class-weighted loss is divided by (irrelevant without `classWeights`).
  public var normalization: WeightNormalization

  public init(
    m: Double = 1, s: Double = 10, m1: Double = 1, m2: Double = 0, m3: Double = 0,
    lambda: LambdaSchedule = .disabled, marginRamp: MarginRamp? = nil, easyMargin: Bool = false,
    alpha: Double = 10, learnsAlpha: Bool = false, usesBias: Bool = false, classWeights: [Double]? = nil,
    normalization: WeightNormalization = .weightSum
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
    self.normalization = normalization
  }

  /// Settings that train a 2-D feature layer on 10-class MNIST (face settings do not; see
  /// docs/experiments.md#defaults-that-avoid-what-users-trip-over):
  /// s = 10 for the normalised losses; CosFace/AM m = 0.15 (< 0.191, the 10-class 2-D bound);
  /// ArcFace m = 0.25 ramped in over 2000 iterations; L-Softmax m = 4 with the official MNIST λ
  /// schedule; A-Softmax m = 4 with the official SphereFace λ schedule; L2-softmax α = 10
  /// (above the p = 0.99 bound 6.67).
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
  /// The encoded field names; `LossParametersDecoding.swift` reads the same names (and the
  /// experiment files' spellings of λ presets and the ramp).
  enum CodingKeys: String, CodingKey, CaseIterable {
    case m, s, m1, m2, m3, lambda, marginRamp, easyMargin, alpha, learnsAlpha, usesBias, classWeights
    case normalization = "normalize"
  }
}

/// The denominator of the class-weighted cross-entropy Σ_i w_{y_i} ℓ_i (class balancing as in HED, Xie & Tu,
/// ICCV 2015).
///
/// Both agree for all-ones weights (Σ w = N) and differ by the constant factor N / Σ w otherwise,
/// which acts like a learning-rate change that depends on each batch's class mix.
public enum WeightNormalization: String, Codable, CaseIterable, Sendable {
  /// Σ_i w_{y_i}: PyTorch's weighted mean (`CrossEntropyLoss(weight=…)`, reduction "mean"). The default.
  case weightSum = "weight-sum"
  /// max(1, N): the batch size, as the HED code divides its class-balanced loss.
  case batch
}
