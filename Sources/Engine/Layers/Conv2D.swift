import CDNNL

/// A 2-D convolution over an NCHW batch on oneDNN's JIT convolution kernels (forward,
/// backward-data, backward-weights), with the bias fused into the forward and backward-weights
/// primitives:
///
/// ```
/// y[n][o][oy][ox] = b[o] + Σ_{c,ky,kx} W[o][c][ky][kx] · x[n][c][oy·s − p + ky][ox·s − p + kx]
/// ```
///
/// The batch is split into `workers` contiguous ranges; each worker runs its own
/// primitives (built once per shape and kept) on its range and writes its own weight-gradient
/// partial, and the partials are added in worker order. Tensors stay NCHW at the layer's edges;
/// inside, oneDNN picks the blocked layouts its kernels want and the layer reorders to them.
public final class Conv2D: Layer, WorkerSplitting {
  /// How many threads the batch (or channel) split uses; set through `Sequential.workers`.
  public var workers = 1
  public let inChannels: Int
  public let outChannels: Int
  public let kernel: Int
  public let stride: Int
  public let padding: Int
  public let weight: Parameter
  public let bias: Parameter?
  /// Whether `backward` computes dLoss/dInput; the first layer of a network skips it (Caffe's
  /// `propagate_down`) and returns zeros.
  public var propagatesInputGradient = true

  private var cachedInput: Tensor?
  /// Each worker's kernel-layout copy of the last training forward's input, made by its chunks
  /// for the backward-weights pass, with the batch size it holds.
  private var stagedSource: (batch: Int, buffers: [UnsafeMutableRawPointer])?
  /// Whether the chunks reorder into the backward-weights pass's buffers (`ConvolutionPlan.sourceSlots`);
  /// off, that pass reorders the whole range itself (tests compare the two).
  var stagesWeightGradientInputs = true
  /// Whether the last backward-weights pass read the chunks' copies of its input and of the
  /// output gradient (tests check that the copies are used).
  private(set) var lastWeightGradientReadCopies = (source: false, outputGradient: false)
  private var zeroInputGradient = ZeroTensorCache()
  private var plans: [ConvolutionPlan.Key: ConvolutionPlan] = [:]
  private var weightGradientScratch: [ScratchBuffer] = []
  private var biasGradientScratch: [ScratchBuffer] = []

  /// - Parameters:
  ///   - name: prefix of the parameter names (`name.weight`, `name.bias`).
  ///   - bias: whether the layer adds a learnable per-channel bias (initialised to zero).
  public init(
    name: String, inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
    bias: Bool = true, initializer: Initializer = .msra, generator: inout SeededGenerator
  ) {
    precondition(
      inChannels > 0 && outChannels > 0, "Conv2D channels must be positive, got \(inChannels) -> \(outChannels)")
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
    let fanIn = inChannels * kernel * kernel
    weight = Parameter(
      name: name + ".weight",
      value: initializer.makeTensor(
        shape: [outChannels, inChannels, kernel, kernel], fanIn: fanIn, fanOut: outChannels * kernel * kernel,
        using: &generator))
    self.bias =
      bias ? Parameter(name: name + ".bias", value: Tensor(zeros: [outChannels]), weightDecayMultiplier: 0) : nil
  }

  public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

  func geometry(for input: Tensor) -> ConvolutionGeometry {
    precondition(
      input.rank == 4 && input.shape[1] == inChannels,
      "Conv2D expects [N, \(inChannels), H, W], got \(input.shape)")
    return ConvolutionGeometry(
      channels: inChannels, height: input.shape[2], width: input.shape[3], kernel: kernel, stride: stride,
      padding: padding)
  }

  /// Images per oneDNN call. A call's activations then stay in the core's L2 cache instead of
  /// streaming a whole worker range (12.8 MB for LeNet++'s first layer at 128 images) through
  /// memory between the reorders and the kernel.
  static let chunkSize = 16

  /// Images per oneDNN call for this layer (`chunkSize`; tests vary it).
  var imagesPerCall = Conv2D.chunkSize

