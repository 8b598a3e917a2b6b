import CBLAS

/// Whether a `gemm` operand is used as stored or transposed.
public enum Transpose: Sendable {
  case noTranspose
  case transpose

  var cblas: CBLAS_TRANSPOSE { self == .noTranspose ? CblasNoTrans : CblasTrans }
}

/// The one matrix-multiply entry point of the engine, shaped like Caffe's `caffe_cpu_gemm`:
///
/// ```
/// C[M x N] = alpha * op(A)[M x K] * op(B)[K x N] + beta * C
/// ```
///
/// All matrices are row-major and densely packed, so the leading dimensions follow from
/// the transpose flags (`lda = K` unless A is transposed, then `M`; `ldb = N` unless B is
/// transposed, then `K`; `ldc = N`). Keeping that derivation in one place is what lets
/// every layer call it with just the logical sizes.
public func gemm(
  _ transA: Transpose, _ transB: Transpose,
  m: Int, n: Int, k: Int,
  alpha: Float, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
  beta: Float, c: UnsafeMutablePointer<Float>
) {
  precondition(m >= 0 && n >= 0 && k >= 0, "gemm sizes must be non-negative, got M=\(m) N=\(n) K=\(k)")
  if m == 0 || n == 0 { return }
  let lda = transA == .noTranspose ? k : m
  let ldb = transB == .noTranspose ? n : k
  cblas_sgemm(
    CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k),
    alpha, a, Int32(max(lda, 1)), b, Int32(max(ldb, 1)), beta, c, Int32(max(n, 1)))
}

/// Process-wide OpenBLAS settings.
public enum BLAS {
  /// Sets how many threads OpenBLAS may use inside one `gemm` call.
  ///
  /// OpenBLAS splits a gemm into output blocks with a fixed K order per element, so a fixed
  /// thread count gives the same bits run to run; a different count may round differently.
  public static func setThreadCount(_ count: Int) {
    precondition(count >= 1, "BLAS thread count must be at least 1, got \(count)")
    openblas_set_num_threads(Int32(count))
  }

  /// The thread count OpenBLAS currently uses.
  public static var threadCount: Int { Int(openblas_get_num_threads()) }

  /// The CPU kernel family OpenBLAS picked at load time (for example `Haswell`, `SkylakeX`).
  ///
  /// Override with the `OPENBLAS_CORETYPE` environment variable before the process starts;
  /// OpenBLAS 0.3.21 does not recognise AMD Zen 5 and falls back to its AVX2 `Haswell` kernels.
  public static var coreName: String {
    guard let name = openblas_get_corename() else { return "unknown" }
    return String(cString: name)
  }
}
