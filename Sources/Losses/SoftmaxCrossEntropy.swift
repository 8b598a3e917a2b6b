import Foundation
import MarginMath

/// Softmax cross-entropy over Double logits, with optional per-class weights (Caffe and PyTorch semantics).
///
/// ```
/// ℓ_i = log Σ_j exp(z_ij) − z_iy          (max-subtracted, so it never overflows)
/// L   = Σ_i w_{y_i} ℓ_i / Σ_i w_{y_i}       (weighted, `.weightSum`: PyTorch's weighted-mean CE, the default)
/// L   = Σ_i w_{y_i} ℓ_i / max(1, N)         (weighted, `.batch`: as HED's code, Xie & Tu, ICCV 2015)
/// L   = Σ_i ℓ_i / max(1, N)                 (unweighted; Caffe's normaliser, no 0/0 on empty batches)
/// ∂L/∂z_ij = w_{y_i} (p_ij − [j = y_i]) / normaliser
/// ```
/// All-ones weights give Σ w = N, the unweighted loss exactly. Labels never receive a gradient.
struct SoftmaxCrossEntropy {
  /// The loss and dL/dlogits for `logits` (N × C, row-major) and `labels`.
  static func evaluate(
    logits: [Double], labels: [Int], classCount c: Int, classWeights: [Double]?,
    normalization: WeightNormalization = .weightSum
  ) -> (loss: Double, gradient: [Double]) {
    let n = labels.count
    precondition(logits.count == n * c, "logits hold \(logits.count) values, expected \(n) × \(c)")
    var gradient = [Double](repeating: 0, count: n * c)
    var total = 0.0
    var weightSum = 0.0
    for i in 0..<n {
      let y = labels[i]
      let w = classWeights?[y] ?? 1
      weightSum += w
      var largest = -Double.infinity
      for j in 0..<c { largest = max(largest, logits[i * c + j]) }
      var sum = 0.0
      for j in 0..<c { sum += exp(logits[i * c + j] - largest) }
      let logSum = largest + log(sum)
      total += w * (logSum - logits[i * c + y])
      for j in 0..<c {
        let p = exp(logits[i * c + j] - logSum)
        gradient[i * c + j] = w * (p - (j == y ? 1 : 0))
      }
    }
    // Unweighted or `.batch`: Caffe's max(1, N). `.weightSum`: guarded so an all-zero batch gives 0, not NaN.
    let normaliser =
      classWeights == nil || normalization == .batch
      ? Double(max(1, n)) : max(weightSum, Double.leastNormalMagnitude)
    for k in gradient.indices { gradient[k] /= normaliser }
    return (total / normaliser, gradient)
  }
}