  /// Whether the forward and backward-data passes may run as `WinogradConvolution` where that fits
  /// (tests compare it with the direct kernels).
  var allowsWinograd = true {
    didSet { plans = [:] }
  }

  /// The kept plan for `batch` images of one worker (built on first use).
  func plan(worker: Int, batch: Int, geometry g: ConvolutionGeometry) -> ConvolutionPlan {
    let key = ConvolutionPlan.Key(worker: worker, batch: batch, height: g.height, width: g.width)
    if let plan = plans[key] { return plan }
    let plan = ConvolutionPlan(
      batch: batch, geometry: g, outChannels: outChannels, hasBias: bias != nil, allowsWinograd: allowsWinograd)
    plans[key] = plan
    return plan
  }

  /// One plan per worker for its whole image range: the backward-weights pass sums over the range
  /// in one call (so the weight gradient's summation order does not depend on the chunk size).
  private func rangePlans(batch n: Int, geometry g: ConvolutionGeometry) -> [ConvolutionPlan] {
    let workers = max(1, min(self.workers, n))
    return (0..<workers).map { worker in
      plan(worker: worker, batch: Threading.range(worker, of: workers, splitting: n).count, geometry: g)
    }
  }

  /// Each worker's image range cut into chunks, each with the plan of its size (one plan per worker
  /// and chunk size, so every worker reorders into buffers of its own).
  private func chunks(batch n: Int, geometry g: ConvolutionGeometry) -> [[ConvolutionChunk]] {
    let workers = max(1, min(self.workers, n))
    return (0..<workers).map { worker in
      let range = Threading.range(worker, of: workers, splitting: n)
      return Swift.stride(from: range.lowerBound, to: range.upperBound, by: imagesPerCall).map { start in
        let count = min(imagesPerCall, range.upperBound - start)
        return ConvolutionChunk(start: start, plan: plan(worker: worker, batch: count, geometry: g))
      }
    }
  }

  /// Whether the last forward ran as `WinogradConvolution` (5×5 layers below AVX-512).
  public private(set) var lastForwardRanWinograd = false

  /// Drops what the last training forward kept for `backward`, as an evaluation forward does
  /// (`BlockedEvaluation` evaluates the layer without calling `forward`).
  func forgetTrainingInput() {
    cachedInput = nil
    stagedSource = nil
  }

  /// Whether a training forward's input is kept for `backward`.
  var holdsTrainingInput: Bool { cachedInput != nil }

