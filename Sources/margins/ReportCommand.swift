import ArgumentParser
import Datasets
import CairoBackend
import CairoGraphics
import FigureAnimation
import Figures
import PlotKit
import Foundation

struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Write the results report (figures and a table per run, read from the checkpoints) as markdown.")

  @Option(help: "Root directory of the runs.")
  var runsDir = "runs/default"

  @Option(help: "Where to write the report (it links the figures by their names beside it).")
  var out = "figures/README.md"

  @Option(help: "Directory of the experiment files that declare the runs.")
  var experimentsDir = "experiments"

  @Option(help: "The profile the runs were trained with (for the title).")
  var profile = "default"

  func run() throws {
    let text = try ResultsReport.markdown(source: try CheckpointSource(runsRoot: runsDir, experimentsDirectory: experimentsDir), profile: profile,
      animations: PaperAnimation.all.map { ($0.name, $0.summary) })
    try AtomicFile.write(Array(text.utf8), to: out)
    print("wrote \(out)")
  }
}
