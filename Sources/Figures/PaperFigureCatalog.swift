import PlotKit
import Checkpoints
import Foundation
import MarginMath

/// A run whose checkpoints a paper figure draws.
public struct RunReference: Hashable, Sendable, CustomStringConvertible {
  public let experiment: String
  public let run: String

  public init(_ experiment: String, _ run: String) {
    self.experiment = experiment
    self.run = run
  }

  public var description: String { "\(experiment)/\(run)" }
}

/// Where paper figures find their checkpoints: `runs/<experiment>/<run>/`.
public struct CheckpointSource: Sendable {
  public let runsRoot: String

  public init(runsRoot: String) {
    self.runsRoot = runsRoot
  }

  public func directory(_ reference: RunReference) -> RunDirectory {
    RunDirectory(root: runsRoot, experiment: reference.experiment, run: reference.run)
  }

  /// The newest checkpoint of a run.
  /// - Throws: `CheckpointError.missing` with the command that trains the run.
  public func latest(_ reference: RunReference) throws -> FeatureCheckpoint {
    let run = directory(reference)
    guard let epoch = run.latestEpoch() ?? run.savedEpochs().last else {
      throw CheckpointError.missing(
        path: run.path, hint: "Train it with `margins train \(reference.experiment) --run \(reference.run)` (or `make figures`).")
    }
    return try run.readCheckpoint(epoch: epoch)
  }

  /// Every saved epoch of a run, oldest first.
  public func allEpochs(_ reference: RunReference) throws -> [FeatureCheckpoint] {
    let run = directory(reference)
    let epochs = run.savedEpochs()
    guard !epochs.isEmpty else { _ = try latest(reference); return [] }
    return try epochs.map(run.readCheckpoint(epoch:))
  }
}

/// One of the named figures `margins render --figure NAME` and `make figures` produce.
public struct PaperFigure: Sendable {
  /// The file stem under `figures/` (`lsoftmax-fig2` → `figures/lsoftmax-fig2.png`, `.svg`).
  public let name: String
  /// What the figure reproduces, for the report.
  public let summary: String
  /// The runs it draws (empty for pure margin-math figures).
  public let runs: [RunReference]
  /// The most a vector output's embedded point image may use, so the file stays under 2 MB.
  public let maximumRasterDPI: Double
  let build: @Sendable (CheckpointSource) throws -> Figure

  init(
    name: String, summary: String, runs: [RunReference], maximumRasterDPI: Double = 300,
    build: @escaping @Sendable (CheckpointSource) throws -> Figure
  ) {
    self.name = name
    self.summary = summary
    self.runs = runs
    self.maximumRasterDPI = maximumRasterDPI
    self.build = build
  }

  /// Loads the checkpoints and builds the figure.
  public func figure(from source: CheckpointSource) throws -> Figure { try build(source) }
}
