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
/// (0 where the clamp is active, the exact derivative of the clamped function):
///
/// ```
/// ∂z/∂x_i = U [ (R'h − R h' c / a) x/a + R h' W/(a b) ]        R' = dR/da (1 for R = a, else 0)
/// ∂z/∂W_j = R [ (U'h − U h' c / b) W/b + U h' x/(a b) ]        U' = dU/db (1 for U = b, else 0)
/// ∂z/∂α   = U h
/// ```
/// For L-Softmax (U = b, R = a) these reduce to the paper's ψ'W + (b/a)(ψ − cψ')x (papers.md §1.3).
/// Everything runs in Double; N × C is tiny, and Double keeps the gradient checks meaningful.
final class HeadComputation {
  let kind: LossKind
  let classCount: Int
  let featureDimension: Int

  // Caches of the last training forward.
  private var x: [Double] = []
  private var w: [Double] = []
  private var labels: [Int] = []
  private var featureNorms: [Double] = []
  private var weightNorms: [Double] = []
  private var cosines: [Double] = []
  private var transformed: [Double] = []   // h_ij
  private var slopes: [Double] = []        // h'_ij (0 where clamped)
  private var scale = 1.0                  // α or s
  private var logitGradient: [Double] = [] // dL/dz
  private(set) var hasForward = false

  init(kind: LossKind, classCount: Int, featureDimension: Int) {
    self.kind = kind
    self.classCount = classCount
    self.featureDimension = featureDimension
  }

  private var isLinear: Bool { kind == .softmax || kind == .weightedSoftmax }

  /// Logits for `features` under `rule`; with `labels`, the targets get the margin and the caches are filled.
  /// - Returns: (margin logits, label-free logits), both N × C in Double.
  func logits(features: Tensor, weight: Tensor, bias: Tensor?, rule: MarginRule, labels: [Int]?) -> (margin: [Double], labelFree: [Double]) {
    let n = features.batchSize
    let c = classCount
    let d = featureDimension
    precondition(features.shape == [n, d], "\(kind.rawValue) head expects features [N, \(d)], got \(features.shape)")
    precondition(weight.shape == [c, d], "\(kind.rawValue) head expects W [\(c), \(d)], got \(weight.shape)")
    if let labels {
      precondition(labels.count == n, "\(n) features but \(labels.count) labels")
      precondition(labels.allSatisfy { (0..<c).contains($0) }, "labels must lie in 0..<\(c), got \(labels.filter { !(0..<c).contains($0) })")
    }
    let xs = features.scalars.map(Double.init)
    let ws = weight.scalars.map(Double.init)
    let bs = bias.map { $0.scalars.map(Double.init) } ?? [Double](repeating: 0, count: c)
    var a = [Double](repeating: 0, count: n)
    var b = [Double](repeating: 0, count: c)
    for i in 0..<n { a[i] = Norms.guarded(squaredNorm: (0..<d).reduce(0) { $0 + xs[i * d + $1] * xs[i * d + $1] }) }
    for j in 0..<c { b[j] = Norms.guarded(squaredNorm: (0..<d).reduce(0) { $0 + ws[j * d + $1] * ws[j * d + $1] }) }
    var margin = [Double](repeating: 0, count: n * c)
    var free = [Double](repeating: 0, count: n * c)
    var cos = [Double](repeating: 0, count: n * c)
    var h = [Double](repeating: 0, count: n * c)
    var slope = [Double](repeating: 0, count: n * c)
    for i in 0..<n {
      for j in 0..<c {
        var dot = 0.0
        for k in 0..<d { dot += xs[i * d + k] * ws[j * d + k] }
        let k = i * c + j
        if isLinear {
          free[k] = dot + bs[j]
          margin[k] = free[k]
          continue
        }
        let raw = dot / (a[i] * b[j])
        let cosine = TargetTransform.clampCosine(raw)
        let clamped = cosine != raw
        let isTarget = labels?[i] == j
        let u = kind.weightScaling == .norm ? b[j] : 1
        let r = kind.featureScaling == .norm ? a[i] : rule.scale
        cos[k] = cosine
        h[k] = isTarget ? rule.targetCosine(cosine) : cosine
        slope[k] = clamped ? 0 : (isTarget ? rule.targetCosineDerivative(cosine) : 1)
        free[k] = u * r * cosine + bs[j]
        margin[k] = u * r * h[k] + bs[j]
      }
    }
    if let labels {
      x = xs
      w = ws
      self.labels = labels
      featureNorms = a
      weightNorms = b
      cosines = cos
      transformed = h
      slopes = slope
      scale = rule.scale
      hasForward = true
    }
    return (margin, free)
  }

  /// Stores dL/dz for the cached batch.
  func setLogitGradient(_ gradient: [Double]) {
    logitGradient = gradient
  }

  /// Accumulates into the parameter gradients and returns dL/dx (N × D) for the cached batch.
  func backward(weight: Parameter, bias: Parameter?, alpha: Parameter?) -> Tensor {
    precondition(hasForward, "backward() needs a forward(features:labels:iteration:) first")
    let n = labels.count
    let c = classCount
    let d = featureDimension
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
        if isLinear {
          for k in 0..<d {
            dx[i * d + k] += g * w[j * d + k]
            dw[j * d + k] += g * x[i * d + k]
          }
          continue
        }
        let a = featureNorms[i]
        let b = weightNorms[j]
        let cosine = cosines[i * c + j]
        let h = transformed[i * c + j]
        let hp = slopes[i * c + j]
        let u = uPrime == 1 ? b : 1
        let r = rPrime == 1 ? a : scale
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
