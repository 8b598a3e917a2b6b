import Checkpoints
import Datasets
import Dispatch
import Engine
import Foundation
import Losses
import MarginMath

/// How the trainer runs, independent of what it trains.
public struct TrainerOptions: Sendable {
  public var runsRoot: String
  public var dataRoot: String
  /// Batch-split worker threads and OpenBLAS threads (with the seed they fix the result bit for bit).
  public var workers: Int
  public var blasThreads: Int
  /// Stop after this epoch even if the plan has more (resume continues later); nil = the plan's epochs.
  public var untilEpoch: Int?
  public var codeVersion: String
  /// Retrain from scratch a run whose settings changed since it was trained (instead of refusing).
  public var retrainsChangedRuns: Bool

  public init(runsRoot: String = "runs/default", dataRoot: String = "data", workers: Int = 2, blasThreads: Int = 1,
              untilEpoch: Int? = nil, codeVersion: String = CodeVersion.current, retrainsChangedRuns: Bool = false) {
    self.runsRoot = runsRoot
    self.dataRoot = dataRoot
    self.workers = workers
    self.blasThreads = blasThreads
    self.untilEpoch = untilEpoch
    self.codeVersion = codeVersion
    self.retrainsChangedRuns = retrainsChangedRuns
  }
}

/// What a `train` call did.
public struct RunOutcome: Sendable {
  public let plan: RunPlan
  /// The metadata of the newest feature checkpoint.
  public let latest: CheckpointMetadata
  public let epochsTrained: Int
  /// Seconds spent in this call (training and feature extraction).
  public let seconds: Double
}

/// Trains one `RunPlan`, saving training state every epoch and features at the planned
/// epochs, resuming from the newest saved state, and stopping on the first NaN.
public final class Trainer {
  public let options: TrainerOptions
  private let cache: DatasetCache
  private let progress: ProgressReporter

  public init(options: TrainerOptions, cache: DatasetCache = DatasetCache(), progress: ProgressReporter = ProgressReporter()) {
    self.options = options
    self.cache = cache
    self.progress = progress
  }

  public func train(_ plan: RunPlan) throws -> RunOutcome {
    let started = DispatchTime.now().uptimeNanoseconds
    Threading.configure(workers: options.workers, kernelThreads: options.blasThreads)
    let data = try PreparedData.load(plan.dataset, dataRoot: options.dataRoot, seed: plan.seed, cache: cache)
    let directory = RunDirectory(root: options.runsRoot, experiment: plan.experiment, run: plan.run)
    if options.retrainsChangedRuns, let epoch = directory.savedEpochs().last,
      let difference = plan.difference(from: try directory.readMetadata(epoch: epoch).configuration)
    {
      progress.line("\(plan.experiment)/\(plan.run): settings changed (\(difference)); training it again from scratch")
      try FileManager.default.removeItem(atPath: directory.path)
    }
    let session = try TrainingSession(plan: plan, data: data, directory: directory, options: options)
    let lastEpoch = min(plan.epochs, options.untilEpoch ?? plan.epochs)
    let firstEpoch = session.completedEpochs + 1
    if firstEpoch > lastEpoch {
      progress.line("\(plan.experiment)/\(plan.run): up to date (epoch \(session.completedEpochs) of \(plan.epochs))")
    }
    for epoch in stride(from: firstEpoch, through: lastEpoch, by: 1) {
      try session.trainEpoch(epoch, progress: progress)
      try session.save(epoch: epoch)
      if let metadata = session.lastMetadata, metadata.epoch == epoch {
        progress.line(String(
          format: "%@/%@ epoch %d/%d: loss %.4f, test %.2f%%, train %.2f%% (margin rule %.2f%%), λ %.3g, %.1fs",
          plan.experiment, plan.run, epoch, plan.epochs, metadata.meanLoss, 100 * metadata.accuracy.test,
          100 * metadata.accuracy.train, 100 * metadata.accuracy.trainMarginRule, metadata.lambda, metadata.wallTimeSeconds))
      }
    }
    guard let latest = try session.latestMetadata() else {
      throw TrainingError.incompatibleState(path: directory.path, reason: "no feature checkpoint was written")
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    return RunOutcome(plan: plan, latest: latest, epochsTrained: max(0, lastEpoch - firstEpoch + 1), seconds: seconds)
  }
}

/// The version of the code that trains, recorded in every checkpoint: `$MARGINS_CODE_VERSION`
/// (the Makefile passes `git describe`), else `git describe` of the working directory.
public enum CodeVersion {
  public static let current: String = {
    if let version = ProcessInfo.processInfo.environment["MARGINS_CODE_VERSION"], !version.isEmpty { return version }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "describe", "--always", "--dirty", "--tags"]
    let log = NSTemporaryDirectory() + "margins-version-\(ProcessInfo.processInfo.processIdentifier)"
    guard FileManager.default.createFile(atPath: log, contents: nil),
      let handle = FileHandle(forWritingAtPath: log)
    else { return "unknown" }
    defer { try? FileManager.default.removeItem(atPath: log) }
    process.standardOutput = handle
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return "unknown" }
    process.waitUntilExit()
    try? handle.close()
    let text = (try? String(contentsOfFile: log, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    return process.terminationStatus == 0 && !text.isEmpty ? text : "unknown"
  }()
}
