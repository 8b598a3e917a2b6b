import Foundation

/// The logits of a bias-free head with 3-D class weights, for the scans of `SphereRegions` and
/// `SphereBoundaries` (about 10⁵ evaluations per sphere figure, 40 times that per animation).
///
/// Each logit goes through `MarginRule.logitTerms` with the dot product and guarded norms summed in the
/// order `MarginRule.logit` sums them, so the values equal `labelFreeLogits` / `marginLogits` bit for bit;
/// only the per-call arrays those allocate are gone (they were most of the scans' time).
struct SphereLogits {
  let rule: MarginRule
  let weights: [Vector3]
  let weightNorms: [Double]

  init(weights: [Vector3], rule: MarginRule) {
    self.rule = rule
    self.weights = weights
    weightNorms = weights.map { Norms.guarded(squaredNorm: Self.sum($0, $0)) }
  }

  /// `((0 + a.x b.x) + a.y b.y) + a.z b.z`, the order of `MarginRule.logit`'s reduce.
  @inline(__always)
  static func sum(_ a: Vector3, _ b: Vector3) -> Double {
    var s = 0.0
    s += a.x * b.x
    s += a.y * b.y
    s += a.z * b.z
    return s
  }

  @inline(__always)
  func logit(_ p: Vector3, featureNorm: Double, class j: Int, isTarget: Bool) -> Double {
    rule.logitTerms(
      dot: Self.sum(p, weights[j]), featureNorm: featureNorm, weightNorm: weightNorms[j], bias: 0, isTarget: isTarget
    ).value
  }

  /// `z_y − max_{j≠y} z_j` of the label-free logits, or of the margin logits with `y` the target.
  func gap(_ p: Vector3, target y: Int, margin: Bool) -> Double {
    let a = Norms.guarded(squaredNorm: Self.sum(p, p))
    var best = -Double.infinity
    for j in weights.indices where j != y { best = max(best, logit(p, featureNorm: a, class: j, isTarget: false)) }
    return logit(p, featureNorm: a, class: y, isTarget: margin) - best
  }

  /// `min(z_i, z_j) − max_{k∉{i,j}} z_k` of the label-free logits: positive where i and j lead.
  func lead(_ p: Vector3, _ i: Int, _ j: Int) -> Double {
    let a = Norms.guarded(squaredNorm: Self.sum(p, p))
    var others = -Double.infinity
    for k in weights.indices where k != i && k != j {
      others = max(others, logit(p, featureNorm: a, class: k, isTarget: false))
    }
    return min(logit(p, featureNorm: a, class: i, isTarget: false), logit(p, featureNorm: a, class: j, isTarget: false))
      - others
  }
}
