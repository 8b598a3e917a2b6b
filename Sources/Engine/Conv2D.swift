/// A 2-D convolution over an NCHW batch, computed as im2col + one `gemm` per chunk of images:
///
/// ```
/// y[n][o][oy][ox] = b[o] + Σ_{c,ky,kx} W[o][c][ky][kx] · x[n][c][oy·s − p + ky][ox·s − p + kx]
/// ```
///
/// The batch is split into `Threading.workerCount` contiguous ranges processed concurrently;
/// each worker unrolls a few images at a time into its own column buffer (so the column matrix
/// of the whole batch, hundreds of MB for LeNet++, never exists) and accumulates its own weight
/// gradient, and the workers' gradients are added in worker order.
public final class Conv2D: Layer {
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
  private var columnScratch: [ScratchBuffer] = []
  private var productScratch: [ScratchBuffer] = []
  private var weightGradientScratch: [ScratchBuffer] = []
  private var biasGradientScratch: [ScratchBuffer] = []

  /// Upper bound on one worker's column buffer, in floats (4 MB): wide enough gemms, and both
  /// workers' buffers stay in the shared L3 cache (budgets from 1 MB to 16 MB measured within
  /// noise of each other on LeNet++).
  static let columnBudget = 1 << 20

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

  private func geometry(for input: Tensor) -> ConvolutionGeometry {
    precondition(
      input.rank == 4 && input.shape[1] == inChannels,
      "Conv2D expects [N, \(inChannels), H, W], got \(input.shape)")
    return ConvolutionGeometry(
      channels: inChannels, height: input.shape[2], width: input.shape[3], kernel: kernel, stride: stride,
      padding: padding)
  }

  /// Images per im2col chunk: as many as fit the column budget, at least one.
  private func chunkSize(_ g: ConvolutionGeometry) -> Int {
    max(1, Conv2D.columnBudget / (g.patchSize * g.outputPlane))
  }

  private func scratch(_ buffers: inout [ScratchBuffer], workers: Int, floats: Int) -> [UnsafeMutablePointer<Float>] {
    while buffers.count < workers { buffers.append(ScratchBuffer()) }
    return (0..<workers).map { buffers[$0].reserve(floats) }
  }

