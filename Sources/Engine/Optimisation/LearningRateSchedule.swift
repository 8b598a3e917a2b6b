import Foundation

/// A learning rate as a pure function of the iteration (0-based), so a resumed run needs only
/// the iteration number.
public indirect enum LearningRateSchedule: Codable, Sendable, Equatable {
  /// `η(t) = rate`.
  case constant(rate: Float)
  /// Caffe's "step": `η(t) = base · γ^floor(t / stepSize)`.
  case step(base: Float, stepSize: Int, gamma: Float)
  /// Caffe's "multistep": `η(t) = base · γ^(number of milestones ≤ t)`.
  case multistep(base: Float, milestones: [Int], gamma: Float)
  /// Cosine annealing (Loshchilov & Hutter 2017) from `base` to `minimum` over `iterations`,
  /// then constant at `minimum`: `η(t) = min + (base − min) · (1 + cos(π·t/T)) / 2`.
  case cosine(base: Float, minimum: Float, iterations: Int)
  /// Linear warm-up over the wrapped schedule `s`: `η(t) = (f + (1 − f)·t/W) · η_s(t)` for
  /// `t < W` (f = `startFactor`, W = `iterations`), then `η_s(t)` unchanged; composes with any schedule.
  case warmup(iterations: Int, startFactor: Float, then: LearningRateSchedule)
  /// One-cycle (Smith & Topin 2017, as PyTorch's `OneCycleLR` with cosine annealing): from
  /// `maximum / divFactor` up to `maximum` over the first `warmupFraction · iterations` steps,
  /// then down to `maximum / (divFactor · finalDivFactor)` at the last step.
  case oneCycle(maximum: Float, iterations: Int, warmupFraction: Float, divFactor: Float, finalDivFactor: Float)

  /// The one-cycle schedule with PyTorch's defaults (30 % warm-up, div 25, final div 10⁴).
  public static func oneCycle(maximum: Float, iterations: Int) -> LearningRateSchedule {
    .oneCycle(maximum: maximum, iterations: iterations, warmupFraction: 0.3, divFactor: 25, finalDivFactor: 1e4)
  }

  /// The learning rate at `iteration` (0-based).
  public func learningRate(at iteration: Int) -> Float {
    precondition(iteration >= 0, "iteration must be non-negative, got \(iteration)")
    switch self {
    case .constant(let rate):
      return rate
    case .step(let base, let stepSize, let gamma):
      precondition(stepSize > 0, "step schedule needs a positive step size, got \(stepSize)")
      return base * Float(pow(Double(gamma), Double(iteration / stepSize)))
    case .multistep(let base, let milestones, let gamma):
      let passed = milestones.filter { $0 <= iteration }.count
      return base * Float(pow(Double(gamma), Double(passed)))
    case .cosine(let base, let minimum, let iterations):
      precondition(iterations > 0, "cosine schedule needs positive iterations, got \(iterations)")
      let t = Double(min(iteration, iterations)) / Double(iterations)
      return minimum + (base - minimum) * Float((1 + cos(Double.pi * t)) / 2)
    case .warmup(let iterations, let startFactor, let then):
      guard iteration < iterations else { return then.learningRate(at: iteration) }
      let factor = startFactor + (1 - startFactor) * Float(iteration) / Float(iterations)
      return factor * then.learningRate(at: iteration)
    case .oneCycle(let maximum, let iterations, let warmupFraction, let divFactor, let finalDivFactor):
      precondition(iterations > 1, "one-cycle schedule needs at least 2 iterations, got \(iterations)")
      let initial = maximum / divFactor
      let final = initial / finalDivFactor
      // PyTorch's phase ends: the peak at warmupFraction·T − 1, the end at T − 1.
      let peak = max(1, Double(warmupFraction) * Double(iterations) - 1)
      let last = Double(iterations - 1)
      let t = Double(min(iteration, iterations - 1))
      func anneal(_ from: Float, _ to: Float, _ fraction: Double) -> Float {
        to + (from - to) * Float((1 + cos(Double.pi * fraction)) / 2)
      }
      if t <= peak { return anneal(initial, maximum, t / peak) }
      return anneal(maximum, final, (t - peak) / max(1, last - peak))
    }
  }
}
