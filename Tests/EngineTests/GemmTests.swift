import Engine
import Testing

@Suite struct GemmTests {
  @Test(arguments: [Transpose.noTranspose, .transpose], [Transpose.noTranspose, .transpose])
  func gemmMatchesTripleLoop(transA: Transpose, transB: Transpose) {
    let (m, n, k) = (3, 4, 5)
    let a = uniformTensor([m * k], seed: 1)
    let b = uniformTensor([k * n], seed: 2)
    let c0 = uniformTensor([m * n], seed: 3)
    let (alpha, beta): (Float, Float) = (0.75, -0.5)
    // Stored shapes: A is M x K (or K x M when transposed), B is K x N (or N x K).
    func elementA(_ i: Int, _ p: Int) -> Float { transA == .noTranspose ? a[i * k + p] : a[p * m + i] }
    func elementB(_ p: Int, _ j: Int) -> Float { transB == .noTranspose ? b[p * n + j] : b[j * k + p] }
    var c = c0
    a.withUnsafePointer { pa in
      b.withUnsafePointer { pb in
        c.withUnsafeMutablePointer { pc in
          gemm(transA, transB, m: m, n: n, k: k, alpha: alpha, a: pa, b: pb, beta: beta, c: pc)
        }
      }
    }
    for i in 0..<m {
      for j in 0..<n {
        var expected = Double(beta) * Double(c0[i * n + j])
        for p in 0..<k { expected += Double(alpha) * Double(elementA(i, p)) * Double(elementB(p, j)) }
        // Float accumulation of 5 products of magnitude ≤ 1: error far below 1e-5.
        #expect(abs(Double(c[i * n + j]) - expected) < 1e-5, "C[\(i)][\(j)]")
      }
    }
  }
}
