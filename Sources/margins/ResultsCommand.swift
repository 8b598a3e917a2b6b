import ArgumentParser
import Checkpoints
import Foundation
import Results
import Training

/// The experiments and plans a results subcommand works on.
struct ResultSelection: ParsableArguments {
  @Option(help: "Profile: default or paper.")
  var profile = "default"

  @Option(name: .customLong("experiment"), help: "Only this experiment (repeatable; default: every file in experiments/).")
  var experiments: [String] = []

  @Option(help: "Directory of experiment files.")
  var experimentsDir = "experiments"

  @Option(help: "Root of the shipped results (default: results/<profile>).")
  var shippedDir: String?

  var shipped: ShippedResults { ShippedResults(root: shippedDir ?? "results/\(profile)") }

  /// Every plan of the selected experiments, in file order.
  func plans() throws -> [RunPlan] {
    let names: [String]
    if experiments.isEmpty {
      let files = (try? FileManager.default.contentsOfDirectory(atPath: experimentsDir)) ?? []
      names = files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
      if names.isEmpty { throw ValidationError("no experiment files in \(experimentsDir)") }
    } else {
      names = experiments
    }
    return try names.flatMap { try Experiment.load($0, directory: experimentsDir).plans(profile: profile) }
  }
}

struct ResultsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "results",
    abstract: "Install, ship and check the results the repository carries (results/<profile>/).",
    subcommands: [Install.self, Ship.self, Compare.self])

  struct Install: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Copy every current shipped run into the runs directory; print the runs that still need training.",
      discussion: """
        A shipped run is current when its recorded configuration (experiment settings and the \
        training-code stamp) equals what the experiment file and this build give. Stale or missing \
        runs are printed on standard output as EXPERIMENT/RUN lines, for `margins train` to train.
        """)

    @OptionGroup var selection: ResultSelection

    @Option(help: "Root directory of the runs (default: runs/<profile>).")
    var runsDir: String?

    func run() throws {
      let shipped = selection.shipped
      let manifest = try shipped.manifest()
      let runsRoot = runsDir ?? "runs/\(selection.profile)"
      var installed = 0
      var current = 0
      for plan in try selection.plans() {
        let name = "\(plan.experiment)/\(plan.run)"
        switch try shipped.install(plan, into: runsRoot, manifest: manifest) {
        case .upToDate:
          current += 1
        case .installed(let replaced):
          installed += 1
          if let replaced { log("\(name): replaced a local run (\(replaced)) by the shipped result") }
        case .needsTraining(let reason):
          log("\(name): needs training (\(reason))")
          print(name)
        }
      }
      log("shipped results (\(shipped.root)): \(installed) installed, \(current) already in place in \(runsRoot)")
    }
  }

  struct Ship: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Copy finished runs from the runs directory into the shipped results and rewrite SHA256SUMS.")

    @OptionGroup var selection: ResultSelection

    @Option(help: "Root directory of the runs (default: runs/<profile>).")
    var runsDir: String?

    @Flag(help: "Also ship unfinished runs with their newest training state, so training resumes from them.")
    var includeUnfinished = false

    func run() throws {
      let lines = try selection.shipped.ship(
        try selection.plans(), from: runsDir ?? "runs/\(selection.profile)", includeUnfinished: includeUnfinished)
      lines.forEach { print($0) }
    }
  }

  struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Compare shipped runs with the same runs retrained here (make reproduce); exit 1 on a mismatch.")

    @OptionGroup var selection: ResultSelection

    @Option(help: "Root directory of the reproduced runs.")
    var runsDir: String

    func run() throws {
      print(ResultComparison.header)
      var failures = 0
      var compared = 0
      for plan in try selection.plans() {
        let shipped = selection.shipped.directory(for: plan)
        guard !shipped.savedEpochs().isEmpty else { continue }
        let reproduced = RunDirectory(root: runsDir, experiment: plan.experiment, run: plan.run)
        let comparison = try ResultComparison(
          shipped: shipped, reproduced: reproduced, experiment: plan.experiment, run: plan.run)
        print(comparison.row)
        compared += 1
        if comparison.mismatch() != nil { failures += 1 }
      }
      let tolerance = ResultComparison.Tolerance.crossMachine
      print(String(
        format: "%d run(s) compared, %d mismatch(es). Same ISA and threads: arrays must be byte-identical; "
          + "other ISA: within %.1f points, %.1f° angle, %.0f° margin.",
        compared, failures, tolerance.accuracyPoints, tolerance.angleDegrees, tolerance.marginDegrees))
      if compared == 0 { throw ValidationError("nothing shipped to compare in \(selection.shipped.root)") }
      if failures > 0 { throw ExitCode(1) }
    }
  }
}

private func log(_ line: String) {
  FileHandle.standardError.write(Data((line + "\n").utf8))
}
