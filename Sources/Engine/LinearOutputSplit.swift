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
  static func splitsWeightGradientByOutput(outFeatures: Int, workers: Int) -> Bool {
    workers > 1 && outFeatures >= outputsPerWorkerForOutputSplit * workers
  }

  /// `backward` for layers whose weight gradient is split by output feature: the rectifier (if
  /// fused) by batch rows, then, after a join, each worker's weight and bias gradient rows over
  /// the whole batch (bias sums in row order) and its batch rows of dL/dInput.
  func backwardSplittingOutputs(
    _ outputGradient: Tensor, input: Tensor, activation: (PReLU, preactivation: Tensor)?, workers: Int
  ) -> Tensor {
    let n = input.shape[0]
    let inFeatures = self.inFeatures
    let outFeatures = self.outFeatures
    let gradient: Tensor
    if let (activation, preactivation) = activation {
      let terms = slopeTermScratch.reserve(n * outFeatures)
      gradient = Tensor(shape: [n, outFeatures]) { buffer in
        guard let dz = buffer.baseAddress else { return }
        outputGradient.withUnsafePointer { upstream in
          // Workers write disjoint row ranges of `dz` and of the terms.
          parallelFor(workers) { worker in
            activation.backpropagate(
              rows: Threading.range(worker, of: workers, splitting: n), of: upstream, at: preactivation, into: dz,
              slopeTerms: terms)
          }
        }
      }
      activation.addSlopeGradient(fromTerms: terms, items: n)
    } else {
      gradient = outputGradient
    }
    var biasSums = [Float](repeating: 0, count: bias == nil ? 0 : outFeatures)
    let work: (UnsafeMutablePointer<Float>?) -> Void = { dx in
      input.withUnsafePointer { x in
        self.weight.value.withUnsafePointer { w in
          gradient.withUnsafePointer { dy in
            self.weight.gradient.withUnsafeMutablePointer { dW in
              biasSums.withUnsafeMutableBufferPointer { sums in
                // An empty array's buffer may still have an address: a layer without bias gets none.
                let (dW, sums) = (UncheckedSendable(dW), UncheckedSendable(sums.isEmpty ? nil : sums.baseAddress))
                // Workers own disjoint output-feature rows of dW and the bias sums, and disjoint
                // batch rows of `dx`.
                parallelFor(workers) { worker in
                  let outputs = Threading.range(worker, of: workers, splitting: outFeatures)
                  // dW[o][i] += Σ_r dy[r][o] · x[r][i] for this worker's o
                  gemm(
                    .transpose, .noTranspose, m: outputs.count, n: inFeatures, k: n,
                    alpha: 1, a: dy + outputs.lowerBound, lda: outFeatures, b: x, beta: 1,
                    c: dW.value + outputs.lowerBound * inFeatures)
                  if let sums = sums.value {
                    for r in 0..<n {
                      let row = dy + r * outFeatures
                      for o in outputs { sums[o] += row[o] }
                    }
                  }
                  if let dx {
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
        }
      }
    }
    let inputGradient = zeroInputGradient.inputGradient(input.shape, propagates: propagatesInputGradient, work)
    if let bias {
      for o in 0..<outFeatures { bias.gradient[o] += biasSums[o] }
    }
    return inputGradient
  }
}
