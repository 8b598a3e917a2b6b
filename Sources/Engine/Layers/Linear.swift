/// A fully connected layer on an `N x in` batch:
///
/// ```
/// y = x · Wᵀ + b        (W is out x in, as in Caffe's InnerProduct and PyTorch's Linear)
/// ```
///
/// With `workers > 1` the batch rows are split across workers (each runs its own
/// `gemm` on its rows and its own weight-gradient partial, added in worker order); otherwise one
/// `gemm` covers the batch and the OpenBLAS threads do the splitting.
public final class Linear: Layer, WorkerSplitting {
  /// How many threads the batch (or channel) split uses; set through `Sequential.workers`.
  public var workers = 1
  public let inFeatures: Int
  public let outFeatures: Int
  public let weight: Parameter
  public let bias: Parameter?
  /// Whether `backward` computes dLoss/dInput (false for a network's first layer).
  public var propagatesInputGradient = true

  private var cachedInput: Tensor?
  var zeroInputGradient = ZeroTensorCache()
  private var weightGradientScratch: [ScratchBuffer] = []
  private var biasGradientScratch: [ScratchBuffer] = []
  let rectifiedGradientScratch = ScratchBuffer()
  private let slopeTermScratch = ScratchBuffer()
  /// Each worker's evaluation kernel by its row count (nil where `gemm` runs the rows).
  private var evaluationKernels: [EvaluationKernelKey: LinearConvolution?] = [:]

  private struct EvaluationKernelKey: Hashable {
    var worker: Int
    var rows: Int
  }

  /// - Parameters:
  ///   - name: prefix of the parameter names (`name.weight`, `name.bias`).
  ///   - bias: whether to add a learnable bias (initialised to zero, no weight decay).
  public init(
    name: String, inFeatures: Int, outFeatures: Int, bias: Bool = true, initializer: Initializer = .msra,
    generator: inout SeededGenerator
  ) {
    precondition(
      inFeatures > 0 && outFeatures > 0, "Linear sizes must be positive, got \(inFeatures) -> \(outFeatures)")
    self.inFeatures = inFeatures
    self.outFeatures = outFeatures
    weight = Parameter(
      name: name + ".weight",
      value: initializer.makeTensor(
        shape: [outFeatures, inFeatures], fanIn: inFeatures, fanOut: outFeatures, using: &generator))
    self.bias =
      bias ? Parameter(name: name + ".bias", value: Tensor(zeros: [outFeatures]), weightDecayMultiplier: 0) : nil
  }

  public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

  private func checkInput(_ input: Tensor) {
    precondition(
      input.rank == 2 && input.shape[1] == inFeatures, "Linear expects [N, \(inFeatures)], got \(input.shape)")
  }

