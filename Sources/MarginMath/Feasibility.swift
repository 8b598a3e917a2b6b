import Foundation

/// Bounds on margins and scales beyond which a loss cannot (or can hardly) be satisfied.
///
/// Sources: CosFace (Wang et al., CVPR 2018) Eqs. 6–7, the α bound of L2-softmax (Ranjan et al., arXiv
/// 2017), the 2-D geometry of C evenly spread classes and SphereFace's m_min (Liu et al., CVPR 2017);
/// see docs/references/papers.md.
public enum Feasibility {
  /// The largest CosFace/AM-Softmax margin m for C classes with K-dimensional features (CosFace Eq. 7).
  ///
  /// K = 2: `1 − cos(2π/C)` (0.191 for C = 10), a hard bound. C ≤ K + 1: `C/(C − 1)`, also hard.
  /// C > K + 1 the paper only says `m ≪ C/(C − 1)`; `isHard` is false then.
  public static func cosFaceMaximumMargin(classCount c: Int, featureDimension k: Int) -> (bound: Double, isHard: Bool) {
    let classes = Double(max(c, 2))
    if k == 2 { return (1 - cos(2 * Double.pi / classes), true) }
    return (classes / (classes - 1), c <= k + 1)
  }

  /// The ArcFace margin bound for C evenly spread classes in 2-D: m < 2π/C (the angle between neighbours).
  ///
  /// At m = 2π/C a feature would have to be closer to its own weight than 0, so no class is reachable.
  public static func arcFaceMaximumMargin2D(classCount c: Int) -> Double {
    2 * Double.pi / Double(max(c, 2))
  }

  /// L2-softmax's lower bound on α for C classes and a desired target probability p:
  /// `log(p (C − 2) / (1 − p))` (Ranjan et al. 2017; C = 10, p = 0.9 → 4.28). Meaningful for C > 2.
  public static func l2SoftmaxAlphaLowerBound(classCount c: Int, probability p: Double) -> Double {
    log(p * Double(c - 2) / (1 - p))
  }

  /// CosFace's (and NormFace's) lower bound on the scale s for C classes and a desired
  /// minimum posterior P: `(C − 1)/C · log((C − 1) P / (1 − P))` (CosFace Eq. 6; C = 10, P = 0.9 → 3.96).
  public static func scaleLowerBound(classCount c: Int, probability p: Double) -> Double {
    let classes = Double(c)
    return (classes - 1) / classes * log((classes - 1) * p / (1 - p))
  }

  /// SphereFace's smallest multiplicative margin for an angular margin to exist:
  /// 2 + √3 ≈ 3.73 for binary and 3 for multi-class problems (SphereFace, CVPR 2017; advisory).
  public static func sphereFaceMinimumMargin(classCount c: Int) -> Double {
    c == 2 ? 2 + 3.0.squareRoot() : 3
  }

  /// The probability used for advisory scale bounds (for C = 10: α ≥ 4.28 for L2-softmax, s ≥ 3.96 for CosFace).
  public static let advisoryProbability = 0.9
}
