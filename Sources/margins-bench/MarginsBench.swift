import ArgumentParser

/// The project's benchmarks, apart from the `margins` tool: each subcommand measures on this
/// machine, in this run, and prints only what it measured (comparisons with other tools are the
/// side-by-side scripts in `benchmarks/`).
@main
struct MarginsBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "margins-bench",
    abstract: "Measure the engine's, the renderer's and the animations' speed on this machine.",
    subcommands: [EngineBenchmarkCommand.self, RenderBenchmarkCommand.self, GIFBenchmarkCommand.self])
}
