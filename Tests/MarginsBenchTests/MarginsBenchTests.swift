import Testing

@testable import margins_bench

@Suite struct MarginsBenchTests {
  /// `compare.sh BINARY` runs `BINARY bench --network NET`: the engine benchmark answers to that name.
  @Test func engineBenchmarkAnswersToBench() throws {
    let command = try MarginsBench.parseAsRoot(["bench", "--network", "mlp", "--threads", "1x2"])
    let engine = try #require(command as? EngineBenchmarkCommand)
    #expect(engine.network == .one(.mlp))
    #expect(engine.threads.description == "1x2")
  }

  /// A kernel trace of one phase (`benchmarks/conv-layers-pytorch.sh`) needs the other left out.
  @Test func engineBenchmarkTimesOnePhaseWhenAsked() throws {
    let both = try #require(try MarginsBench.parseAsRoot(["engine"]) as? EngineBenchmarkCommand)
    #expect(both.phase.timesTraining && both.phase.timesInference)
    let inference = try #require(
      try MarginsBench.parseAsRoot(["engine", "--phase", "inference"]) as? EngineBenchmarkCommand)
    #expect(!inference.phase.timesTraining && inference.phase.timesInference)
    let training = try #require(
      try MarginsBench.parseAsRoot(["engine", "--phase", "training"]) as? EngineBenchmarkCommand)
    #expect(training.phase.timesTraining && !training.phase.timesInference)
    #expect(throws: (any Error).self) { try MarginsBench.parseAsRoot(["engine", "--phase", "backward"]) }
  }

  @Test func gifBenchmarkRefusesAKindWithoutAPlaneView() {
    #expect(throws: (any Error).self) { try MarginsBench.parseAsRoot(["gif", "--kind", "hist"]) }
    #expect(throws: (any Error).self) { try MarginsBench.parseAsRoot(["gif", "--frames", "0"]) }
  }
}
