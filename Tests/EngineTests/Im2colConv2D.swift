@_spi(Benchmarking) @testable import Engine

/// Caffe's convolution, im2col + one `gemm` per chunk of images: the test oracle `Conv2D` (oneDNN)
/// is compared against.
///
/// ```
/// y[n][o][oy][ox] = b[o] + Σ_{c,ky,kx} W[o][c][ky][kx] · x[n][c][oy·s − p + ky][ox·s − p + kx]
/// ```
///
/// The batch is split into `workers` contiguous ranges processed concurrently;
/// each worker unrolls a few images at a time into its own column buffer and accumulates its own
/// weight gradient, and the workers' gradients are added in worker order.
final class Im2colConv2D: Layer, WorkerSplitting {
  /// How many threads the batch (or channel) split uses; set through `Sequential.workers`.
  var workers = 1
  let inChannels: Int
  let outChannels: Int
  let kernel: Int
  let stride: Int
  let padding: Int
  let weight: Parameter
  let bias: Parameter?
  var propagatesInputGradient = true

  private var cachedInput: Tensor?
  private var columnScratch: [ScratchBuffer] = []
  private var productScratch: [ScratchBuffer] = []
  private var weightGradientScratch: [ScratchBuffer] = []
  private var biasGradientScratch: [ScratchBuffer] = []

  /// Upper bound on one worker's column buffer, in floats (4 MB).
  static let columnBudget = 1 << 20

  /// A reference computation over the same parameters as `layer` (gradients go to the same place).
  init(sharingParametersOf layer: Conv2D) {
    inChannels = layer.inChannels
    outChannels = layer.outChannels
    kernel = layer.kernel
    stride = layer.stride
    padding = layer.padding
    weight = layer.weight
    bias = layer.bias
    propagatesInputGradient = layer.propagatesInputGradient
  }

  var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

  private func geometry(for input: Tensor) -> ConvolutionGeometry {
    precondition(
      input.rank == 4 && input.shape[1] == inChannels,
      "Im2colConv2D expects [N, \(inChannels), H, W], got \(input.shape)")
    return ConvolutionGeometry(
      channels: inChannels, height: input.shape[2], width: input.shape[3], kernel: kernel, stride: stride,
      padding: padding)
  }

  /// Images per im2col chunk: as many as fit the column budget, at least one.
  private func chunkSize(_ g: ConvolutionGeometry) -> Int {
    max(1, Im2colConv2D.columnBudget / (g.patchSize * g.outputPlane))
  }

  private func scratch(_ buffers: inout [ScratchBuffer], workers: Int, floats: Int) -> [UnsafeMutablePointer<Float>] {
    while buffers.count < workers { buffers.append(ScratchBuffer()) }
    return (0..<workers).map { buffers[$0].reserve(floats) }
  }

  func forward(_ input: Tensor, mode: Mode) -> Tensor {
    let g = geometry(for: input)
    cachedInput = mode == .training ? input : nil
    let n = input.shape[0]
    let workers = max(1, min(self.workers, n))
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

  func backward(_ outputGradient: Tensor) -> Tensor {
    guard let input = cachedInput else {
      preconditionFailure("Im2colConv2D.backward needs a training-mode forward first")
    }
    let g = geometry(for: input)
    let n = input.shape[0]
    precondition(
      outputGradient.shape == [n, outChannels, g.outputHeight, g.outputWidth],
      "Im2colConv2D.backward expects gradient \([n, outChannels, g.outputHeight, g.outputWidth]), got \(outputGradient.shape)"
    )
    let workers = max(1, min(self.workers, n))
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
