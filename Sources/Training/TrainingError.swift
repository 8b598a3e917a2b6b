/// Why a training run stopped early.
public enum TrainingError: Error, CustomStringConvertible {
  /// A NaN or infinity appeared; nothing after the last good checkpoint was saved.
  case nonFinite(run: String, iteration: Int, epoch: Int, quantity: String, lastGoodCheckpoint: String?)
  /// Saved state does not fit the run as configured now.
  case incompatibleState(path: String, reason: String)

  public var description: String {
    switch self {
    case .nonFinite(let run, let iteration, let epoch, let quantity, let lastGood):
      let kept = lastGood.map { "the last good checkpoint, \($0), is kept" } ?? "no checkpoint had been saved yet"
      return "\(run): \(quantity) is not finite at iteration \(iteration) (epoch \(epoch)); training stopped and \(kept). "
        + "Lower the learning rate, add a softmax warm-up, or ramp the margin in."
    case .incompatibleState(let path, let reason):
      return "\(path): cannot resume from this state: \(reason). Delete the run directory to train it afresh."
    }
  }
}
