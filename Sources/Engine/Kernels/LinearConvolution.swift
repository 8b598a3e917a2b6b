import CDNNL

/// One worker's evaluation forward of a `Linear` layer as oneDNN's 1×1 convolution: the rows are
/// the convolution's positions (N = 1, C = in, H = rows, W = 1 in NHWC, which is the row-major
/// `[rows, in]` matrix as it is stored), the weights sit in the kernel's blocked layout, and the
/// kernel adds the bias.
///
/// Why: with 8-lane vectors both `dnnl_sgemm` and this kernel run the mlp's products near the FMA
/// units' peak, but `dnnl_sgemm` repacks the weights on every call, while here they are reordered
/// once per change of the weights (`Parameter.version`) and the kernel streams them pre-blocked.
/// It measured a few percent faster on the mlp's 256-wide layers and no faster on narrower
/// ones (docs/benchmarks.md, By ISA), so it is used only where `applies` says.
///
/// Each output is one multiply-add chain over the input features in order, whatever the number
/// of rows, so a row's bits do not depend on the batch or its split (`LinearConvolutionTests`).
/// Training keeps `gemm`: its weights change every step, and its backward pass is `gemm` too.
final class LinearConvolution {
  /// The output features from which the convolution kernel runs the layer.
  static let minimumOutFeatures = 256

  /// Whether evaluation runs a layer with `outFeatures` outputs as this kernel: below AVX-512,
  /// with FMA (oneDNN's `avx2` kernels), and 256 or more output features in whole 8-channel
  /// blocks (any number of inputs). AVX-512 keeps `gemm`, with which the shipped results were computed.
  static func applies(outFeatures: Int) -> Bool {
    fmaEightLaneKernels && outFeatures >= minimumOutFeatures && outFeatures % 8 == 0
  }

  /// Whether oneDNN's kernels in this process are its AVX2 ones (8 lanes with FMA).
  private static let fmaEightLaneKernels: Bool = {
    let isa = dnnl_get_effective_cpu_isa()
    return isa == dnnl_cpu_isa_avx2 || isa == dnnl_cpu_isa_avx2_vnni
  }()

  private let primitive: Primitive
  private let source: Layout
  private let destination: Layout
  private let biasLayout: Layout?
  private let weights: LayoutBridge
  /// The weights' `Parameter.version` that `weights` holds in the kernel layout.
  private var preparedVersion: UInt64?

  /// The kernel for `rows` rows, or nil when oneDNN would not run it with a JIT 1×1 kernel.
  init?(rows: Int, inFeatures: Int, outFeatures: Int, hasBias: Bool) {
    precondition(rows > 0, "LinearConvolution needs at least one row")
    var source = Kernels.layout(1, inFeatures, rows, 1, tag: dnnl_acdb)
    var destination = Kernels.layout(1, outFeatures, rows, 1, tag: dnnl_acdb)
    var kernelWeights = Kernels.layout(outFeatures, inFeatures, 1, 1, tag: dnnl_format_tag_any)
    var bias = Kernels.vectorLayout(outFeatures)
    var operation = dnnl_convolution_desc_t()
    Kernels.check(
      hasBias
        ? cdnnl_convolution_forward(
          &operation, dnnl_forward_inference, &source, &kernelWeights, &bias, &destination, 1, 0, 0, 0)
        : cdnnl_convolution_forward(
          &operation, dnnl_forward_inference, &source, &kernelWeights, nil, &destination, 1, 0, 0, 0),
      "describe a \(inFeatures) → \(outFeatures) layer as a 1×1 convolution")
    let primitive = withUnsafePointer(to: &operation) { Primitive(operation: $0, what: "a 1×1 convolution") }
    guard primitive.implementation.hasPrefix("jit_1x1") else { return nil }
    self.primitive = primitive
    self.source = source
    self.destination = destination
    biasLayout = hasBias ? bias : nil
    weights = LayoutBridge(
      plain: Kernels.layout(outFeatures, inFeatures, 1, 1), kernel: primitive.layout(dnnl_query_weights_md))
  }

  /// `z = x · Wᵀ + b` for this kernel's rows (`x`, `z` point to its first row); `version` is the
  /// weights' `Parameter.version`, which says when `w` must be reordered again.
  func forward(
    x: UnsafePointer<Float>, weights w: UnsafePointer<Float>, version: UInt64, bias b: UnsafePointer<Float>?,
    z: UnsafeMutablePointer<Float>
  ) {
    let kernelWeights: UnsafeMutableRawPointer
    if weights.reorders && preparedVersion == version {
      // The bridge's buffer, which already holds these weights in the kernel layout.
      kernelWeights = weights.output(UnsafeMutableRawPointer(mutating: w))
    } else {
      kernelWeights = weights.input(w)
      preparedVersion = version
    }
    var arguments = [
      (cdnnl_arg_src, source, UnsafeMutableRawPointer(mutating: x)),
      (cdnnl_arg_weights, weights.kernel, kernelWeights),
      (cdnnl_arg_dst, destination, UnsafeMutableRawPointer(z)),
    ]
    if let biasLayout {
      guard let b else { preconditionFailure("LinearConvolution: a layer with a bias needs its bias") }
      arguments.append((cdnnl_arg_bias, biasLayout, UnsafeMutableRawPointer(mutating: b)))
    }
    primitive.execute(arguments)
  }
}
