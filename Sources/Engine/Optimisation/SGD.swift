/// Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay,
/// in PyTorch's formulation (the anchor benchmark's):
///
/// ```
/// g = ∇w + λ · m_w · w                         (m_w: the parameter's weightDecayMultiplier)
/// v = μ · v + g                                 (v starts at g on the first step)
/// w = w − η · (nesterov ? g + μ · v : v)
/// ```
public final class SGD: Optimizer {
  public let momentum: Float
  public let weightDecay: Float
  public let nesterov: Bool
  /// How many threads a large parameter's update is split across (element ranges: each element
  /// gets the same operations whatever the split, so the count does not change a bit).
  public let workers: Int
  private var velocities: [String: Tensor] = [:]
  private var order: [String] = []

  public init(momentum: Float = 0.9, weightDecay: Float = 0, nesterov: Bool = false, workers: Int = 1) {
    precondition(workers >= 1, "SGD needs at least one worker, got \(workers)")
    self.workers = workers
    precondition(
      momentum >= 0 && weightDecay >= 0, "SGD needs momentum, weight decay >= 0, got \(momentum), \(weightDecay)")
    precondition(!nesterov || momentum > 0, "Nesterov SGD needs a positive momentum")
    self.momentum = momentum
    self.weightDecay = weightDecay
    self.nesterov = nesterov
  }

  public func step(_ parameters: [Parameter], learningRate: Float) {
    precondition(hasUniqueNames(parameters), "optimiser state is keyed by parameter name; names must be unique")
    for parameter in parameters {
      let decay = weightDecay * parameter.weightDecayMultiplier
      let isNew = velocities[parameter.name] == nil
      if isNew { order.append(parameter.name) }
      var velocity = velocities.removeValue(forKey: parameter.name) ?? Tensor(zeros: parameter.value.shape)
      let gradient = parameter.gradient
      let (mu, nesterov) = (momentum, self.nesterov)
      velocity.withUnsafeMutablePointer { velocityBase in
        gradient.withUnsafePointer { gradientBase in
          parameter.value.withUnsafeMutablePointer { valueBase in
            let (v, dw, w) = (
              UncheckedSendable(velocityBase), UncheckedSendable(gradientBase), UncheckedSendable(valueBase)
            )
            // Workers update disjoint element ranges.
            forEachElementRange(of: gradient.count, workers: workers) { range in
              SGD.update(
                v.value + range.lowerBound, w.value + range.lowerBound, gradient: dw.value + range.lowerBound,
                count: range.count, first: isNew, nesterov: nesterov, momentum: mu, decay: decay,
                learningRate: learningRate)
            }
          }
        }
      }
      velocities[parameter.name] = velocity
    }
  }

  /// One pass per element (the same operations, in the same order, as the two passes this
  /// replaced), with the branches hoisted out so each loop vectorises.
  @inline(__always)
  private static func update(
    _ v: UnsafeMutablePointer<Float>, _ w: UnsafeMutablePointer<Float>, gradient dw: UnsafePointer<Float>,
    count: Int, first: Bool, nesterov: Bool, momentum mu: Float, decay: Float, learningRate: Float
  ) {
    switch (first, nesterov) {
    case (true, true):
      for i in 0..<count {
        let g = dw[i] + decay * w[i]
        v[i] = g
        w[i] -= learningRate * (g + mu * g)
      }
    case (false, true):
      for i in 0..<count {
        let g = dw[i] + decay * w[i]
        let velocity = mu * v[i] + g
        v[i] = velocity
        w[i] -= learningRate * (g + mu * velocity)
      }
    case (true, false):
      for i in 0..<count {
        let g = dw[i] + decay * w[i]
        v[i] = g
        w[i] -= learningRate * g
      }
    case (false, false):
      for i in 0..<count {
        let velocity = mu * v[i] + (dw[i] + decay * w[i])
        v[i] = velocity
        w[i] -= learningRate * velocity
      }
    }
  }

  public var state: [NamedTensor] {
    order.compactMap { name in velocities[name].map { NamedTensor(name: "velocity." + name, tensor: $0) } }
  }

  public func restore(_ state: [NamedTensor], for parameters: [Parameter]) throws(StateError) {
    let present = Set(state.map(\.name))
    // Parameters that had not been stepped yet have no buffer; restore exactly the saved ones.
    let targets = parameters.filter { present.contains("velocity." + $0.name) }
    var restored: [String: Tensor] = [:]
    try Engine.restore(
      state,
      into: targets.map { parameter in
        ("velocity." + parameter.name, parameter.value.shape, { restored[parameter.name] = $0 })
      })
    velocities = restored
    order = targets.map(\.name)
  }
}
