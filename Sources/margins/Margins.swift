import ArgumentParser
import FileFormats
import Foundation
import Training

@main
struct Margins: ParsableCommand {
  /// The package's release; `--version` adds the commit of the code (see `CodeVersion`).
  static let packageVersion = "0.1.0"

  static let configuration = CommandConfiguration(
    commandName: "margins",
    abstract: "Train 2-D feature networks under softmax-family losses and draw the papers' figures.",
    version: "margins \(packageVersion) (code \(CodeVersion.current))",
    subcommands: [
      DataCommand.self, TrainCommand.self, PlotCommand.self, RenderCommand.self, MetricsCommand.self,
      ReportCommand.self, ResultsCommand.self, AnalyzeCommand.self,
    ])

  /// Runs the command, turning operating-system errors into a sentence that names the path.
  /// Ctrl-C or a kill removes the temporary files of writes still under way before the process ends.
  static func main() {
    TemporaryFiles.installSignalHandlers()
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      exit(withError: OperatingSystemFailure(error) ?? error)
    }
  }
}

/// A Foundation file error (NSCocoaErrorDomain and the like) told as "cannot write PATH: reason".
struct OperatingSystemFailure: Error, CustomStringConvertible {
  let description: String

  init?(_ error: Error) {
    let nsError = error as NSError
    // The project's own errors bridge with their type's name as the domain, so they pass through untouched.
    guard [NSCocoaErrorDomain, NSPOSIXErrorDomain].contains(nsError.domain) else { return nil }
    let action = (NSFileReadUnknownError...NSFileReadUnknownError + 255).contains(nsError.code) ? "read" : "write"
    let path = OperatingSystemMessage.path(of: error).map { " \($0)" } ?? ""
    description = "cannot \(action)\(path): \(OperatingSystemMessage.reason(for: error))"
  }
}
