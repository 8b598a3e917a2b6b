import Checkpoints
import Experiments
import Foundation

/// Where paper figures find their checkpoints (`runs/<experiment>/<run>/`) and the experiment
/// files that declare the runs.
public struct CheckpointSource: Sendable {
  public let runsRoot: String
  public let experiments: ExperimentCatalog

  /// - Throws: `ExperimentError` for an experiment file the trainer would refuse.
  public init(runsRoot: String, experimentsDirectory: String = "experiments") throws {
    self.runsRoot = runsRoot
    experiments = try ExperimentCatalog(directory: experimentsDirectory)
  }

  public func directory(_ reference: RunReference) -> RunDirectory {
    RunDirectory(root: runsRoot, experiment: reference.experiment, run: reference.run)
  }

  /// The newest checkpoint of a run (the epoch `CheckpointReader` picks for a run directory) as
  /// embeddings.
  /// - Throws: `CheckpointError.missing` with the command that trains the run.
  public func latest(_ reference: RunReference) throws -> Embeddings {
    let run = directory(reference)
    let checkpoint: FeatureCheckpoint
    do {
      checkpoint = try CheckpointReader.read(run.path)
    } catch CheckpointError.missing(let path, _) {
      throw CheckpointError.missing(
        path: path,
        hint: "Train it with `margins train \(reference.experiment) --run \(reference.run)` (or `make figures`).")
    }
    return try EmbeddingReader.embeddings(
      checkpoint: checkpoint, path: try CheckpointReader.metadataPath(for: run.path))
  }

  /// The metadata file of a run's newest checkpoint (for provenance without reading arrays).
  public func latestMetadataPath(_ reference: RunReference) throws -> String {
    try CheckpointReader.metadataPath(for: directory(reference).path)
  }

  /// Every saved epoch of a run, oldest first.
  public func allEpochs(_ reference: RunReference) throws -> [Embeddings] {
    let run = directory(reference)
    let epochs = run.savedEpochs()
    guard !epochs.isEmpty else { return [try latest(reference)] }
    return try epochs.map { epoch in
      try EmbeddingReader.embeddings(
        checkpoint: try run.readCheckpoint(epoch: epoch), path: run.metadataPath(epoch: epoch))
    }
  }
}
