import FileFormats

/// The outcome of checking one saved epoch of a run: its metadata decodes, its `.npz` exists, has
/// the sha256 the metadata records, and its arrays agree with the metadata and with each other.
public struct CheckpointVerification: Sendable, Equatable {
  public let epoch: Int
  public let metadataPath: String
  public let arraysPath: String
  /// Why the checkpoint is bad; `nil` when it is good.
  public let problem: CheckpointError?

  public var isGood: Bool { problem == nil }
}

extension RunDirectory {
  /// Verifies every saved epoch (each `epoch-NNN.json`) and the epoch `latest` names, reading each
  /// `.npz` in full against its recorded sha256. A `latest` naming an epoch whose files are gone is
  /// reported as a bad checkpoint of that epoch.
  /// - Returns: one result per epoch, ascending; empty when the run has no checkpoint at all.
  public func verifyCheckpoints() -> [CheckpointVerification] {
    var epochs = Set(savedEpochs())
    if let latest = latestEpoch() { epochs.insert(latest) }
    return epochs.sorted().map(verifyCheckpoint(epoch:))
  }

  /// Verifies the checkpoint of one epoch (see `verifyCheckpoints`).
  public func verifyCheckpoint(epoch: Int) -> CheckpointVerification {
    let problem: CheckpointError?
    do {
      _ = try readCheckpoint(epoch: epoch)
      problem = nil
    } catch let error as CheckpointError {
      problem = error
    } catch {
      problem = .malformed(path: featuresPath(epoch: epoch), reason: "\(error)")
    }
    return CheckpointVerification(
      epoch: epoch, metadataPath: metadataPath(epoch: epoch), arraysPath: featuresPath(epoch: epoch), problem: problem)
  }
}
