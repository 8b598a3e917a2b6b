/// Reshapes `[N, d1, d2, ...]` to `[N, d1·d2·...]` (row-major, so no data moves).
public final class Flatten: Layer {
  private var inputShape: [Int]?

  public init() {}

  public var parameters: [Parameter] { [] }

  public func forward(_ input: Tensor, mode: Mode) -> Tensor {
    precondition(input.rank >= 2, "Flatten expects [N, ...], got \(input.shape)")
    inputShape = input.shape
    return input.reshaped([input.batchSize, input.itemSize])
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    guard let shape = inputShape else { preconditionFailure("Flatten.backward needs a forward first") }
    precondition(
      outputGradient.count == shape.reduce(1, *),
      "Flatten.backward expects \(shape.reduce(1, *)) scalars for input \(shape), got \(outputGradient.shape)")
    return outputGradient.reshaped(shape)
  }
}
