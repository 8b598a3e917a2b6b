import Foundation

/// Batch normalisation (Ioffe & Szegedy 2015) over dimension 1 of `[N, C]` (1-D) or
/// `[N, C, H, W]` (2-D) inputs:
///
/// ```
/// x̂ = (x − μ_c) / sqrt(σ²_c + ε)      y = γ_c · x̂ + β_c
/// ```
///
/// Training uses the batch statistics (μ, biased σ² over N·H·W) and updates the running ones,
/// PyTorch's way: `running = (1 − momentum) · running + momentum · batch`, with the unbiased
/// variance. Evaluation uses the running statistics. The running statistics are `buffers`, so
/// checkpoints carry them.
///
/// Channels are split across `workers` workers; each channel's sums run in one
/// thread in a fixed order (16-lane Float sums per plane, added across planes in Double), so
/// results do not depend on the worker count.
public final class BatchNorm: StatefulLayer, WorkerSplitting {
  /// How many threads the batch (or channel) split uses; set through `Sequential.workers`.
  public var workers = 1
  public let channels: Int
  public let momentum: Float
  public let epsilon: Float
  public let scale: Parameter
  public let shift: Parameter
  public let runningMean: StateBuffer
  public let runningVariance: StateBuffer

  private var cachedNormalized: Tensor?
  private var cachedInverseDeviation: [Float] = []
  private var cachedMode: Mode = .evaluation

  /// - Parameters:
  ///   - name: prefix of the names (`name.scale`, `name.shift`, `name.runningMean`, `name.runningVariance`).
  ///   - momentum: weight of the current batch in the running statistics.
  public init(name: String, channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
    precondition(channels > 0, "BatchNorm channels must be positive, got \(channels)")
    precondition(momentum >= 0 && momentum <= 1, "BatchNorm momentum must be in [0, 1], got \(momentum)")
    self.channels = channels
    self.momentum = momentum
    self.epsilon = epsilon
    scale = Parameter(name: name + ".scale", value: Tensor(zeros: [channels], value: 1), weightDecayMultiplier: 0)
    shift = Parameter(name: name + ".shift", value: Tensor(zeros: [channels]), weightDecayMultiplier: 0)
    runningMean = StateBuffer(name: name + ".runningMean", value: Tensor(zeros: [channels]))
    runningVariance = StateBuffer(name: name + ".runningVariance", value: Tensor(zeros: [channels], value: 1))
  }

  public var parameters: [Parameter] { [scale, shift] }
  public var buffers: [StateBuffer] { [runningMean, runningVariance] }

  private func layout(_ input: Tensor) -> (batch: Int, plane: Int) {
    precondition(
      (input.rank == 2 || input.rank == 4) && input.shape[1] == channels,
      "BatchNorm expects [N, \(channels)] or [N, \(channels), H, W], got \(input.shape)")
    return (input.shape[0], input.shape.dropFirst(2).reduce(1, *))
  }