  public func forward(_ input: Tensor, mode: Mode) -> Tensor {
    let g = geometry(for: input)
    cachedInput = mode == .training ? input : nil
    let n = input.shape[0]
    let workers = max(1, min(Threading.workerCount, n))
    let chunk = chunkSize(g)
    let plane = g.outputPlane
    let patch = g.patchSize
    let outChannels = self.outChannels
    let columns = scratch(&columnScratch, workers: workers, floats: patch * plane * min(chunk, n))
    let products = scratch(&productScratch, workers: workers, floats: outChannels * plane * min(chunk, n))
    let biasValues = bias?.value.scalars ?? [Float](repeating: 0, count: outChannels)
    return Tensor(shape: [n, outChannels, g.outputHeight, g.outputWidth]) { output in
      guard let out = output.baseAddress else { return }
      input.withUnsafePointer { x in
        weight.value.withUnsafePointer { w in
          biasValues.withUnsafeBufferPointer { b in
            // Workers write disjoint image ranges of `out` and use their own scratch buffers.
            parallelFor(workers) { worker in
              let range = Threading.range(worker, of: workers, splitting: n)
              var start = range.lowerBound
              while start < range.upperBound {
                let count = min(chunk, range.upperBound - start)
                let width = count * plane
                im2col(x + start * g.channels * g.inputPlane, count: count, geometry: g, columns: columns[worker])
                // product[o][i·plane + p] = Σ_k W[o][k] · col[k][i·plane + p]
                gemm(
                  .noTranspose, .noTranspose, m: outChannels, n: width, k: patch,
                  alpha: 1, a: w, b: columns[worker], beta: 0, c: products[worker])
                for i in 0..<count {
                  for o in 0..<outChannels {
                    let target = out + ((start + i) * outChannels + o) * plane
                    let source = products[worker] + o * width + i * plane
                    let shift = b[o]
                    for p in 0..<plane { target[p] = source[p] + shift }
                  }
                }
                start += count
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
    let workers = max(1, min(Threading.workerCount, n))
    let chunk = chunkSize(g)
    let plane = g.outputPlane
    let patch = g.patchSize
    let outChannels = self.outChannels
    let propagates = propagatesInputGradient
    let columns = scratch(&columnScratch, workers: workers, floats: patch * plane * min(chunk, n))
    let products = scratch(&productScratch, workers: workers, floats: outChannels * plane * min(chunk, n))
    let weightGradients = scratch(&weightGradientScratch, workers: workers, floats: outChannels * patch)
    let biasGradients = scratch(&biasGradientScratch, workers: workers, floats: outChannels)
    let work: (UnsafeMutablePointer<Float>?) -> Void = { dx in
      input.withUnsafePointer { x in
        self.weight.value.withUnsafePointer { w in
          outputGradient.withUnsafePointer { dy in
            // Workers read shared inputs, write disjoint image ranges of `dx`, and accumulate
            // into their own gradient buffers.
            parallelFor(workers) { worker in
              let range = Threading.range(worker, of: workers, splitting: n)
              let dW = weightGradients[worker]
              let dB = biasGradients[worker]
              let col = columns[worker]
              let dyChunk = products[worker]
              dB.update(repeating: 0, count: outChannels)
              var start = range.lowerBound
              while start < range.upperBound {
                let count = min(chunk, range.upperBound - start)
                let width = count * plane
                // dyChunk[o][i·plane + p] = dy[start + i][o][p]
                for i in 0..<count {
                  for o in 0..<outChannels {
                    let source = dy + ((start + i) * outChannels + o) * plane
                    (dyChunk + o * width + i * plane).update(from: source, count: plane)
                    var sum: Float = 0
                    for p in 0..<plane { sum += source[p] }
                    dB[o] += sum
                  }
                }
                im2col(x + start * g.channels * g.inputPlane, count: count, geometry: g, columns: col)
                // dW[o][k] (+)= Σ_j dyChunk[o][j] · col[k][j]
                gemm(
                  .noTranspose, .transpose, m: outChannels, n: patch, k: width,
                  alpha: 1, a: dyChunk, b: col, beta: start == range.lowerBound ? 0 : 1, c: dW)
                if let dx {
                  // dCol[k][j] = Σ_o W[o][k] · dyChunk[o][j], reusing the column buffer.
                  gemm(
                    .transpose, .noTranspose, m: patch, n: width, k: outChannels,
                    alpha: 1, a: w, b: dyChunk, beta: 0, c: col)
                  col2im(col, count: count, geometry: g, input: dx + start * g.channels * g.inputPlane)
                }
                start += count
              }
            }
          }
        }
      }
    }
    let inputGradient: Tensor
    if propagates {
      inputGradient = Tensor(shape: input.shape) { buffer in work(buffer.baseAddress) }
    } else {
      work(nil)
      inputGradient = Tensor(zeros: input.shape)
    }
    accumulate(weightGradients, count: outChannels * patch, into: weight)
    if let bias { accumulate(biasGradients, count: outChannels, into: bias) }
    return inputGradient
  }
}

/// Adds per-worker partial gradients into `parameter.gradient`, in worker order.
func accumulate(_ partials: [UnsafeMutablePointer<Float>], count: Int, into parameter: Parameter) {
  precondition(
    parameter.gradient.count == count,
    "\(parameter.name): gradient has \(parameter.gradient.count) scalars, expected \(count)")
  parameter.gradient.withUnsafeMutablePointer { gradient in
    for partial in partials {
      for i in 0..<count { gradient[i] += partial[i] }
    }
  }
}
