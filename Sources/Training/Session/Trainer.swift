import Checkpoints
import Datasets
import Dispatch
import Engine
import Experiments
import Foundation
import Losses
import MarginMath

/// Trains one `RunPlan`, saving training state every epoch and features at the planned
/// epochs, resuming from the newest saved state, and stopping on the first NaN.
public final class Trainer {
  public let options: TrainerOptions
  private let cache: DatasetCache
  private let progress: ProgressReporter

  public init(
    options: TrainerOptions, cache: DatasetCache = DatasetCache(), progress: ProgressReporter = ProgressReporter()
  ) {
    self.options = options
    self.cache = cache
    self.progress = progress
  }

  /// Trains `plan` (or resumes it). Everything that can be checked is checked before the first
  /// write: the options, the plan against the loaded data, and the run directory (inside the runs
  /// root, margins's own, not locked by another trainer).
  public func train(_ plan: RunPlan) throws -> RunOutcome {
    let started = DispatchTime.now().uptimeNanoseconds
    try options.validate()
    Threading.configure(kernelThreads: options.kernelThreads)
    let data = try PreparedData.load(plan.dataset, dataRoot: options.dataRoot, seed: plan.seed, cache: cache)
    let warnings = try plan.validate(against: data)
    let claim = try RunClaim(root: options.runsRoot, experiment: plan.experiment, run: plan.run)
    defer { claim.release() }
    let directory = claim.directory
    let name = "\(plan.experiment)/\(plan.run)"
    if options.startsAfresh {
      try claim.startAfresh()
    } else if options.retrainsChangedRuns, let recorded = directory.recordedConfiguration(),
      let difference = plan.difference(from: recorded)
    {
      progress.line("\(name): settings changed (\(difference)); training it again from scratch")
      try claim.startAfresh()
    }
    for warning in warnings { progress.line("\(name): \(warning.description)") }
    try claim.record(warnings: warnings)
    let session = try TrainingSession(
      plan: plan, data: data, directory: directory, options: options, warnings: warnings)
    session.network.workers = options.workers
    let lastEpoch = min(plan.epochs, options.untilEpoch ?? plan.epochs)
    let firstEpoch = session.completedEpochs + 1
    if firstEpoch > lastEpoch {
      progress.line("\(name): up to date (epoch \(session.completedEpochs) of \(plan.epochs))")
    }
    for epoch in stride(from: firstEpoch, through: lastEpoch, by: 1) {
      try session.trainEpoch(epoch, progress: progress)
      try session.save(epoch: epoch)
      if let metadata = session.lastMetadata, metadata.epoch == epoch {
        progress.line(
          String(
            format: "%@ epoch %d/%d: loss %.4f, test %.2f%%, train %.2f%% (margin rule %.2f%%), λ %.3g, %.1fs",
            name, epoch, plan.epochs, metadata.meanLoss, 100 * metadata.accuracy.test,
            100 * metadata.accuracy.train, 100 * metadata.accuracy.trainMarginRule, metadata.lambda,
            metadata.wallTimeSeconds))
      }
    }
    guard let latest = try session.latestMetadata() else {
      throw TrainingError.incompatibleState(path: directory.path, reason: "no feature checkpoint was written")
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    return RunOutcome(plan: plan, latest: latest, epochsTrained: max(0, lastEpoch - firstEpoch + 1), seconds: seconds)
  }
}
