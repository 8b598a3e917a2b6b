import Engine
import Foundation
import Testing

@Suite struct ScheduleTests {
  static func expectRate(
    _ schedule: LearningRateSchedule, at t: Int, _ expected: Double, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let actual = Double(schedule.learningRate(at: t))
    #expect(
      abs(actual - expected) <= 1e-6 * max(1, abs(expected)), "t = \(t): \(actual) != \(expected)",
      sourceLocation: sourceLocation)
  }

  @Test func constantStepAndMultistep() {
    Self.expectRate(.constant(rate: 0.1), at: 1000, 0.1)
    let step = LearningRateSchedule.step(base: 0.1, stepSize: 10, gamma: 0.5)
    Self.expectRate(step, at: 0, 0.1)
    Self.expectRate(step, at: 9, 0.1)
    Self.expectRate(step, at: 10, 0.05)
    Self.expectRate(step, at: 25, 0.025)
    let multistep = LearningRateSchedule.multistep(base: 1, milestones: [5, 8], gamma: 0.1)
    Self.expectRate(multistep, at: 4, 1)
    Self.expectRate(multistep, at: 5, 0.1)
    Self.expectRate(multistep, at: 7, 0.1)
    Self.expectRate(multistep, at: 8, 0.01)
  }

  @Test func cosineHitsItsEndsAndMidpoint() {
    let cosine = LearningRateSchedule.cosine(base: 1, minimum: 0.1, iterations: 100)
    Self.expectRate(cosine, at: 0, 1)
    Self.expectRate(cosine, at: 50, 0.55)
    Self.expectRate(cosine, at: 100, 0.1)
    Self.expectRate(cosine, at: 150, 0.1)
    Self.expectRate(cosine, at: 25, 0.1 + 0.9 * (1 + cos(Double.pi / 4)) / 2)
  }

  @Test func warmupRampsLinearlyThenHandsOver() {
    let schedule = LearningRateSchedule.warmup(
      iterations: 10, startFactor: 0.1, then: .step(base: 1, stepSize: 20, gamma: 0.1))
    Self.expectRate(schedule, at: 0, 0.1)
    Self.expectRate(schedule, at: 5, 0.55)
    Self.expectRate(schedule, at: 10, 1)
    Self.expectRate(schedule, at: 20, 0.1)
  }

  @Test func oneCycleRisesToTheMaximumAndFallsToTheFloor() {
    let schedule = LearningRateSchedule.oneCycle(maximum: 0.1, iterations: 101)
    // Peak at 0.3·101 − 1 = 29.3 (PyTorch's phase end); start max/25; end max/25/1e4.
    Self.expectRate(schedule, at: 0, 0.004)
    Self.expectRate(schedule, at: 100, 0.004 / 1e4)
    let rates = (0..<101).map { schedule.learningRate(at: $0) }
    let peak = rates.indices.max { rates[$0] < rates[$1] } ?? 0
    // Steps 29 and 30 straddle the peak at 29.3, both within 3e-4 of the maximum.
    #expect((29...30).contains(peak))
    #expect(abs(Double(rates[29]) - 0.1) < 3e-5 && abs(Double(rates[30]) - 0.1) < 3e-5)
    #expect(zip(rates[..<29], rates[1...29]).allSatisfy { $0 < $1 })
    #expect(zip(rates[30..<100], rates[31...]).allSatisfy { $0 > $1 })
  }

  @Test func schedulesRoundTripThroughJSON() throws {
    let schedule = LearningRateSchedule.warmup(
      iterations: 5, startFactor: 0, then: .cosine(base: 0.1, minimum: 0, iterations: 50))
    let decoded = try JSONDecoder().decode(LearningRateSchedule.self, from: JSONEncoder().encode(schedule))
    #expect(decoded == schedule)
  }
}
