/// Layers applied in order; backward runs them in reverse.
public final class Sequential: StatefulLayer, WorkerSplitting {
  public let layers: [any Layer]
  private var blockedEvaluations: [Int: (BlockedEvaluation, Int)?] = [:]

  /// How many threads each layer splits its work across; setting it sets every layer's.
  public var workers = 1 {
    didSet {
      precondition(workers >= 1, "worker count must be at least 1, got \(workers)")
      for case let layer as any WorkerSplitting in layers { layer.workers = workers }
    }
  }

  /// The Linear layers whose following PReLU runs inside their passes, by the Linear's index.
  private let fusedPairs: [Int: (linear: Linear, prelu: PReLU)]
  /// Runs of consecutive Linear layers (with their fused PReLUs) that run forward in one pass,
  /// by the first Linear's index, with the index after the run.
  private let linearChains: [Int: (chain: LinearChain, end: Int)]

  public init(_ layers: [any Layer]) {
    self.layers = layers
    var pairs: [Int: (linear: Linear, prelu: PReLU)] = [:]
    for index in layers.indices.dropLast() {
      if let linear = layers[index] as? Linear, let prelu = layers[index + 1] as? PReLU,
        prelu.channels == linear.outFeatures
      {
        pairs[index] = (linear, prelu)
      }
    }
    fusedPairs = pairs
    var chains: [Int: (chain: LinearChain, end: Int)] = [:]
    var index = 0
    while index < layers.count {
      if let found = LinearChain.chain(in: layers, from: index, fusedPairs: pairs) {
        chains[index] = found
        index = found.end
      } else {
        index += 1
      }
    }
    linearChains = chains
  }

  /// The layer ranges that run forward as one `LinearChain`.
  var linearChainRanges: [Range<Int>] {
    linearChains.map { $0.key..<$0.value.end }.sorted { $0.lowerBound < $1.lowerBound }
  }

  public var parameters: [Parameter] { layers.flatMap(\.parameters) }
  public var buffers: [StateBuffer] { layers.flatMap(\.stateBuffers) }

  public func forward(_ input: Tensor, mode: Mode) -> Tensor {
    var x = input
    var index = 0
    while index < layers.count {
      // In evaluation a run of convolutions, PReLUs and poolings goes through oneDNN's blocked
      // layout chunk by chunk: the same bits, without the round trips through NCHW.
      if mode == .evaluation, let (evaluation, end) = blockedEvaluation(from: index),
        let y = evaluation.forward(x, workers: workers)
      {
        x = y
        index = end
        continue
      }
      // Consecutive Linear layers: each worker takes its rows through all of them without a join.
      if let (chain, end) = linearChains[index], let y = chain.forward(x, mode: mode) {
        x = y
        index = end
        continue
      }
      if let (linear, prelu) = fusedPairs[index] {
        x = linear.forward(x, mode: mode, activation: prelu)
        index += 2
        continue
      }
      x = layers[index].forward(x, mode: mode)
      index += 1
    }
    return x
  }

  /// The blocked evaluation of the convolution run starting at layer `index`, if there is one.
  private func blockedEvaluation(from index: Int) -> (BlockedEvaluation, Int)? {
    if let known = blockedEvaluations[index] { return known }
    let found = BlockedEvaluation.run(in: layers, from: index).map { (BlockedEvaluation(stages: $0.stages), $0.end) }
    blockedEvaluations[index] = .some(found)
    return found
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    var g = outputGradient
    var index = layers.count - 1
    while index >= 0 {
      if let (linear, prelu) = fusedPairs[index - 1] {
        g = linear.backward(g, activation: prelu)
        index -= 2
        continue
      }
      g = layers[index].backward(g)
      index -= 1
    }
    return g
  }
}
