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
  private var zeroInputGradient = ZeroTensorCache()
  private var weightGradientScratch: [ScratchBuffer] = []
  private var biasGradientScratch: [ScratchBuffer] = []

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

  public func forward(_ input: Tensor, mode: Mode) -> Tensor {
    checkInput(input)
    cachedInput = mode == .training ? input : nil
    let n = input.shape[0]
    let inFeatures = self.inFeatures
    let outFeatures = self.outFeatures
    let workers = max(1, min(self.workers, n))
    let biasValues = bias?.value.scalars
    return Tensor(shape: [n, outFeatures]) { output in
      guard let y = output.baseAddress else { return }
      input.withUnsafePointer { x in
        weight.value.withUnsafePointer { w in
          // Workers write disjoint row ranges of `y`.
          parallelFor(workers) { worker in
            let rows = Threading.range(worker, of: workers, splitting: n)
            let yRows = y + rows.lowerBound * outFeatures
            gemm(
              .noTranspose, .transpose, m: rows.count, n: outFeatures, k: inFeatures,
              alpha: 1, a: x + rows.lowerBound * inFeatures, b: w, beta: 0, c: yRows)
            biasValues?.withUnsafeBufferPointer { b in
              guard let b = b.baseAddress else { return }
              for r in 0..<rows.count {
                let row = yRows + r * outFeatures
                for o in 0..<outFeatures { row[o] += b[o] }
              }
            }
          }
        }
      }
    }
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    guard let input = cachedInput else {
      preconditionFailure("Linear.backward needs a training-mode forward first")
    }
    let n = input.shape[0]
    let inFeatures = self.inFeatures
    let outFeatures = self.outFeatures
    precondition(
      outputGradient.shape == [n, outFeatures],
      "Linear.backward expects gradient \([n, outFeatures]), got \(outputGradient.shape)")
    let workers = max(1, min(self.workers, n))
    while weightGradientScratch.count < workers {
      weightGradientScratch.append(ScratchBuffer())
      biasGradientScratch.append(ScratchBuffer())
    }
    let weightGradients = (0..<workers).map { weightGradientScratch[$0].reserve(outFeatures * inFeatures) }
    let biasGradients = (0..<workers).map { biasGradientScratch[$0].reserve(outFeatures) }
    let propagates = propagatesInputGradient
    let work: (UnsafeMutablePointer<Float>?) -> Void = { dx in
      input.withUnsafePointer { x in
        self.weight.value.withUnsafePointer { w in
          outputGradient.withUnsafePointer { dy in
            // Workers own disjoint row ranges of `dx` and their own partial gradients.
            parallelFor(workers) { worker in
              let rows = Threading.range(worker, of: workers, splitting: n)
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
    let inputGradient: Tensor
    if propagates {
      inputGradient = Tensor(shape: input.shape) { buffer in work(buffer.baseAddress) }
    } else {
      work(nil)
      inputGradient = zeroInputGradient.zeros(input.shape)
    }
    accumulate(weightGradients, count: outFeatures * inFeatures, into: weight, workers: workers)
    if let bias { accumulate(biasGradients, count: outFeatures, into: bias) }
    return inputGradient
  }
}
