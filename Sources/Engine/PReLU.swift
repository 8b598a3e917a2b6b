/// The parametric rectifier (He et al. 2015) with one learnable slope per channel (dimension 1),
/// or one slope shared by all channels:
///
/// ```
/// y = x          if x > 0        dL/dx = dL/dy · (x > 0 ? 1 : a_c)
/// y = a_c · x    otherwise       dL/da_c = Σ_{x ≤ 0 in channel c} dL/dy · x
/// ```
///
/// Slopes start at 0.25 and have weight-decay multiplier 0, as in the paper (decay would push
/// them toward ReLU).
public final class PReLU: Layer {
  public let channels: Int
  public let shared: Bool
  public let slope: Parameter
  private var cachedInput: Tensor?

  /// - Parameters:
  ///   - channels: the size of dimension 1 of the inputs.
  ///   - shared: one slope for all channels instead of one per channel.
  public init(name: String, channels: Int, shared: Bool = false, initialSlope: Float = 0.25) {
    precondition(channels > 0, "PReLU channels must be positive, got \(channels)")
    self.channels = channels
    self.shared = shared
    slope = Parameter(
      name: name + ".slope", value: Tensor(zeros: [shared ? 1 : channels], value: initialSlope), weightDecayMultiplier: 0)
  }

  public var parameters: [Parameter] { [slope] }

  private func layout(_ input: Tensor) -> (batch: Int, plane: Int) {
    precondition(input.rank >= 2 && input.shape[1] == channels, "PReLU expects [N, \(channels), ...], got \(input.shape)")
    return (input.shape[0], input.shape.dropFirst(2).reduce(1, *))
  }

  public func forward(_ input: Tensor, mode: Mode) -> Tensor {
    let (n, plane) = layout(input)
    cachedInput = mode == .training ? input : nil
    let channels = self.channels, shared = self.shared
    return Tensor(shape: input.shape) { y in
      input.scalars.withUnsafeBufferPointer { x in
        slope.value.scalars.withUnsafeBufferPointer { a in
          for item in 0..<n {
            for c in 0..<channels {
              let base = (item * channels + c) * plane
              let ac = a[shared ? 0 : c]
              for p in base..<(base + plane) {
                let v = x[p]
                y[p] = v > 0 ? v : ac * v
              }
            }
          }
        }
      }
    }
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    guard let input = cachedInput else { preconditionFailure("PReLU.backward needs a training-mode forward first") }
    precondition(outputGradient.shape == input.shape, "PReLU.backward expects gradient \(input.shape), got \(outputGradient.shape)")
    let (n, plane) = layout(input)
    let channels = self.channels, shared = self.shared
    var slopeGradient = [Float](repeating: 0, count: channels)
    let inputGradient = Tensor(shape: input.shape) { dx in
      input.scalars.withUnsafeBufferPointer { x in
        outputGradient.scalars.withUnsafeBufferPointer { dy in
          slope.value.scalars.withUnsafeBufferPointer { a in
            for item in 0..<n {
              for c in 0..<channels {
                let base = (item * channels + c) * plane
                let ac = a[shared ? 0 : c]
                var sum: Float = 0
                for p in base..<(base + plane) {
                  let v = x[p], g = dy[p]
                  dx[p] = v > 0 ? g : ac * g
                  sum += v > 0 ? 0 : g * v
                }
                slopeGradient[c] += sum
              }
            }
          }
        }
      }
    }
    if shared {
      slope.gradient[0] += slopeGradient.reduce(0, +)
    } else {
      for c in 0..<channels { slope.gradient[c] += slopeGradient[c] }
    }
    return inputGradient
  }
}
