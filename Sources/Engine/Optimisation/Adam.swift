import Foundation

/// Adam (Kingma & Ba 2015) with L2 weight decay added to the gradient, as PyTorch's `Adam`:
///
/// ```
/// g = ∇w + λ · m_w · w
/// m = β1 · m + (1 − β1) · g          v = β2 · v + (1 − β2) · g²
/// w = w − η · (m / (1 − β1^t)) / (sqrt(v / (1 − β2^t)) + ε)
/// ```
public final class Adam: Optimizer {
  public let beta1: Float
  public let beta2: Float
  public let epsilon: Float
  public let weightDecay: Float
  /// Steps taken so far (t in the bias corrections).
  public private(set) var stepCount = 0
  private var moments: [String: (first: Tensor, second: Tensor)] = [:]
  private var order: [String] = []

  public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
    precondition(
      (0..<1).contains(beta1) && (0..<1).contains(beta2), "Adam betas must be in [0, 1), got \(beta1), \(beta2)")
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
  }

  public func step(_ parameters: [Parameter], learningRate: Float) {
    precondition(hasUniqueNames(parameters), "optimiser state is keyed by parameter name; names must be unique")
    stepCount += 1
    let correction1 = 1 - Float(pow(Double(beta1), Double(stepCount)))
    let correction2 = 1 - Float(pow(Double(beta2), Double(stepCount)))
    let (b1, b2, eps) = (beta1, beta2, epsilon)
    for parameter in parameters {
      let decay = weightDecay * parameter.weightDecayMultiplier
      if moments[parameter.name] == nil { order.append(parameter.name) }
      var (m, v) =
        moments.removeValue(forKey: parameter.name)
        ?? (Tensor(zeros: parameter.value.shape), Tensor(zeros: parameter.value.shape))
      let gradient = parameter.gradient
      m.withUnsafeMutablePointer { m in
        v.withUnsafeMutablePointer { v in
          gradient.withUnsafePointer { dw in
            parameter.value.withUnsafeMutablePointer { w in
              for i in 0..<gradient.count {
                let g = dw[i] + decay * w[i]
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                w[i] -= learningRate * (m[i] / correction1) / ((v[i] / correction2).squareRoot() + eps)
              }
            }
          }
        }
      }
      moments[parameter.name] = (m, v)
    }
  }

  public var state: [NamedTensor] {
    [NamedTensor(name: "stepCount", tensor: Tensor(shape: [1], scalars: [Float(stepCount)]))]
      + order.flatMap { name -> [NamedTensor] in
        guard let (m, v) = moments[name] else { return [] }
        return [
          NamedTensor(name: "firstMoment." + name, tensor: m), NamedTensor(name: "secondMoment." + name, tensor: v),
        ]
      }
  }

  public func restore(_ state: [NamedTensor], for parameters: [Parameter]) throws(StateError) {
    let present = Set(state.map(\.name))
    let targets = parameters.filter { present.contains("firstMoment." + $0.name) }
    var firsts: [String: Tensor] = [:]
    var seconds: [String: Tensor] = [:]
    var steps: Float = 0
    var entries: [(name: String, shape: [Int], set: (Tensor) -> Void)] = [("stepCount", [1], { steps = $0[0] })]
    for parameter in targets {
      entries.append(("firstMoment." + parameter.name, parameter.value.shape, { firsts[parameter.name] = $0 }))
      entries.append(("secondMoment." + parameter.name, parameter.value.shape, { seconds[parameter.name] = $0 }))
    }
    try Engine.restore(state, into: entries)
    // Float holds every integer up to 2^24 exactly, far beyond any run here.
    stepCount = Int(steps)
    moments = [:]
    for parameter in targets {
      if let m = firsts[parameter.name], let v = seconds[parameter.name] { moments[parameter.name] = (m, v) }
    }
    order = targets.map(\.name)
  }
}
