/// The softmax-family losses, spelled the way users type them (`--loss arcface`).
///
/// The raw values double as artifact names, so they must never change.
public enum LossKind: String, CaseIterable, Codable, Sendable {
  case softmax
  case weightedSoftmax = "weighted-softmax"
  case lSoftmax = "l-softmax"
  case modifiedSoftmax = "modified-softmax"
  case aSoftmax = "a-softmax"
  case l2Softmax = "l2-softmax"
  case normFace = "normface"
  case amSoftmax = "am-softmax"
  case cosFace = "cosface"
  case arcFace = "arcface"
  case combined

  /// How `‖W_j‖` enters the logit `U(‖W_j‖) · R(‖x‖) · h(cos θ_j) + b_j`.
  public var weightScaling: WeightScaling {
    switch self {
    case .softmax, .weightedSoftmax, .lSoftmax, .l2Softmax: .norm
    case .modifiedSoftmax, .aSoftmax, .normFace, .amSoftmax, .cosFace, .arcFace, .combined: .unit
    }
  }

  /// How the feature enters the logit `U(‖W_j‖) · R(‖x‖) · h(cos θ_j) + b_j`.
  public var featureScaling: FeatureScaling {
    switch self {
    case .softmax, .weightedSoftmax, .lSoftmax, .modifiedSoftmax, .aSoftmax: .norm
    case .l2Softmax: .alpha
    case .normFace, .amSoftmax, .cosFace, .arcFace, .combined: .scale
    }
  }

  /// Whether the logit is the plain `W_jᵀx + b_j` (no cosine, no clamp, no margin).
  public var usesLinearLogits: Bool { self == .softmax || self == .weightedSoftmax }

  /// Whether the loss may carry a bias `b_j` (the others fix b = 0, as their papers require).
  public var supportsBias: Bool {
    self == .softmax || self == .weightedSoftmax || self == .l2Softmax
  }

  /// Whether the loss uses the multiplicative angular margin ψ of L-Softmax/SphereFace and its λ annealing.
  public var usesLambda: Bool { self == .lSoftmax || self == .aSoftmax }

  /// Whether the loss has an additive margin that a linear ramp may grow from 0.
  public var supportsMarginRamp: Bool {
    self == .amSoftmax || self == .cosFace || self == .arcFace || self == .combined
  }

  /// The paper that introduced the loss (see `Sources/Losses/README.md`).
  public var paper: String {
    switch self {
    case .softmax: "cross-entropy over W x + b"
    case .weightedSoftmax: "Xie & Tu, Holistically-Nested Edge Detection, ICCV 2015 (class balancing)"
    case .lSoftmax: "Liu et al., Large-Margin Softmax Loss, ICML 2016"
    case .modifiedSoftmax: "Liu et al., SphereFace, CVPR 2017 (modified softmax)"
    case .aSoftmax: "Liu et al., SphereFace, CVPR 2017"
    case .l2Softmax: "Ranjan et al., L2-constrained Softmax Loss, arXiv 1703.09507"
    case .normFace: "Wang et al., NormFace, ACM MM 2017"
    case .amSoftmax: "Wang et al., Additive Margin Softmax, arXiv 1801.05599"
    case .cosFace: "Wang et al., CosFace, CVPR 2018"
    case .arcFace: "Deng et al., ArcFace, CVPR 2019"
    case .combined: "Deng et al., ArcFace, CVPR 2019 (combined margin, Eq. 4)"
    }
  }
}

/// The factor `U(‖W_j‖)` of a logit.
public enum WeightScaling: Sendable, Equatable {
  /// `U = ‖W_j‖`: the raw class weight (softmax, L-Softmax, L2-softmax).
  case norm
  /// `U = 1`: the class weight is normalised (W-norm losses).
  case unit
}

/// The factor `R` of a logit.
public enum FeatureScaling: Sendable, Equatable {
  /// `R = ‖x‖`: the raw feature norm.
  case norm
  /// `R = α`: the feature is rescaled to norm α (L2-softmax).
  case alpha
  /// `R = s`: the feature is normalised and the logit scaled by s.
  case scale
}
