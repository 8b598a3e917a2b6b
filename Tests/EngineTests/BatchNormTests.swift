import Engine
import Testing

@Suite struct BatchNormTests {
  @Test func trainingUsesBatchStatisticsAndUpdatesRunningOnes() {
    let bn = BatchNorm(name: "bn", channels: 2, momentum: 0.1)
    // Channel 0 holds 1, 2, 3, 4 (mean 2.5, biased variance 1.25, unbiased 5/3); channel 1 holds 0s and 2s.
    let x = Tensor(shape: [2, 2, 1, 2], scalars: [1, 2, 0, 2, 3, 4, 0, 2])
    let y = bn.forward(x, mode: .training)
    let inverse = 1 / (1.25 + 1e-5 as Float).squareRoot()
    #expect(abs(y[0] - (1 - 2.5) * inverse) < 1e-5)
    #expect(abs(y[5] - (4 - 2.5) * inverse) < 1e-5)
    #expect(abs(y[2] + 1) < 1e-4 && abs(y[3] - 1) < 1e-4)
    // running = 0.9·initial + 0.1·batch (initial mean 0, variance 1)
    #expect(abs(bn.runningMean.value[0] - 0.25) < 1e-6)
    #expect(abs(bn.runningVariance.value[0] - (0.9 + 0.1 * 5 / 3)) < 1e-6)
    #expect(abs(bn.runningMean.value[1] - 0.1) < 1e-6)
    #expect(abs(bn.runningVariance.value[1] - (0.9 + 0.1 * 4 / 3)) < 1e-6)
  }

  @Test func evaluationUsesRunningStatisticsAndLeavesThemAlone() {
    let bn = BatchNorm(name: "bn", channels: 1)
    bn.runningMean.value[0] = 2
    bn.runningVariance.value[0] = 4
    bn.scale.value[0] = 3
    bn.shift.value[0] = 1
    let x = Tensor(shape: [3, 1], scalars: [2, 4, 10])
    let y = bn.forward(x, mode: .evaluation)
    let inverse = 1 / (4 + 1e-5 as Float).squareRoot()
    for i in 0..<3 { #expect(abs(y[i] - (3 * (x[i] - 2) * inverse + 1)) < 1e-5) }
    #expect(bn.runningMean.value[0] == 2 && bn.runningVariance.value[0] == 4)
    // The same input in training mode is normalised by its own statistics instead.
    let trained = bn.forward(x, mode: .training)
    #expect(abs(trained.scalars.reduce(0, +) - 3) < 1e-4)
  }

  @Test func runningStatisticsConvergeToTheDataStatistics() {
    let bn = BatchNorm(name: "bn", channels: 1, momentum: 0.5)
    let x = Tensor(shape: [4, 1], scalars: [3, 5, 3, 5])
    for _ in 0..<30 { _ = bn.forward(x, mode: .training) }
    #expect(abs(bn.runningMean.value[0] - 4) < 1e-5)
    #expect(abs(bn.runningVariance.value[0] - 4.0 / 3.0) < 1e-5)
    #expect(bn.buffers.map(\.name) == ["bn.runningMean", "bn.runningVariance"])
  }
}