  public func forward(_ input: Tensor, mode: Mode) -> Tensor {
    let g = geometry(for: input)
    cachedInput = mode == .training ? input : nil
    stagedSource = nil
    let n = input.shape[0]
    let chunks = chunks(batch: n, geometry: g)
    lastForwardRanWinograd = chunks.first?.first?.plan.runsWinograd ?? false
    let inputItem = g.channels * g.inputPlane
    let outputItem = outChannels * g.outputPlane
    // In training each chunk reorders its input into the backward-weights pass's copy of the
    // worker's range, which that pass then reads as it is: one reorder of the input instead of two.
    var sourceSlots: [LayoutBridge.ImageSlots] = []
    if mode == .training && stagesWeightGradientInputs {
      let found = rangePlans(batch: n, geometry: g).enumerated().map { $1.sourceSlots(for: chunks[$0].map(\.plan)) }
      sourceSlots = found.allSatisfy { $0 != nil } ? found.compactMap { $0 } : []
    }
    defer { if !sourceSlots.isEmpty { stagedSource = (n, sourceSlots.map(\.buffer)) } }
    return Tensor(shape: [n, outChannels, g.outputHeight, g.outputWidth]) { output in
      guard let y = output.baseAddress else { return }
      input.withUnsafePointer { x in
        let version = weight.version
        weight.value.withUnsafePointer { w in
          withPointer(to: bias?.value) { b in
            // Workers write disjoint image ranges of `y` through their own plans.
            // The slots of `sourceSlots[worker]` are the worker's images, in disjoint buffers.
            parallelFor(chunks.count) { worker in
              let first = Threading.range(worker, of: chunks.count, splitting: n).lowerBound
              let slots = sourceSlots.isEmpty ? nil : sourceSlots[worker]
              var prepared: (plan: ConvolutionPlan, weights: UnsafeMutableRawPointer)?
              for chunk in chunks[worker] {
                if prepared?.plan !== chunk.plan {
                  prepared = (chunk.plan, chunk.plan.forwardWeights(w, version: version))
                }
                chunk.plan.forward(
                  x: x + chunk.start * inputItem, preparedWeights: prepared!.weights, bias: b,
                  y: y + chunk.start * outputItem, stagedSource: slots?.slot(chunk.start - first))
              }
            }
          }
        }
      }
    }
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    guard let input = cachedInput else {
      preconditionFailure("Conv2D.backward needs a training-mode forward first")
    }
    let g = geometry(for: input)
    let n = input.shape[0]
    precondition(
      outputGradient.shape == [n, outChannels, g.outputHeight, g.outputWidth],
      "Conv2D.backward expects gradient \([n, outChannels, g.outputHeight, g.outputWidth]), got \(outputGradient.shape)"
    )
    let chunks = chunks(batch: n, geometry: g)
    let rangePlans = rangePlans(batch: n, geometry: g)
    let workers = chunks.count
    let inputItem = g.channels * g.inputPlane
    let outputItem = outChannels * g.outputPlane
    let weightCount = weight.value.count
    while weightGradientScratch.count < workers {
      weightGradientScratch.append(ScratchBuffer())
      biasGradientScratch.append(ScratchBuffer())
    }
    let weightGradients = (0..<workers).map { weightGradientScratch[$0].reserve(weightCount) }
    let biasGradients = (0..<workers).map { biasGradientScratch[$0].reserve(outChannels) }
    let hasBias = bias != nil
    let stagedSource = self.stagedSource.flatMap { $0.batch == n && $0.buffers.count == workers ? $0.buffers : nil }
    // The chunks of the backward-data pass reorder the output gradient into the backward-weights
    // pass's copy of the range, as the forward's chunks did with the input.
    var outputGradientSlots: [LayoutBridge.ImageSlots] = []
    if propagatesInputGradient && stagesWeightGradientInputs {
      let found = rangePlans.enumerated().map { $1.outputGradientSlots(for: chunks[$0].map(\.plan)) }
      outputGradientSlots = found.allSatisfy { $0 != nil } ? found.compactMap { $0 } : []
    }
    lastWeightGradientReadCopies = (stagedSource != nil, !outputGradientSlots.isEmpty)
    let work: (UnsafeMutablePointer<Float>?) -> Void = { dx in
      input.withUnsafePointer { x in
        let version = self.weight.version
        self.weight.value.withUnsafePointer { w in
          outputGradient.withUnsafePointer { dy in
            // Workers read shared inputs, write disjoint image ranges of `dx` (chunk by chunk),
            // their own slots and their own weight-gradient partials (the whole range in one call).
            parallelFor(workers) { worker in
              let start = Threading.range(worker, of: workers, splitting: n).lowerBound
              var slots: LayoutBridge.ImageSlots?
              if let dx {
                slots = outputGradientSlots.isEmpty ? nil : outputGradientSlots[worker]
                var prepared: (plan: ConvolutionPlan, weights: UnsafeMutableRawPointer)?
                for chunk in chunks[worker] {
                  if prepared?.plan !== chunk.plan {
                    prepared = (chunk.plan, chunk.plan.backwardDataWeights(w, version: version))
                  }
                  chunk.plan.backwardData(
                    dy: dy + chunk.start * outputItem, preparedWeights: prepared!.weights,
                    dx: dx + chunk.start * inputItem, stagedOutputGradient: slots?.slot(chunk.start - start))
                }
              }
              rangePlans[worker].backwardWeights(
                x: x + start * inputItem, dy: dy + start * outputItem, dW: weightGradients[worker],
                dB: hasBias ? biasGradients[worker] : nil, stagedSource: stagedSource?[worker],
                stagedOutputGradient: slots?.buffer)
            }
          }
        }
      }
    }
    let inputGradient = zeroInputGradient.inputGradient(input.shape, propagates: propagatesInputGradient, work)
    accumulate(weightGradients, count: weightCount, into: weight, workers: workers)
    if let bias { accumulate(biasGradients, count: outChannels, into: bias) }
    return inputGradient
  }
}

