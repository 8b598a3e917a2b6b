import Foundation

/// The λ annealing of L-Softmax and SphereFace: `λ(it) = max(λ_min, base · (1 + γ·it)^(−power))`.
///
/// The target logit is blended as `(‖W_y‖‖x‖ψ(θ_y) + λ W_yᵀx) / (1 + λ)`, so a large λ starts the
/// training as plain softmax and the margin fades in as λ decays (the released L-Softmax and SphereFace code;
/// docs/references/papers.md#l-softmax).
/// `base = 0` disables the blending (λ = λ_min, normally 0), as the L-Softmax README advises for MNIST.
/// The schedule is a value: the iteration is passed in, nothing is counted inside the loss.
public struct LambdaSchedule: Codable, Sendable, Equatable {
  public var base: Double
  public var gamma: Double
  public var power: Double
  public var minimum: Double

  public init(base: Double, gamma: Double, power: Double, minimum: Double) {
    self.base = base
    self.gamma = gamma
    self.power = power
    self.minimum = minimum
  }

  /// No annealing: λ = 0 at every iteration.
  public static let disabled = LambdaSchedule(base: 0, gamma: 0, power: 1, minimum: 0)

  /// The official L-Softmax MNIST prototxt (Liu et al., ICML 2016, released code): base 1000, γ 2.5e-5,
  /// power 35, λ_min 0.
  public static let lSoftmaxMNIST = LambdaSchedule(base: 1000, gamma: 2.5e-5, power: 35, minimum: 0)

  /// The official SphereFace prototxt (Liu et al., CVPR 2017, released code): base 1000, γ 0.12, power 1,
  /// λ_min 5.
  public static let sphereFace = LambdaSchedule(base: 1000, gamma: 0.12, power: 1, minimum: 5)

  /// λ at `iteration` (Caffe increments its counter before the first forward, so pass 1 for the first batch
  /// to reproduce its numbers exactly; iteration 0 gives `base`).
  public func value(at iteration: Int) -> Double {
    let decayed = base * pow(1 + gamma * Double(max(0, iteration)), -power)
    return max(minimum, decayed.isFinite ? decayed : 0)
  }
}

/// A linear ramp of an additive margin from 0 to its target value over `iterations`.
///
/// 2-D ArcFace rarely converges with its full margin from the start; the smkim7-kr toy raises m
/// linearly from 0 (docs/references/papers.md#practical-facts-used-across-the-project). The ramp
/// multiplies the margin by `min(1, iteration / iterations)`.
public struct MarginRamp: Codable, Sendable, Equatable {
  public var iterations: Int

  public init(iterations: Int) {
    self.iterations = iterations
  }

  /// The fraction of the target margin in force at `iteration`, in [0, 1].
  public func fraction(at iteration: Int) -> Double {
    guard iterations > 0 else { return 1 }
    return min(1, max(0, Double(iteration) / Double(iterations)))
  }
}
