import ArgumentParser

@main
struct Margins: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "margins",
    abstract: "Train 2-D feature networks under softmax-family losses and draw the papers' figures.",
    subcommands: [DataCommand.self, TrainCommand.self, PlotCommand.self, RenderCommand.self, MetricsCommand.self, ReportCommand.self, Bench.self, RenderBenchCommand.self])
}
