/// Whether a layer runs as in training (batch statistics, caches for backward) or inference.
public enum Mode: Sendable {
  case training
  case evaluation
}

/// A differentiable building block in Caffe's contract: `forward` caches what
/// `backward` needs; `backward` accumulates into each parameter's gradient and
/// returns the gradient with respect to the input.
public protocol Layer: AnyObject {
  /// Computes the output for `input`, caching what `backward` needs when `mode` is `.training`.
  func forward(_ input: Tensor, mode: Mode) -> Tensor
  /// Given dLoss/dOutput for the last `forward`, accumulates parameter gradients and returns dLoss/dInput.
  func backward(_ outputGradient: Tensor) -> Tensor
  /// The learnable parameters, in a fixed order (checkpoints and optimisers rely on it).
  var parameters: [Parameter] { get }
}