/// A run of images one oneDNN call handles, and the plan of its size.
struct ConvolutionChunk {
  let start: Int
  let plan: ConvolutionPlan
}

/// Calls `body` with a pointer to `tensor`'s scalars, or nil when there is no tensor.
func withPointer<R>(to tensor: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
  guard let tensor else { return body(nil) }
  return tensor.withUnsafePointer { body($0) }
}

/// The oneDNN primitives of one convolution shape: forward built at once, the two backward
/// primitives on the first backward pass (inference never builds them).
final class ConvolutionPlan {
  struct Key: Hashable {
    var worker: Int
    var batch: Int
    var height: Int
    var width: Int
  }

  /// The layout tag the primitives are asked for: `any` lets oneDNN choose (blocked layouts
  /// for its AVX-512/AVX2 kernels).
  static let kernelLayout = dnnl_format_tag_any

  private let geometry: ConvolutionGeometry
  private let batch: Int
  private let outChannels: Int
  private let hasBias: Bool
  private let plainSource: Layout
  private let plainWeights: Layout
  private let plainDestination: Layout
  private let biasLayout: Layout
  private let forwardPrimitive: Primitive
  private let source: LayoutBridge
  private let weights: LayoutBridge
  private let destination: LayoutBridge
  /// The forward pass by Winograd's F(2×2, 5×5) instead of `forwardPrimitive`, where it fits the
  /// shape and the layouts oneDNN chose: 5×5 convolutions below AVX-512, whose direct kernels
  /// already run at the vector units' peak (docs/benchmarks.md, By ISA).
  private let winograd: WinogradConvolution?
  /// Whether the forward and backward-data passes may run as `WinogradConvolution`.
  let allowsWinograd: Bool
  private lazy var backward = BackwardPrimitives(plan: self)

  /// - Parameters:
  ///   - arrivingSource: the layout inputs come in (default NCHW); the kernel's own layout makes
  ///     the input side a no-op.
  ///   - keepsKernelDestination: whether outputs stay in the layout the kernel writes instead of
  ///     being reordered to NCHW (for the next layer of a `BlockedEvaluation`).
  ///   - allowsWinograd: whether the forward and backward-data passes may run as
  ///     `WinogradConvolution` where it fits.
  init(
    batch: Int, geometry g: ConvolutionGeometry, outChannels: Int, hasBias: Bool, arrivingSource: Layout? = nil,
    keepsKernelDestination: Bool = false, allowsWinograd: Bool = true
  ) {
    geometry = g
    self.hasBias = hasBias
    self.batch = batch
    self.outChannels = outChannels
    biasLayout = Kernels.vectorLayout(outChannels)
    (plainSource, plainWeights, plainDestination) = ConvolutionPlan.layouts(
      batch: batch, geometry: g, outChannels: outChannels, tag: dnnl_abcd)
    var (source, weights, destination) = ConvolutionPlan.layouts(
      batch: batch, geometry: g, outChannels: outChannels, tag: Self.kernelLayout)
    var bias = biasLayout
    var operation = dnnl_convolution_desc_t()
    let padRight = ConvolutionPlan.rightPadding(g)
    Kernels.check(
      hasBias
        ? cdnnl_convolution_forward(
          &operation, dnnl_forward_training, &source, &weights, &bias, &destination, Int64(g.stride),
          Int64(g.padding), padRight.0, padRight.1)
        : cdnnl_convolution_forward(
          &operation, dnnl_forward_training, &source, &weights, nil, &destination, Int64(g.stride),
          Int64(g.padding), padRight.0, padRight.1),
      "describe a convolution")
    forwardPrimitive = withUnsafePointer(to: &operation) { Primitive(operation: $0, what: "a convolution") }
    self.source = LayoutBridge(plain: arrivingSource ?? plainSource, kernel: forwardPrimitive.layout(dnnl_query_src_md))
    self.weights = LayoutBridge(plain: plainWeights, kernel: forwardPrimitive.layout(dnnl_query_weights_md))
    let kernelDestination = forwardPrimitive.layout(dnnl_query_dst_md)
    self.destination = LayoutBridge(
      plain: keepsKernelDestination ? kernelDestination : plainDestination, kernel: kernelDestination)
    self.allowsWinograd = allowsWinograd
    winograd =
      allowsWinograd
        && WinogradConvolution.fits(
          g, outChannels: outChannels, source: self.source.kernel, destination: kernelDestination, batch: batch)
      ? WinogradConvolution(
        batch: batch, inChannels: g.channels, outChannels: outChannels, height: g.height, width: g.width)
      : nil
  }

