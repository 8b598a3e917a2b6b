/// How a wide `Linear` layer splits its weight gradient across workers: by output feature.
extension Linear {
  /// The fewest output features per worker for which the weight gradient is split by output
  /// feature instead of by batch row.
  static let outputsPerWorkerForOutputSplit = 128

  /// Whether `backward` splits the weight gradient by output feature: each worker then runs one
  /// `gemm` over the whole batch straight into its rows of the gradient, instead of a partial
  /// over its batch rows that is written, read back and added (for a 784 → 256 layer, twice the
  /// gradient's size in traffic per worker, in a step whose working set is already beyond the
  /// core's L2). Narrower layers keep the batch split, and with it their bits: splitting compact's
  /// 128-wide layer (64 features per worker) measured no faster (Engine README).
  @_spi(Benchmarking) public static func splitsWeightGradientByOutput(outFeatures: Int, workers: Int) -> Bool {
    workers > 1 && outFeatures >= outputsPerWorkerForOutputSplit * workers
  }

  /// `backward` for layers whose weight gradient is split by output feature. Each worker takes
  /// its output features through the rectifier (if fused) over the whole batch, summing their
  /// slope-gradient terms from zero in item order as PReLU's own pass does, then runs the weight
  /// gradient's `gemm` on the rows it just wrote and sums their bias gradient in row order; after a
  /// join, it computes its batch rows of dL/dInput, which need every feature's gradient.
  func backwardSplittingOutputs(
    _ outputGradient: Tensor, input: Tensor, activation: (PReLU, preactivation: Tensor)?, workers: Int
  ) -> Tensor {
    let n = input.shape[0]
    let inFeatures = self.inFeatures
    let outFeatures = self.outFeatures
    var biasSums = [Float](repeating: 0, count: bias == nil ? 0 : outFeatures)
    var slopeSums = [Float](repeating: 0, count: activation == nil ? 0 : outFeatures)
    let rectified = activation.map { _ in rectifiedGradientScratch.reserve(n * outFeatures) }
    // Workers own disjoint output-feature columns of the rectified gradient, rows of dW, and bias
    // and slope sums.
    func weightGradients(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>) {
      weight.gradient.withUnsafeMutablePointer { dW in
        biasSums.withUnsafeMutableBufferPointer { biasBuffer in
          slopeSums.withUnsafeMutableBufferPointer { slopeBuffer in
            // An empty array's buffer may still have an address: a layer without bias gets none.
            let dW = UncheckedSendable(dW)
            let biasSums = UncheckedSendable(biasBuffer.isEmpty ? nil : biasBuffer.baseAddress)
            let slopeSums = UncheckedSendable(slopeBuffer.isEmpty ? nil : slopeBuffer.baseAddress)
            parallelFor(workers) { worker in
              let outputs = Threading.range(worker, of: workers, splitting: outFeatures)
              var gradient = dy
              if let (activation, preactivation) = activation, let dz = rectified, let sums = slopeSums.value {
                activation.backpropagate(
                  columns: outputs, rows: n, of: dy, at: preactivation, into: dz, slopeSums: sums)
                gradient = UnsafePointer(dz)
              }
              // dW[o][i] += Σ_r dy[r][o] · x[r][i] for this worker's o
              gemm(
                .transpose, .noTranspose, m: outputs.count, n: inFeatures, k: n,
                alpha: 1, a: gradient + outputs.lowerBound, lda: outFeatures, b: x, beta: 1,
                c: dW.value + outputs.lowerBound * inFeatures)
              if let sums = biasSums.value {
                for r in 0..<n {
                  let row = gradient + r * outFeatures
                  for o in outputs { sums[o] += row[o] }
                }
              }
            }
          }
        }
      }
    }
    let work: (UnsafeMutablePointer<Float>?) -> Void = { dx in
      input.withUnsafePointer { x in
        self.weight.value.withUnsafePointer { w in
          outputGradient.withUnsafePointer { upstream in
            weightGradients(upstream, x)
            guard let dx else { return }
            let dy = rectified.map { UnsafePointer($0) } ?? upstream
            // Workers own disjoint batch rows of `dx`.
            parallelFor(workers) { worker in
              // dx[r][i] = Σ_o dy[r][o] · W[o][i] for this worker's rows
              let rows = Threading.range(worker, of: workers, splitting: n)
              gemm(
                .noTranspose, .noTranspose, m: rows.count, n: inFeatures, k: outFeatures,
                alpha: 1, a: dy + rows.lowerBound * outFeatures, b: w, beta: 0,
                c: dx + rows.lowerBound * inFeatures)
            }
          }
        }
      }
    }
    let inputGradient = zeroInputGradient.inputGradient(input.shape, propagates: propagatesInputGradient, work)
    if let (activation, _) = activation { activation.addToSlopeGradient(slopeSums) }
    if let bias {
      for o in 0..<outFeatures { bias.gradient[o] += biasSums[o] }
    }
    return inputGradient
  }
}
