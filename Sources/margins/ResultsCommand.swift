import ArgumentParser
import Checkpoints
import Engine
import Experiments
import Foundation
import Results
import Training

/// The experiments and plans a results subcommand works on.
struct ResultSelection: ParsableArguments {
  @Option(help: "Profile: default or paper.")
  var profile = "default"

  @Option(
    name: .customLong("experiment"), help: "Only this experiment (repeatable; default: every file in experiments/).")
  var experiments: [String] = []

  @Option(
    name: .customLong("run"),
    help: "Only this run of the one --experiment (repeatable), e.g. the one run retrained on another CPU.")
  var runs: [String] = []

  @Option(help: "Directory of experiment files.")
  var experimentsDir = "experiments"

  @Option(help: "Root of the shipped results (default: results/<profile>).")
  var shippedDir: String?

  var shipped: ShippedResults { ShippedResults(root: shippedDir ?? "results/\(profile)") }

  /// Every plan of the selected experiments (or the selected runs of one), in file order.
  func plans() throws -> [RunPlan] {
    guard runs.isEmpty || experiments.count == 1 else {
      throw ValidationError("--run names runs of one experiment: give exactly one --experiment with it")
    }
    let names: [String]
    if experiments.isEmpty {
      let files = (try? FileManager.default.contentsOfDirectory(atPath: experimentsDir)) ?? []
      names = files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
      if names.isEmpty { throw ValidationError("no experiment files in \(experimentsDir)") }
    } else {
      names = experiments
    }
    return try names.flatMap {
      try Experiment.load($0, directory: experimentsDir).plans(profile: profile, runNames: runs)
    }
  }
}

struct ResultsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "results",
    abstract: "Install, ship and check the results the repository carries (results/<profile>/).",
    subcommands: [Install.self, Ship.self, Expect.self, Compare.self])

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

  struct Expect: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Say which verdict `results compare` can reach on this machine, before retraining (make reproduce).")

    @OptionGroup var selection: ResultSelection

    func run() throws {
      let cap = ProcessInfo.processInfo.environment["DNNL_MAX_CPU_ISA"].map { " under DNNL_MAX_CPU_ISA=\($0)" } ?? ""
      print("this machine: \(Kernels.cpuModel), kernel ISA \(Kernels.isa)\(cap), oneDNN \(Kernels.libraryVersion)")
      var groups: [(outlook: ReproductionOutlook, count: Int)] = []
      for plan in try selection.plans() {
        let shipped = selection.shipped.directory(for: plan)
        guard let epoch = shipped.savedEpochs().last else { continue }
        let outlook = ReproductionOutlook(
          shipped: try shipped.readMetadata(epoch: epoch), isa: Kernels.isa, cpu: Kernels.cpuModel)
        if let index = groups.firstIndex(where: { $0.outlook == outlook }) {
          groups[index].count += 1
        } else {
          groups.append((outlook, 1))
        }
      }
      if groups.isEmpty { throw ValidationError("nothing shipped in \(selection.shipped.root)") }
      for group in groups { print(group.outlook.line(count: group.count)) }
      let tolerance = ResultComparison.Tolerance.crossMachine
      print(
        String(
          format:
            "within tolerance: test accuracy within %.1f points, angle to own W within %.1f°, achieved margin within %.0f°.",
          tolerance.accuracyPoints, tolerance.angleDegrees, tolerance.marginDegrees))
    }
  }

  struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Compare shipped runs with the same runs retrained here (make reproduce); exit 1 on a mismatch.")

    @OptionGroup var selection: ResultSelection

    @Option(help: "Root directory of the reproduced runs.")
    var runsDir: String

    @Flag(
      help:
        "Fail unless every compared run's arrays are byte-identical (scripts/check-reproduction.sh: both builds ran here)."
    )
    var requireIdentical = false

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
        if requireIdentical && comparison.mismatch() == nil && !comparison.byteIdentical {
          print("  the arrays differ, and --require-identical wants them byte-identical")
        }
        compared += 1
        if comparison.mismatch() != nil || (requireIdentical && !comparison.byteIdentical) { failures += 1 }
      }
      let tolerance = ResultComparison.Tolerance.crossMachine
      print(
        String(
          format: "%d run(s) compared, %d mismatch(es). Same CPU, ISA and threads: arrays must be byte-identical; "
            + "otherwise within %.1f points, %.1f° angle, %.0f° margin.",
          compared, failures, tolerance.accuracyPoints, tolerance.angleDegrees, tolerance.marginDegrees))
      if compared == 0 { throw ValidationError("nothing shipped to compare in \(selection.shipped.root)") }
      if failures > 0 { throw ExitCode(1) }
    }
  }
}

private func log(_ line: String) {
  FileHandle.standardError.write(Data((line + "\n").utf8))
}
