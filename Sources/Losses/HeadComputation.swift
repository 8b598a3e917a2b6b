import Engine
import MarginMath

/// The forward and exact backward pass shared by every head: logits of the form
///
/// ```
/// z_ij = U_j · R_i · h_ij(c_ij) + b_j
/// a_i = ‖x_i‖_ε,  b_j = ‖W_j‖_ε,  c_ij = clamp(W_jᵀx_i / (a_i b_j))        // see Norms, TargetTransform
/// U_j = b_j or 1,  R_i = a_i, α or s                                       // LossKind.weightScaling / featureScaling
/// h_ij = c_ij (label-free, non-target),  h_iy = (ψ(c) + λc)/(1 + λ) (target)
/// ```
/// and plain `z_ij = W_jᵀx_i + b_j` for softmax. The chain rule through the norms, with h' = dh/dc
/// (0 where the clamp is active, the exact derivative of the clamped function; the band is 1e-12 wide):
///
/// ```
/// ∂z/∂x_i = U [ (R'h − R h' c / a) x/a + R h' W/(a b) ]        R' = dR/da (1 for R = a, else 0)
/// ∂z/∂W_j = R [ (U'h − U h' c / b) W/b + U h' x/(a b) ]        U' = dU/db (1 for U = b, else 0)
/// ∂z/∂α   = U h
/// ```
/// For L-Softmax (U = b, R = a) these reduce to ψ'W + (b/a)(ψ − cψ')x, the gradient its Caffe layer computes
/// (Liu et al., ICML 2016; docs/references/papers.md#l-softmax).
/// Everything runs in Double; N × C is tiny, and Double keeps the gradient checks meaningful.
/// The logit itself (z, c, h, h', U, R) comes from `MarginRule.logitTerms`, the one formula the
/// renderer's sectors use too; this type adds only the caches and the chain rule.
final class HeadComputation {
  let kind: LossKind
  let classCount: Int
  let featureDimension: Int

  /// Everything one batch's logits are made of, and what `backward` needs from them.
  struct Batch {
    var x: [Double]
    var w: [Double]
    var labels: [Int]?
    var featureNorms: [Double]
    var weightNorms: [Double]
    /// Per (i, j), row-major N × C: the logit and the pieces of its derivative.
    var terms: [LogitTerms]
    var scale: Double

    var marginLogits: [Double] { terms.map(\.value) }
    var labelFreeLogits: [Double] { terms.map(\.labelFree) }
  }

  // The last training forward, and dL/dz for it.
  private var cache: Batch?
  private var logitGradient: [Double] = []
  var hasForward: Bool { cache != nil }

  init(kind: LossKind, classCount: Int, featureDimension: Int) {
    self.kind = kind
    self.classCount = classCount
    self.featureDimension = featureDimension
  }

  /// The logits of `features` under `rule` (the margin on each row's target when `labels` are given).
  /// Pure: evaluation calls it without touching the training caches.
  func batch(features: Tensor, weight: Tensor, bias: Tensor?, rule: MarginRule, labels: [Int]?) -> Batch {
    let n = features.batchSize
    let c = classCount
    let d = featureDimension
    precondition(features.shape == [n, d], "\(kind.rawValue) head expects features [N, \(d)], got \(features.shape)")
    precondition(weight.shape == [c, d], "\(kind.rawValue) head expects W [\(c), \(d)], got \(weight.shape)")
    if let labels {
      precondition(labels.count == n, "\(n) features but \(labels.count) labels")
      precondition(
        labels.allSatisfy { (0..<c).contains($0) },
        "labels must lie in 0..<\(c), got \(labels.filter { !(0..<c).contains($0) })")
    }
    let xs = features.scalars.map(Double.init)
    let ws = weight.scalars.map(Double.init)
    let bs = bias.map { $0.scalars.map(Double.init) } ?? [Double](repeating: 0, count: c)
    let a = (0..<n).map { i in Norms.guarded(squaredNorm: (0..<d).reduce(0) { $0 + xs[i * d + $1] * xs[i * d + $1] }) }
    let b = (0..<c).map { j in Norms.guarded(squaredNorm: (0..<d).reduce(0) { $0 + ws[j * d + $1] * ws[j * d + $1] }) }
    var terms: [LogitTerms] = []
    terms.reserveCapacity(n * c)
    for i in 0..<n {
      for j in 0..<c {
        var dot = 0.0
        for k in 0..<d { dot += xs[i * d + k] * ws[j * d + k] }
        terms.append(
          rule.logitTerms(dot: dot, featureNorm: a[i], weightNorm: b[j], bias: bs[j], isTarget: labels?[i] == j))
      }
    }
    return Batch(x: xs, w: ws, labels: labels, featureNorms: a, weightNorms: b, terms: terms, scale: rule.scale)
  }

