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

  @Test func gifBenchmarkRefusesAKindWithoutAPlaneView() {
    #expect(throws: (any Error).self) { try MarginsBench.parseAsRoot(["gif", "--kind", "hist"]) }
    #expect(throws: (any Error).self) { try MarginsBench.parseAsRoot(["gif", "--frames", "0"]) }
  }
}
