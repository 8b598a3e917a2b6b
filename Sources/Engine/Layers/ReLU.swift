/// The rectifier, elementwise on any shape:
///
/// ```
/// y = max(0, x)        dL/dx = dL/dy · [x > 0]
/// ```
public final class ReLU: Layer {
  private var cachedOutput: Tensor?

  public init() {}

  public var parameters: [Parameter] { [] }

  public func forward(_ input: Tensor, mode: Mode) -> Tensor {
    let output = Tensor(shape: input.shape) { y in
      input.scalars.withUnsafeBufferPointer { x in
        for i in 0..<x.count { y[i] = max(0, x[i]) }
      }
    }
    cachedOutput = mode == .training ? output : nil
    return output
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    guard let output = cachedOutput else { preconditionFailure("ReLU.backward needs a training-mode forward first") }
    precondition(
      outputGradient.shape == output.shape,
      "ReLU.backward expects gradient \(output.shape), got \(outputGradient.shape)")
    // y > 0 exactly when x > 0, so the cached output is the mask.
    return Tensor(shape: output.shape) { dx in
      output.scalars.withUnsafeBufferPointer { y in
        outputGradient.scalars.withUnsafeBufferPointer { dy in
          for i in 0..<y.count { dx[i] = y[i] > 0 ? dy[i] : 0 }
        }
      }
    }
  }
}
