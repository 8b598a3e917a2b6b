/// Updates parameters from their accumulated gradients.
///
/// Optimisers read `Parameter.gradient` and never clear it: the trainer calls
/// `zeroGradient()` (or `Network.zeroGradients()`) before the next backward pass.
public protocol Optimizer: AnyObject {
  /// Applies one update with the given learning rate (from a `LearningRateSchedule`).
  func step(_ parameters: [Parameter], learningRate: Float)
  /// Everything needed to resume bit-identically (momentum buffers, step counts), with stable names.
  var state: [NamedTensor] { get }
  /// Restores what `state` returned; the buffers must match the parameters by name and shape.
  func restore(_ state: [NamedTensor], for parameters: [Parameter]) throws(StateError)
}

/// Whether no two parameters share a name (optimiser buffers are keyed by name).
func hasUniqueNames(_ parameters: [Parameter]) -> Bool {
  Set(parameters.map(\.name)).count == parameters.count
}
