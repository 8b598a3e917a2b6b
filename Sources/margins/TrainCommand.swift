import ArgumentParser
import Experiments
import Foundation
import Training

extension Experiment.Profile: ExpressibleByArgument {
  public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension NetworkName: ExpressibleByArgument {
  public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train the runs of an experiment that are missing or unfinished, writing feature checkpoints.",
    discussion: """
      Checkpoints go to RUNS/<experiment>/<run>/epoch-NNN.{npz,json,state.npz}. A run that was \
      interrupted continues from its newest saved epoch and ends exactly as an uninterrupted run \
      with the same seed and thread counts would. One trainer at a time per run: a second one \
      stops with the first one's process id.
      """)

  @Argument(help: "Experiment name (a file in experiments/) or path to an experiment JSON file.")
  var experiment: String

  @Option(name: .customLong("run"), help: "Train only this run (repeatable).")
  var runs: [String] = []

  @Option(help: "Profile: default (compact network, fast) or paper (lenetpp, the papers' settings).")
  var profile = Experiment.Profile.default

  @Option(help: "Override the network of every run (\(NetworkName.allCases.map(\.rawValue).joined(separator: ", "))).")
  var network: NetworkName?

  @Option(help: "Override the number of epochs of every run.")
  var epochs: Int?

  @Option(help: "Override the seed of every run.")
  var seed: Int?

  @Option(help: "Stop after this epoch (>= 1); a later call resumes (for long paper-profile runs).")
  var untilEpoch: Int?

  @Option(help: "Directory of experiment files.")
  var experimentsDir = "experiments"

  @Option(help: "Root directory of the runs (default: runs/<profile>).")
  var runsDir: String?

  @OptionGroup var location: DataLocation

  @Option(help: "Batch-split worker threads (with --kernel-threads and the seed, fixes the result bit for bit).")
  var workers = 2

  @Option(help: "oneDNN threads inside each kernel (convolution, matrix product) of a worker.")
  var kernelThreads = 1

  @Flag(
    help: "Delete the runs' existing checkpoints (only in directories margins train created) and train from scratch.")
  var fresh = false

  @Flag(help: "Retrain from scratch the runs whose settings changed since they were trained (make figures uses it).")
  var retrainChanged = false

  private var options: TrainerOptions {
    TrainerOptions(
      runsRoot: runsDir ?? "runs/\(profile.rawValue)", dataRoot: location.resolvedRoot, workers: workers,
      kernelThreads: kernelThreads, untilEpoch: untilEpoch, retrainsChangedRuns: retrainChanged, startsAfresh: fresh)
  }

  func validate() throws {
    if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
    if let seed, seed < 0 { throw ValidationError("--seed must be >= 0, got \(seed)") }
    if fresh && retrainChanged {
      throw ValidationError("--fresh retrains every run; it cannot be combined with --retrain-changed")
    }
    do {
      try options.validate()
    } catch let error as TrainingError {
      throw ValidationError(error.description)
    }
  }

  func run() throws {
    let experiment = try Experiment.load(self.experiment, directory: experimentsDir)
    var overrides = RunSettings()
    overrides.epochs = epochs
    overrides.seed = seed
    overrides.network = network
    let plans = try experiment.plans(profile: profile.rawValue, runNames: runs, overrides: overrides)
    let trainer = Trainer(options: options)
    var lines: [String] = []
    var total = 0.0
    for plan in plans {
      let outcome = try trainer.train(plan)
      total += outcome.seconds
      let m = outcome.latest
      lines.append(
        String(
          format: "  %-16@ %-16@ epoch %3d/%-3d test %6.2f%%  train %6.2f%%  margin-rule %6.2f%%  %7.1fs",
          plan.run, plan.loss.rawValue, m.epoch, plan.epochs, 100 * m.accuracy.test, 100 * m.accuracy.train,
          100 * m.accuracy.trainMarginRule, outcome.seconds))
    }
    print(
      "\(experiment.name) (\(profile.rawValue) profile): \(plans.count) run(s) in \(String(format: "%.1f", total)) s")
    lines.forEach { print($0) }
  }
}
