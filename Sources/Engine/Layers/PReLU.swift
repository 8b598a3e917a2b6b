/// The parametric rectifier (He et al. 2015) with one learnable slope per channel (dimension 1),
/// or one slope shared by all channels:
///
/// ```
/// y = x          if x > 0        dL/dx = dL/dy · (x > 0 ? 1 : a_c)
/// y = a_c · x    otherwise       dL/da_c = Σ_{x ≤ 0 in channel c} dL/dy · x
/// ```
///
/// Slopes start at 0.25 and have weight-decay multiplier 0, as in the paper (decay would push
/// them toward ReLU). Work is split by channel across `workers` workers, so each
/// slope's gradient is summed by one thread in a fixed order whatever the worker count.
public final class PReLU: Layer, WorkerSplitting {
  /// How many threads the batch (or channel) split uses; set through `Sequential.workers`.
  public var workers = 1
  public let channels: Int
  public let shared: Bool
  public let slope: Parameter
  /// The last training forward's input, for `backward` (set by a Linear whose pass this layer
  /// runs in, too).
  var cachedInput: Tensor?

  /// - Parameters:
  ///   - channels: the size of dimension 1 of the inputs.
  ///   - shared: one slope for all channels instead of one per channel.
  public init(name: String, channels: Int, shared: Bool = false, initialSlope: Float = 0.25) {
    precondition(channels > 0, "PReLU channels must be positive, got \(channels)")
    self.channels = channels
    self.shared = shared
    slope = Parameter(
      name: name + ".slope", value: Tensor(zeros: [shared ? 1 : channels], value: initialSlope),
      weightDecayMultiplier: 0)
  }

  public var parameters: [Parameter] { [slope] }

  private func layout(_ input: Tensor) -> (batch: Int, plane: Int) {
    precondition(
      input.rank >= 2 && input.shape[1] == channels, "PReLU expects [N, \(channels), ...], got \(input.shape)")
    return (input.shape[0], input.shape.dropFirst(2).reduce(1, *))
  }

  /// Drops what the last training forward kept for `backward`, as an evaluation forward does
  /// (`BlockedEvaluation` evaluates the layer without calling `forward`).
  func forgetTrainingInput() { cachedInput = nil }

  /// Whether a training forward's input is kept for `backward`.
  var holdsTrainingInput: Bool { cachedInput != nil }

  public func forward(_ input: Tensor, mode: Mode) -> Tensor {
    let (n, plane) = layout(input)
    cachedInput = mode == .training ? input : nil
    let channels = self.channels
    let shared = self.shared
    let workers = max(1, min(self.workers, channels))
    return Tensor(shape: input.shape) { output in
      guard let y = output.baseAddress else { return }
      input.withUnsafePointer { x in
        slope.value.withUnsafePointer { a in
          // Each worker writes a disjoint channel range.
          parallelFor(workers) { worker in
            let range = Threading.range(worker, of: workers, splitting: channels)
            if plane == 1 {
              for item in 0..<n {
                let offset = item * channels
                PReLU.activate(x + offset, into: y + offset, slopes: a, shared: shared, channels: range)
              }
              return
            }
            for c in range {
              let ac = a[shared ? 0 : c]
              let slopes = SIMD16<Float>(repeating: ac)
              let zero = SIMD16<Float>()
              for item in 0..<n {
                let base = (item * channels + c) * plane
                var p = base
                while p + 16 <= base + plane {
                  let v = load16(x + p)
                  store16(v.replacing(with: v * slopes, where: v .<= zero), y + p)
                  p += 16
                }
                while p < base + plane {
                  y[p] = x[p] > 0 ? x[p] : ac * x[p]
                  p += 1
                }
              }
            }
          }
        }
      }
    }
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    guard let input = cachedInput else { preconditionFailure("PReLU.backward needs a training-mode forward first") }
    precondition(
      outputGradient.shape == input.shape, "PReLU.backward expects gradient \(input.shape), got \(outputGradient.shape)"
    )
    let (n, plane) = layout(input)
    let channels = self.channels
    let shared = self.shared
    let workers = max(1, min(self.workers, channels))
    var slopeGradient = [Float](repeating: 0, count: channels)
    let inputGradient = Tensor(shape: input.shape) { output in
      guard let dx = output.baseAddress else { return }
      input.withUnsafePointer { x in
        outputGradient.withUnsafePointer { dy in
          slope.value.withUnsafePointer { a in
            slopeGradient.withUnsafeMutableBufferPointer { da in
              // Each worker owns a disjoint channel range of `dx` and `da`.
              parallelFor(workers) { worker in
                let range = Threading.range(worker, of: workers, splitting: channels)
                if plane == 1 {
                  guard let daBase = da.baseAddress else { return }
                  backpropagate(columns: range, rows: n, of: dy, at: input, into: dx, slopeSums: daBase)
                  return
                }
                for c in range {
                  let ac = a[shared ? 0 : c]
                  let slopes = SIMD16<Float>(repeating: ac)
                  let zero = SIMD16<Float>()
                  var total: Float = 0
                  for item in 0..<n {
                    let base = (item * channels + c) * plane
                    var lanes = SIMD16<Float>()
                    var p = base
                    while p + 16 <= base + plane {
                      let v = load16(x + p)
                      let g = load16(dy + p)
                      let negative = v .<= zero
                      store16(g.replacing(with: g * slopes, where: negative), dx + p)
                      lanes += (g * v).replacing(with: 0, where: .!negative)
                      p += 16
                    }
                    var sum = lanes.sum()
                    while p < base + plane {
                      let v = x[p]
                      let g = dy[p]
                      dx[p] = v > 0 ? g : ac * g
                      sum += v > 0 ? 0 : g * v
                      p += 1
                    }
                    total += sum
                  }
                  da[c] = total
                }
              }
            }
          }
        }
      }
    }
    addToSlopeGradient(slopeGradient)
    return inputGradient
  }

  /// Adds per-channel slope gradients to the parameter's.
  func addToSlopeGradient(_ slopeGradient: [Float]) {
    if shared {
      // Channels in order: a fixed summation order for the shared slope.
      slope.gradient[0] += slopeGradient.reduce(0, +)
    } else {
      for c in 0..<channels { slope.gradient[c] += slopeGradient[c] }
    }
  }
}