  public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, mode: mode, activation: nil) }

  /// The forward pass, followed by `activation` (a PReLU over the output features) on each
  /// worker's rows right after its `gemm` wrote them: the same values as the two layers'
  /// own passes, without a second pass over the batch. In training the pre-activation output is
  /// kept as the activation's input for `backward(_:activation:)`. It is the one-link case of
  /// `LinearChain`, which runs consecutive layers this way.
  func forward(_ input: Tensor, mode: Mode, activation: PReLU?) -> Tensor {
    checkInput(input)
    guard input.shape[0] > 0 else {
      keepForBackward(
        input: mode == .training ? input : nil, activation: activation,
        preactivation: mode == .training ? Tensor(zeros: [0, outFeatures]) : nil)
      return Tensor(zeros: [0, outFeatures])
    }
    guard let output = LinearChain(links: [(self, activation)]).forward(input, mode: mode) else {
      preconditionFailure("\(weight.name): a one-layer chain always splits the batch its own way")
    }
    return output
  }

  /// Whether evaluation runs this layer as `LinearConvolution` instead of `gemm` (where it is
  /// faster: below AVX-512, for 256 or more output features).
  public var evaluatesByConvolution: Bool {
    LinearConvolution.applies(outFeatures: outFeatures)
  }

  /// The kernel that evaluates `rows` rows on `worker`, or nil for `gemm`. Call it before the
  /// workers start: the cache is not shared between threads.
  func evaluationKernel(worker: Int, rows: Int) -> LinearConvolution? {
    guard evaluatesByConvolution, rows > 0 else { return nil }
    let key = EvaluationKernelKey(worker: worker, rows: rows)
    if let kernel = evaluationKernels[key] { return kernel }
    // Datasets end in a partial batch, so a few row counts recur; anything else is rare.
    if evaluationKernels.count >= 16 { evaluationKernels.removeAll() }
    let kernel = LinearConvolution(rows: rows, inFeatures: inFeatures, outFeatures: outFeatures, hasBias: bias != nil)
    evaluationKernels[key] = kernel
    return kernel
  }

  /// Rows `rows` of the forward pass: `z = x · Wᵀ + b`, then, with `rectifying`, the PReLU of
  /// each row into `y` right after its `gemm` wrote it (`y` may be `z`). Pointers are to row 0.
  /// `kernel` (from `evaluationKernel`) runs the product instead of `gemm`.
  func forwardRows(
    _ rows: Range<Int>, x: UnsafePointer<Float>, weights w: UnsafePointer<Float>, bias b: UnsafePointer<Float>?,
    z: UnsafeMutablePointer<Float>,
    rectifying: (y: UnsafeMutablePointer<Float>, slopes: UnsafePointer<Float>, shared: Bool)?,
    kernel: LinearConvolution? = nil
  ) {
    let outFeatures = self.outFeatures
    let zRows = z + rows.lowerBound * outFeatures
    if let kernel {
      kernel.forward(x: x + rows.lowerBound * inFeatures, weights: w, version: weight.version, bias: b, z: zRows)
    } else {
      gemm(
        .noTranspose, .transpose, m: rows.count, n: outFeatures, k: inFeatures,
        alpha: 1, a: x + rows.lowerBound * inFeatures, b: w, beta: 0, c: zRows)
      if let b {
        for r in 0..<rows.count {
          let row = zRows + r * outFeatures
          for o in 0..<outFeatures { row[o] += b[o] }
        }
      }
    }
    if let (y, slopes, shared) = rectifying {
      for r in rows {
        PReLU.activate(
          z + r * outFeatures, into: y + r * outFeatures, slopes: slopes, shared: shared, channels: 0..<outFeatures)
      }
    }
  }

  /// Keeps what `backward(_:activation:)` needs from a forward that ran outside `forward`
  /// (`LinearChain`): this layer's input and, with an activation, its pre-activation output.
  func keepForBackward(input: Tensor?, activation: PReLU?, preactivation: Tensor?) {
    cachedInput = input
    if let activation {
      if let preactivation { activation.cachedInput = preactivation } else { activation.forgetTrainingInput() }
    }
  }

  public func backward(_ outputGradient: Tensor) -> Tensor { backward(outputGradient, activation: nil) }

  /// The backward pass of `forward(_:mode:activation:)` with the same `activation`, given the
  /// gradient of the activation's output: each worker back-propagates its rows through the
  /// rectifier right before its `gemm` calls use them; the slope gradient sums the rows' terms
  /// after the join, in item order, as `PReLU.backward` sums them.
  func backward(_ outputGradient: Tensor, activation: PReLU?) -> Tensor {
    guard let input = cachedInput else {
      preconditionFailure("Linear.backward needs a training-mode forward first")
    }
    let preactivation = activation?.cachedInput
    if let activation {
      precondition(
        preactivation?.shape == [input.shape[0], outFeatures],
        "\(activation.slope.name): a fused backward needs the fused training forward first")
    }
    let n = input.shape[0]
    let inFeatures = self.inFeatures
    let outFeatures = self.outFeatures
    precondition(
      outputGradient.shape == [n, outFeatures],
      "Linear.backward expects gradient \([n, outFeatures]), got \(outputGradient.shape)")
    let workers = max(1, min(self.workers, n))
    if Linear.splitsWeightGradientByOutput(outFeatures: outFeatures, workers: workers) {
      let fused = activation.flatMap { activation in preactivation.map { (activation, $0) } }
      return backwardSplittingOutputs(outputGradient, input: input, activation: fused, workers: workers)
    }
    while weightGradientScratch.count < workers {
      weightGradientScratch.append(ScratchBuffer())
      biasGradientScratch.append(ScratchBuffer())
    }
    let weightGradients = (0..<workers).map { weightGradientScratch[$0].reserve(outFeatures * inFeatures) }
    let biasGradients = (0..<workers).map { biasGradientScratch[$0].reserve(outFeatures) }
    let propagates = propagatesInputGradient
    // With an activation: dL/dz and the slope-gradient terms, row by row.
    let rectified = activation.map { _ in
      (gradient: rectifiedGradientScratch.reserve(n * outFeatures), terms: slopeTermScratch.reserve(n * outFeatures))
    }
    let work: (UnsafeMutablePointer<Float>?) -> Void = { dx in
      input.withUnsafePointer { x in
        self.weight.value.withUnsafePointer { w in
          outputGradient.withUnsafePointer { upstream in
            // Workers own disjoint row ranges of `dx` (and of the rectified gradient and its
            // terms) and their own partial gradients.
            parallelFor(workers) { worker in
              let rows = Threading.range(worker, of: workers, splitting: n)
              var dy = upstream
              if let activation, let rectified, let preactivation {
                activation.backpropagate(
                  rows: rows, of: upstream, at: preactivation, into: rectified.gradient, slopeTerms: rectified.terms)
                dy = UnsafePointer(rectified.gradient)
              }
              let dyRows = dy + rows.lowerBound * outFeatures
              // dW[o][i] = Σ_r dy[r][o] · x[r][i]
              gemm(
                .transpose, .noTranspose, m: outFeatures, n: inFeatures, k: rows.count,
                alpha: 1, a: dyRows, b: x + rows.lowerBound * inFeatures, beta: 0, c: weightGradients[worker])
              let dB = biasGradients[worker]
              dB.update(repeating: 0, count: outFeatures)
              for r in 0..<rows.count {
                for o in 0..<outFeatures { dB[o] += dyRows[r * outFeatures + o] }
              }
              if let dx {
                // dx[r][i] = Σ_o dy[r][o] · W[o][i]
                gemm(
                  .noTranspose, .noTranspose, m: rows.count, n: inFeatures, k: outFeatures,
                  alpha: 1, a: dyRows, b: w, beta: 0, c: dx + rows.lowerBound * inFeatures)
              }
            }
          }
        }
      }
    }
    let inputGradient = zeroInputGradient.inputGradient(input.shape, propagates: propagates, work)
    if let activation, let rectified { activation.addSlopeGradient(fromTerms: rectified.terms, items: n) }
    accumulate(weightGradients, count: outFeatures * inFeatures, into: weight, workers: workers)
    if let bias { accumulate(biasGradients, count: outFeatures, into: bias) }
    return inputGradient
  }
}
