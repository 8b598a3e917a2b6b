import Checkpoints
import Experiments

/// What a `train` call did.
public struct RunOutcome: Sendable {
  public let plan: RunPlan
  /// The metadata of the newest feature checkpoint.
  public let latest: CheckpointMetadata
  public let epochsTrained: Int
  /// Seconds spent in this call (training and feature extraction).
  public let seconds: Double
}
