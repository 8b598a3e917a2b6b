/// Layers applied in order; backward runs them in reverse.
public final class Sequential: StatefulLayer, WorkerSplitting {
  public let layers: [any Layer]

  /// How many threads each layer splits its work across; setting it sets every layer's.
  public var workers = 1 {
    didSet {
      precondition(workers >= 1, "worker count must be at least 1, got \(workers)")
      for case let layer as any WorkerSplitting in layers { layer.workers = workers }
    }
  }

  public init(_ layers: [any Layer]) {
    self.layers = layers
  }

  public var parameters: [Parameter] { layers.flatMap(\.parameters) }
  public var buffers: [StateBuffer] { layers.flatMap(\.stateBuffers) }

  public func forward(_ input: Tensor, mode: Mode) -> Tensor {
    var x = input
    for layer in layers { x = layer.forward(x, mode: mode) }
    return x
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    var g = outputGradient
    for layer in layers.reversed() { g = layer.backward(g) }
    return g
  }
}