  /// Whether the forward pass runs as `WinogradConvolution`.
  var runsWinograd: Bool { winograd != nil }

  /// Whether the backward-data pass runs as `WinogradConvolution` (builds the backward primitives).
  var runsWinogradBackwardData: Bool { backward.dataWinograd != nil }

  /// Source, weights and destination layouts with format `tag`.
  static func layouts(
    batch: Int, geometry g: ConvolutionGeometry, outChannels: Int, tag: dnnl_format_tag_t
  ) -> (Layout, Layout, Layout) {
    (
      Kernels.layout(batch, g.channels, g.height, g.width, tag: tag),
      Kernels.layout(outChannels, g.channels, g.kernelHeight, g.kernelWidth, tag: tag),
      Kernels.layout(batch, outChannels, g.outputHeight, g.outputWidth, tag: tag)
    )
  }

  func layouts(tag: dnnl_format_tag_t) -> (Layout, Layout, Layout) {
    ConvolutionPlan.layouts(batch: batch, geometry: geometry, outChannels: outChannels, tag: tag)
  }

  /// The bottom and right padding oneDNN needs for the floor output size: (OH − 1)·s + k − H − p.
  static func rightPadding(_ g: ConvolutionGeometry) -> (Int64, Int64) {
    (
      Int64((g.outputHeight - 1) * g.stride + g.kernelHeight - g.height - g.padding),
      Int64((g.outputWidth - 1) * g.stride + g.kernelWidth - g.width - g.padding)
    )
  }

  /// The layout `forward` writes its output in.
  var outputLayout: Layout { destination.plain }

  /// The weights in the forward kernel's layout (reordered once per pass, then shared by its chunks).
  func forwardWeights(_ w: UnsafePointer<Float>, version: UInt64) -> UnsafeMutableRawPointer {
    winograd?.prepareWeights(w, version: version) ?? weights.input(w)
  }

  /// - Parameter stagedSource: where to reorder the input to instead of this plan's own buffer
  ///   (a slot of the backward-weights source of the worker's whole range, `sourceSlots(for:)`).
  func forward(
    x: UnsafePointer<Float>, preparedWeights w: UnsafeMutableRawPointer, bias b: UnsafePointer<Float>?,
    y: UnsafeMutablePointer<Float>, stagedSource: UnsafeMutableRawPointer? = nil
  ) {
    let source = stagedSource.map { self.source.input(x, into: $0) } ?? self.source.input(x)
    if let winograd {
      winograd.forward(source: source, transformedWeights: w, bias: b, destination: destination.output(y))
    } else {
      var arguments = [
        (cdnnl_arg_src, self.source.kernel, source),
        (cdnnl_arg_weights, weights.kernel, w),
        (cdnnl_arg_dst, destination.kernel, destination.output(y)),
      ]
      if let b { arguments.append((cdnnl_arg_bias, biasLayout, UnsafeMutableRawPointer(mutating: b))) }
      forwardPrimitive.execute(arguments)
    }
    destination.finish(y)
  }

