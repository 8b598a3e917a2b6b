import ArgumentParser
import CairoBackend
import CairoGraphics
import Checkpoints
import FigureAnimation
import FileFormats
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
    try verifyCheckpoints()
    // Only what was drawn beside the report is linked (the paper profile draws one figure).
    let directory = (out as NSString).deletingLastPathComponent
    func drawn(_ file: String) -> Bool {
      FileManager.default.fileExists(
        atPath: ((directory.isEmpty ? "." : directory) as NSString).appendingPathComponent(file))
    }
    let text = try ResultsReport.markdown(
      source: try CheckpointSource(runsRoot: runsDir, experimentsDirectory: experimentsDir), profile: profile,
      items: PaperFigureCatalog.all.filter { drawn($0.name + "." + $0.embeddedExtension) }.map(\.reportItem))
    try AtomicFile.write(Array(text.utf8), to: out)
    print("wrote \(out)")
  }

  /// Reads every checkpoint under the runs directory in full against its recorded sha256 before
  /// anything is reported, so a corrupt or deleted checkpoint is named instead of listed.
  private func verifyCheckpoints() throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: runsDir, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw ReportFailure(
        description:
          "\(runsDir): no such runs directory (train first, or install the shipped results with `make figures`)")
    }
    let manager = FileManager.default
    var bad: [String] = []
    for experiment in ((try? manager.contentsOfDirectory(atPath: runsDir)) ?? []).sorted()
    where !experiment.hasPrefix(".") {
      let experimentPath = (runsDir as NSString).appendingPathComponent(experiment)
      for run in ((try? manager.contentsOfDirectory(atPath: experimentPath)) ?? []).sorted() where !run.hasPrefix(".") {
        let directory = RunDirectory(path: (experimentPath as NSString).appendingPathComponent(run))
        bad += directory.verifyCheckpoints().compactMap { $0.problem?.description }
        bad += directory.verifySnapshots().map { "\($0.path): \($0.problem)" }
      }
    }
    guard bad.isEmpty else {
      throw ReportFailure(
        description:
          "\(bad.count) damaged checkpoint(s) or snapshot(s) under \(runsDir); no report written (retrain with "
          + "`margins train EXPERIMENT --run RUN --fresh`):\n" + bad.map { "  " + $0 }.joined(separator: "\n"))
    }
  }
}

/// Why no report was written.
struct ReportFailure: Error, CustomStringConvertible {
  let description: String
}