  public func forward(_ input: Tensor, mode: Mode) -> Tensor {
    let (n, plane) = layout(input)
    let channels = self.channels
    let epsilon = self.epsilon
    let count = n * plane
    if mode == .training {
      precondition(count > 1, "BatchNorm needs more than one value per channel in training, got \(input.shape)")
    }
    var mean = [Float](repeating: 0, count: channels)
    var inverseDeviation = [Float](repeating: 0, count: channels)
    var batchVariance = [Float](repeating: 0, count: channels)
    let runningMeanValues = runningMean.value.scalars
    let runningVarianceValues = runningVariance.value.scalars
    let workers = max(1, min(self.workers, channels))
    var normalized = Tensor(zeros: [])
    let output = Tensor(shape: input.shape) { y in
      normalized = Tensor(shape: input.shape) { xHat in
        input.withUnsafePointer { x in
          scale.value.scalars.withUnsafeBufferPointer { gamma in
            shift.value.scalars.withUnsafeBufferPointer { beta in
              mean.withUnsafeMutableBufferPointer { meanOut in
                inverseDeviation.withUnsafeMutableBufferPointer { inverseOut in
                  batchVariance.withUnsafeMutableBufferPointer { varianceOut in
                    // Each worker owns a disjoint channel range of every buffer.
                    parallelFor(workers) { worker in
                      for c in Threading.range(worker, of: workers, splitting: channels) {
                        var mu: Float
                        var inverse: Float
                        if mode == .training {
                          // Per-plane vector sums, accumulated across planes in Double.
                          var sum = 0.0
                          for item in 0..<n {
                            sum += Double(Engine.sum(x + (item * channels + c) * plane, count: plane))
                          }
                          let meanValue = sum / Double(count)
                          var squares = 0.0
                          for item in 0..<n {
                            squares += Double(
                              squaredDeviation(x + (item * channels + c) * plane, from: Float(meanValue), count: plane))
                          }
                          let variance = squares / Double(count)
                          mu = Float(meanValue)
                          inverse = Float(1 / (variance + Double(epsilon)).squareRoot())
                          varianceOut[c] = Float(variance)
                        } else {
                          mu = runningMeanValues[c]
                          inverse = 1 / (runningVarianceValues[c] + epsilon).squareRoot()
                        }
                        meanOut[c] = mu
                        inverseOut[c] = inverse
                        let g = gamma[c]
                        let b = beta[c]
                        for item in 0..<n {
                          let base = (item * channels + c) * plane
                          for p in base..<(base + plane) {
                            let h = (x[p] - mu) * inverse
                            xHat[p] = h
                            y[p] = g * h + b
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    if mode == .training {
      let unbias = Float(count) / Float(count - 1)
      for c in 0..<channels {
        runningMean.value[c] = (1 - momentum) * runningMean.value[c] + momentum * mean[c]
        runningVariance.value[c] = (1 - momentum) * runningVariance.value[c] + momentum * batchVariance[c] * unbias
      }
    }
    cachedNormalized = normalized
    cachedInverseDeviation = inverseDeviation
    cachedMode = mode
    return output
  }

  /// In training mode the batch statistics depend on every input, giving
  /// `dx = γ·inv/M · (M·dy − Σdy − x̂·Σ(dy·x̂))`; after an evaluation-mode forward the
  /// statistics are constants and `dx = γ·inv·dy` (a frozen BatchNorm).
  public func backward(_ outputGradient: Tensor) -> Tensor {
    guard let normalized = cachedNormalized else { preconditionFailure("BatchNorm.backward needs a forward first") }
    precondition(
      outputGradient.shape == normalized.shape,
      "BatchNorm.backward expects gradient \(normalized.shape), got \(outputGradient.shape)")
    let (n, plane) = layout(normalized)
    let channels = self.channels
    let count = n * plane
    let training = cachedMode == .training
    let inverseDeviation = cachedInverseDeviation
    var scaleGradient = [Float](repeating: 0, count: channels)
    var shiftGradient = [Float](repeating: 0, count: channels)
    let workers = max(1, min(self.workers, channels))
    let inputGradient = Tensor(shape: normalized.shape) { dx in
      normalized.withUnsafePointer { xHat in
        outputGradient.withUnsafePointer { dy in
          scale.value.scalars.withUnsafeBufferPointer { gamma in
            scaleGradient.withUnsafeMutableBufferPointer { dGamma in
              shiftGradient.withUnsafeMutableBufferPointer { dBeta in
                // Each worker owns a disjoint channel range.
                parallelFor(workers) { worker in
                  for c in Threading.range(worker, of: workers, splitting: channels) {
                    var sumDy = 0.0
                    var sumDyXHat = 0.0
                    for item in 0..<n {
                      let base = (item * channels + c) * plane
                      sumDy += Double(Engine.sum(dy + base, count: plane))
                      sumDyXHat += Double(dot(dy + base, xHat + base, count: plane))
                    }
                    dGamma[c] = Float(sumDyXHat)
                    dBeta[c] = Float(sumDy)
                    let factor = gamma[c] * inverseDeviation[c]
                    let meanDy = Float(sumDy / Double(count))
                    let meanDyXHat = Float(sumDyXHat / Double(count))
                    for item in 0..<n {
                      let base = (item * channels + c) * plane
                      for p in base..<(base + plane) {
                        dx[p] = training ? factor * (dy[p] - meanDy - xHat[p] * meanDyXHat) : factor * dy[p]
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    for c in 0..<channels {
      scale.gradient[c] += scaleGradient[c]
      shift.gradient[c] += shiftGradient[c]
    }
    return inputGradient
  }
}