  /// The backward-weights pass's input in its kernel layout, image by image, when the forward
  /// pass of every plan in `chunks` (the chunks of this plan's range) reorders its input to the
  /// same layout: the chunked forward can then reorder into these slots, and the weight gradient
  /// reads the copy it made instead of reordering the whole range again.
  func sourceSlots(for chunks: [ConvolutionPlan]) -> LayoutBridge.ImageSlots? {
    ConvolutionPlan.slots(in: backward.weightsSource, for: chunks.map(\.source))
  }

  /// `sourceSlots(for:)` for the output gradient, which the chunked backward-data pass reorders.
  func outputGradientSlots(for chunks: [ConvolutionPlan]) -> LayoutBridge.ImageSlots? {
    ConvolutionPlan.slots(in: backward.weightsOutputGradient, for: chunks.map { $0.backward.dataOutputGradient })
  }

  /// `target`'s slots if every one of `parts` lines up with them.
  private static func slots(in target: LayoutBridge, for parts: [LayoutBridge]) -> LayoutBridge.ImageSlots? {
    var found: LayoutBridge.ImageSlots?
    for part in parts {
      guard let slots = target.slots(for: part) else { return nil }
      found = slots
    }
    return found
  }

  /// Overwrites `dW` (and `dB`) with this range's weight (and bias) gradient.
  ///
  /// `stagedSource` / `stagedOutputGradient`: the buffers of `sourceSlots(for:)` /
  /// `outputGradientSlots(for:)` once the chunks have reordered all of `x` / `dy` into them; the
  /// kernel then reads those instead of reordering again.
  func backwardWeights(
    x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dW: UnsafeMutablePointer<Float>,
    dB: UnsafeMutablePointer<Float>?, stagedSource: UnsafeMutableRawPointer? = nil,
    stagedOutputGradient: UnsafeMutableRawPointer? = nil
  ) {
    let b = backward
    let source = stagedSource ?? b.weightsSource.input(x)
    let outputGradient = stagedOutputGradient ?? b.weightsOutputGradient.input(dy)
    var arguments = [
      (cdnnl_arg_src, b.weightsSource.kernel, source),
      (cdnnl_arg_diff_dst, b.weightsOutputGradient.kernel, outputGradient),
      (cdnnl_arg_diff_weights, b.weightGradient.kernel, b.weightGradient.output(dW)),
    ]
    if let dB { arguments.append((cdnnl_arg_diff_bias, biasLayout, UnsafeMutableRawPointer(dB))) }
    b.weightsPrimitive.execute(arguments)
    b.weightGradient.finish(dW)
  }

  /// Overwrites `dx` with this range's input gradient.
  /// The weights in the backward-data kernel's layout (reordered once per pass).
  func backwardDataWeights(_ w: UnsafePointer<Float>, version: UInt64) -> UnsafeMutableRawPointer {
    backward.dataWinograd?.prepareWeights(w, version: version) ?? backward.dataWeights.input(w)
  }

  /// - Parameter stagedOutputGradient: where to reorder `dy` to instead of this plan's own buffer
  ///   (a slot of `outputGradientSlots(for:)` of the worker's whole range).
  func backwardData(
    dy: UnsafePointer<Float>, preparedWeights w: UnsafeMutableRawPointer, dx: UnsafeMutablePointer<Float>,
    stagedOutputGradient: UnsafeMutableRawPointer? = nil
  ) {
    let b = backward
    let outputGradient =
      stagedOutputGradient.map { b.dataOutputGradient.input(dy, into: $0) } ?? b.dataOutputGradient.input(dy)
    if let winograd = b.dataWinograd {
      winograd.forward(
        source: outputGradient, transformedWeights: w, bias: nil, destination: b.inputGradient.output(dx))
    } else {
      b.dataPrimitive.execute([
        (cdnnl_arg_diff_dst, b.dataOutputGradient.kernel, outputGradient),
        (cdnnl_arg_weights, b.dataWeights.kernel, w),
        (cdnnl_arg_diff_src, b.inputGradient.kernel, b.inputGradient.output(dx)),
      ])
    }
    b.inputGradient.finish(dx)
  }