  /// The logits of a training batch, kept for `backward`.
  func forward(features: Tensor, weight: Tensor, bias: Tensor?, rule: MarginRule, labels: [Int]) -> Batch {
    let result = batch(features: features, weight: weight, bias: bias, rule: rule, labels: labels)
    cache = result
    return result
  }

  /// Stores dL/dz for the cached batch.
  func setLogitGradient(_ gradient: [Double]) {
    logitGradient = gradient
  }

  /// Accumulates into the parameter gradients and returns dL/dx (N × D) for the cached batch.
  func backward(weight: Parameter, bias: Parameter?, alpha: Parameter?) -> Tensor {
    guard let cache, let labels = cache.labels else {
      preconditionFailure("backward() needs a forward(features:labels:iteration:) first")
    }
    let n = labels.count
    let c = classCount
    let d = featureDimension
    let x = cache.x
    let w = cache.w
    var dx = [Double](repeating: 0, count: n * d)
    var dw = [Double](repeating: 0, count: c * d)
    var db = [Double](repeating: 0, count: c)
    var dAlpha = 0.0
    let rPrime: Double = kind.featureScaling == .norm ? 1 : 0
    let uPrime: Double = kind.weightScaling == .norm ? 1 : 0
    for i in 0..<n {
      for j in 0..<c {
        let g = logitGradient[i * c + j]
        if g == 0 { continue }
        db[j] += g
        if kind.usesLinearLogits {
          for k in 0..<d {
            dx[i * d + k] += g * w[j * d + k]
            dw[j * d + k] += g * x[i * d + k]
          }
          continue
        }
        let a = cache.featureNorms[i]
        let b = cache.weightNorms[j]
        let term = cache.terms[i * c + j]
        let cosine = term.cosine
        let h = term.transformed
        let hp = term.slope
        let u = term.weightFactor
        let r = term.featureFactor
        // ∂z/∂x = U[(R'h − R h' c/a) x/a + R h' W/(ab)]
        let xCoefficient = g * u * (rPrime * h - r * hp * cosine / a) / a
        let wCoefficientForX = g * u * r * hp / (a * b)
        // ∂z/∂W = R[(U'h − U h' c/b) W/b + U h' x/(ab)]
        let wCoefficient = g * r * (uPrime * h - u * hp * cosine / b) / b
        let xCoefficientForW = g * r * u * hp / (a * b)
        for k in 0..<d {
          dx[i * d + k] += xCoefficient * x[i * d + k] + wCoefficientForX * w[j * d + k]
          dw[j * d + k] += wCoefficient * w[j * d + k] + xCoefficientForW * x[i * d + k]
        }
        if kind.featureScaling == .alpha { dAlpha += g * u * h }
      }
    }
    for k in 0..<(c * d) { weight.gradient.scalars[k] += Float(dw[k]) }
    if let bias { for j in 0..<c { bias.gradient.scalars[j] += Float(db[j]) } }
    if let alpha { alpha.gradient.scalars[0] += Float(dAlpha) }
    return Tensor(shape: [n, d], scalars: dx.map(Float.init))
  }
}
