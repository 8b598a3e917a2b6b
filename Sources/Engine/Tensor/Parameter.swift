/// A learnable tensor and the gradient accumulated into it by `backward`.
///
/// A class, like Caffe's blobs, so that layers, losses and optimisers share one
/// object: a layer accumulates into `gradient`, an optimiser reads it and updates
/// `value`, and nothing has to be copied back.
public final class Parameter {
  /// A name unique within its network (`conv1.weight`), used in checkpoints and messages.
  public let name: String
  public var value: Tensor { didSet { version &+= 1 } }
  /// Counts the changes to `value` (any write, in place or whole): a layer that keeps the value
  /// in another form (a kernel's blocked weights) redoes it only when this differs.
  public private(set) var version: UInt64 = 0
  public var gradient: Tensor
  /// Multiplies the optimiser's weight decay for this parameter (0 for biases and PReLU slopes).
  public var weightDecayMultiplier: Float

  public init(name: String, value: Tensor, weightDecayMultiplier: Float = 1) {
    self.name = name
    self.value = value
    self.gradient = Tensor(zeros: value.shape)
    self.weightDecayMultiplier = weightDecayMultiplier
  }

  /// Sets the accumulated gradient to zero, keeping its storage; a large one is cleared in
  /// `workers` element ranges at once.
  public func zeroGradient(workers: Int = 1) {
    let count = gradient.count
    gradient.withUnsafeMutablePointer { base in
      let gradient = UncheckedSendable(base)
      // Workers clear disjoint element ranges.
      forEachElementRange(of: count, workers: workers) { range in
        (gradient.value + range.lowerBound).update(repeating: 0, count: range.count)
      }
    }
  }
}
