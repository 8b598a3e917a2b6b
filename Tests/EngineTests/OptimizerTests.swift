import Engine
import Testing

/// Optimiser steps against values computed by hand (PyTorch's update rules).
@Suite(.timeLimit(.minutes(5))) struct OptimizerTests {
  static func parameter(_ values: [Float], name: String = "w", decayMultiplier: Float = 1) -> Parameter {
    Parameter(name: name, value: Tensor(shape: [values.count], scalars: values), weightDecayMultiplier: decayMultiplier)
  }

  static func setGradient(_ parameter: Parameter, _ values: [Float]) {
    parameter.gradient = Tensor(shape: [values.count], scalars: values)
  }

  static func expectClose(
    _ actual: Tensor, _ expected: [Double], accuracy: Double = 1e-6, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    for (a, e) in zip(actual.scalars, expected) {
      #expect(
        abs(Double(a) - e) <= accuracy, "got \(actual.scalars), expected \(expected)", sourceLocation: sourceLocation)
    }
  }

  @Test func sgdWithMomentumMatchesHandComputedSteps() {
    let w = Self.parameter([1, -2])
    let sgd = SGD(momentum: 0.9)
    // Step 1: v = g = (0.5, -1);        w = (1, -2) − 0.1·v = (0.95, −1.9)
    Self.setGradient(w, [0.5, -1])
    sgd.step([w], learningRate: 0.1)
    Self.expectClose(w.value, [0.95, -1.9])
    // Step 2: v = 0.9·(0.5, −1) + (0.2, 0.4) = (0.65, −0.5);  w = (0.885, −1.85)
    Self.setGradient(w, [0.2, 0.4])
    sgd.step([w], learningRate: 0.1)
    Self.expectClose(w.value, [0.885, -1.85])
    // Step 3 with lr 0.05: v = 0.9·(0.65, −0.5) + (0, 0) = (0.585, −0.45);  w = (0.85575, −1.8275)
    Self.setGradient(w, [0, 0])
    sgd.step([w], learningRate: 0.05)
    Self.expectClose(w.value, [0.85575, -1.8275])
  }

  // A parameter large enough to be split over the workers (≥ 2^15 scalars) gets the same bits
  // from one worker as from two, on the first step (velocity created) and after.
  @Test(arguments: [false, true])
  func splitUpdateKeepsTheBits(nesterov: Bool) {
    let count = 40_001
    func run(workers: Int) -> (Tensor, [NamedTensor]) {
      let w = Self.parameter((0..<count).map { Float($0 % 97) * 0.013 - 0.6 })
      let sgd = SGD(momentum: 0.9, weightDecay: 5e-4, nesterov: nesterov, workers: workers)
      for step in 0..<3 {
        Self.setGradient(w, (0..<count).map { Float(($0 * 31 + step * 7) % 89) * 0.011 - 0.45 })
        sgd.step([w], learningRate: 0.1)
      }
      return (w.value, sgd.state)
    }
    let (one, two) = (run(workers: 1), run(workers: 2))
    #expect(one.0.scalars.map(\.bitPattern) == two.0.scalars.map(\.bitPattern))
    #expect(one.1.map { $0.tensor.scalars.map(\.bitPattern) } == two.1.map { $0.tensor.scalars.map(\.bitPattern) })
    #expect(one.0.scalars != Self.parameter((0..<count).map { Float($0 % 97) * 0.013 - 0.6 }).value.scalars)
  }

  @Test func nesterovMatchesHandComputedSteps() {
    let w = Self.parameter([1])
    let sgd = SGD(momentum: 0.5, nesterov: true)
    // Step 1: v = g = 2;  w = 1 − 0.1·(2 + 0.5·2) = 0.7
    Self.setGradient(w, [2])
    sgd.step([w], learningRate: 0.1)
    Self.expectClose(w.value, [0.7])
    // Step 2: g = 1, v = 0.5·2 + 1 = 2;  w = 0.7 − 0.1·(1 + 0.5·2) = 0.5
    Self.setGradient(w, [1])
    sgd.step([w], learningRate: 0.1)
    Self.expectClose(w.value, [0.5])
  }

  @Test func weightDecayRespectsTheMultiplier() {
    let decayed = Self.parameter([2], name: "decayed")
    let exempt = Self.parameter([2], name: "exempt", decayMultiplier: 0)
    let half = Self.parameter([2], name: "half", decayMultiplier: 0.5)
    let sgd = SGD(momentum: 0, weightDecay: 0.1)
    for p in [decayed, exempt, half] { Self.setGradient(p, [1]) }
    sgd.step([decayed, exempt, half], learningRate: 0.5)
    // g = 1 + 0.1·m·2:  m = 1 → 1.2, w = 1.4;  m = 0 → 1, w = 1.5;  m = 0.5 → 1.1, w = 1.45
    Self.expectClose(decayed.value, [1.4])
    Self.expectClose(exempt.value, [1.5])
    Self.expectClose(half.value, [1.45])
  }

  @Test func adamMatchesHandComputedSteps() {
    let w = Self.parameter([1, 1])
    let adam = Adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
    // Step 1: m = 0.1·g, v = 0.001·g²; m̂ = g, v̂ = g²; w −= lr·g/(|g| + ε) = lr·sign(g)
    Self.setGradient(w, [0.5, -3])
    adam.step([w], learningRate: 0.01)
    Self.expectClose(w.value, [0.99, 1.01])
    // Step 2 (g = 0.5, 1):
    //   m = 0.9·0.05 + 0.05 = 0.095,        v = 0.999·0.00025 + 0.00025 = 0.00049975
    //   m̂ = 0.095/0.19 = 0.5,               v̂ = 0.00049975/0.001999 = 0.25  → step 0.01·0.5/0.5
    //   second coordinate: m = 0.9·(−0.3) + 0.1 = −0.17,  v = 0.999·0.009 + 0.001 = 0.009991
    //   m̂ = −0.894736842, v̂ = 4.998/… = 0.009991/0.001999 = 4.998  → step 0.01·(−0.894736842)/2.2356
    Self.setGradient(w, [0.5, 1])
    adam.step([w], learningRate: 0.01)
    let secondStep = 0.01 * (-0.17 / 0.19) / (0.009991 / 0.001999).squareRoot()
    Self.expectClose(w.value, [0.98, 1.01 - secondStep], accuracy: 2e-6)
    #expect(adam.stepCount == 2)
  }

  @Test func optimizerStateRoundTripResumesIdentically() throws {
    for make in [
      { SGD(momentum: 0.9, weightDecay: 1e-3, nesterov: true) as any Optimizer }, { Adam(weightDecay: 1e-3) },
    ] {
      let a = Self.parameter([1, 2, 3])
      let b = Self.parameter([1, 2, 3])
      let first = make()
      let second = make()
      let gradients: [[Float]] = [[0.1, -0.2, 0.3], [0.5, 0.1, -0.4], [-0.3, 0.2, 0.2]]
      Self.setGradient(a, gradients[0])
      first.step([a], learningRate: 0.1)
      b.value = a.value
      try second.restore(first.state, for: [b])
      for g in gradients.dropFirst() {
        Self.setGradient(a, g)
        Self.setGradient(b, g)
        first.step([a], learningRate: 0.1)
        second.step([b], learningRate: 0.1)
      }
      #expect(a.value == b.value)
      #expect(first.state == second.state)
    }
  }

  @Test func restoringMismatchedStateThrows() {
    let sgd = SGD(momentum: 0.9)
    let w = Self.parameter([1, 2])
    let bad = [NamedTensor(name: "velocity.w", tensor: Tensor(zeros: [3]))]
    #expect(throws: StateError.shapeMismatch(name: "velocity.w", expected: [2], found: [3])) {
      try sgd.restore(bad, for: [w])
    }
  }
}
