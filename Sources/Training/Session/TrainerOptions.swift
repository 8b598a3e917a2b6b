import Foundation

/// How the trainer runs, independent of what it trains.
public struct TrainerOptions: Sendable {
  public var runsRoot: String
  public var dataRoot: String
  /// Batch-split worker threads and oneDNN kernel threads per worker (`--kernel-threads`; with the seed
  /// they fix the result bit for bit).
  public var workers: Int
  public var kernelThreads: Int
  /// Stop after this epoch even if the plan has more (resume continues later); nil = the plan's epochs.
  public var untilEpoch: Int?
  public var codeVersion: String
  /// Retrain from scratch a run whose settings changed since it was trained (instead of refusing).
  public var retrainsChangedRuns: Bool
  /// Delete each run's checkpoints (only in a directory margins created) and train from scratch.
  public var startsAfresh: Bool

  public init(
    runsRoot: String = "runs/default", dataRoot: String = "data", workers: Int = 2, kernelThreads: Int = 1,
    untilEpoch: Int? = nil, codeVersion: String = CodeVersion.current, retrainsChangedRuns: Bool = false,
    startsAfresh: Bool = false
  ) {
    self.runsRoot = runsRoot
    self.dataRoot = dataRoot
    self.workers = workers
    self.kernelThreads = kernelThreads
    self.untilEpoch = untilEpoch
    self.codeVersion = codeVersion
    self.retrainsChangedRuns = retrainsChangedRuns
    self.startsAfresh = startsAfresh
  }

  /// Refuses options no run can use.
  public func validate() throws {
    if let untilEpoch, untilEpoch < 1 {
      throw TrainingError.invalidOption(name: "--until-epoch", reason: "expected an epoch >= 1, found \(untilEpoch)")
    }
    for (name, count) in [("--workers", workers), ("--kernel-threads", kernelThreads)] where !(1...64).contains(count) {
      throw TrainingError.invalidOption(name: name, reason: "expected 1...64 threads, found \(count)")
    }
  }
}