  /// Backward-data and backward-weights primitives, each with its own layout bridges (oneDNN
  /// may choose different layouts for them than for the forward pass).
  final class BackwardPrimitives {
    let dataPrimitive: Primitive
    let dataOutputGradient: LayoutBridge
    let dataWeights: LayoutBridge
    let inputGradient: LayoutBridge
    /// The backward-data pass as Winograd's convolution of the output gradient (the same 5×5
    /// layers as the forward pass, below AVX-512).
    let dataWinograd: WinogradConvolution?
    let weightsPrimitive: Primitive
    let weightsSource: LayoutBridge
    let weightsOutputGradient: LayoutBridge
    let weightGradient: LayoutBridge

    init(plan: ConvolutionPlan) {
      let g = plan.geometry
      var (source, weights, destination) = plan.layouts(tag: ConvolutionPlan.kernelLayout)
      var bias = plan.biasLayout
      let padRight = ConvolutionPlan.rightPadding(g)

      var data = dnnl_convolution_desc_t()
      Kernels.check(
        cdnnl_convolution_backward_data(
          &data, &source, &weights, &destination, Int64(g.stride), Int64(g.padding), padRight.0, padRight.1),
        "describe a convolution's backward-data pass")
      dataPrimitive = withUnsafePointer(to: &data) {
        Primitive(operation: $0, hint: plan.forwardPrimitive, what: "a convolution's backward-data pass")
      }
      dataOutputGradient = LayoutBridge(
        plain: plan.plainDestination, kernel: dataPrimitive.layout(dnnl_query_diff_dst_md))
      dataWeights = LayoutBridge(plain: plan.plainWeights, kernel: dataPrimitive.layout(dnnl_query_weights_md))
      inputGradient = LayoutBridge(plain: plan.plainSource, kernel: dataPrimitive.layout(dnnl_query_diff_src_md))
      // The input gradient of a stride-1, padding-2 5×5 convolution is the same convolution of the
      // output gradient, from the layer's output channels to its input channels (`fits` refuses
      // every other stride, padding and window).
      let transposed = ConvolutionGeometry(
        channels: plan.outChannels, height: g.outputHeight, width: g.outputWidth, kernel: g.kernelHeight,
        stride: g.stride, padding: g.padding)
      dataWinograd =
        plan.allowsWinograd
          && WinogradConvolution.fits(
            transposed, outChannels: g.channels, source: dataOutputGradient.kernel, destination: inputGradient.kernel,
            batch: plan.batch)
        ? WinogradConvolution(
          batch: plan.batch, inChannels: plan.outChannels, outChannels: g.channels, height: g.outputHeight,
          width: g.outputWidth, filterUse: .inputGradient)
        : nil

      var weightsOperation = dnnl_convolution_desc_t()
      Kernels.check(
        plan.hasBias
          ? cdnnl_convolution_backward_weights(
            &weightsOperation, &source, &weights, &bias, &destination, Int64(g.stride), Int64(g.padding), padRight.0,
            padRight.1)
          : cdnnl_convolution_backward_weights(
            &weightsOperation, &source, &weights, nil, &destination, Int64(g.stride), Int64(g.padding), padRight.0,
            padRight.1),
        "describe a convolution's backward-weights pass")
      weightsPrimitive = withUnsafePointer(to: &weightsOperation) {
        Primitive(operation: $0, hint: plan.forwardPrimitive, what: "a convolution's backward-weights pass")
      }
      weightsSource = LayoutBridge(plain: plan.plainSource, kernel: weightsPrimitive.layout(dnnl_query_src_md))
      weightsOutputGradient = LayoutBridge(
        plain: plan.plainDestination, kernel: weightsPrimitive.layout(dnnl_query_diff_dst_md))
      weightGradient = LayoutBridge(
        plain: plan.plainWeights, kernel: weightsPrimitive.layout(dnnl_query_diff_weights_md))
    }
  }
}
