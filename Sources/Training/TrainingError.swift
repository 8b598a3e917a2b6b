import Foundation

/// Why a training run stopped early or could not start.
public enum TrainingError: Error, CustomStringConvertible {
  /// A NaN or infinity appeared; nothing after the last good checkpoint was saved.
  case nonFinite(run: String, iteration: Int, epoch: Int, quantity: String, lastGoodCheckpoint: String?)
  /// Saved state does not fit the run as configured now.
  case incompatibleState(path: String, reason: String)
  /// An experiment or run name that cannot be a path component.
  case unsafeName(what: String, name: String, reason: String)
  /// A run path that resolves (through `..` or a symlink) outside the runs root.
  case outsideRoot(path: String, resolved: String, root: String)
  /// A directory in the run's place that `margins train` did not create.
  case notARunDirectory(path: String, foreignEntry: String)
  /// Another trainer holds the run's lock.
  case runLocked(lockPath: String, holder: Int32?)
  /// The operating system refused something on `path`.
  case fileSystem(path: String, action: String, error: Error)
  /// A trainer option that cannot work (`--until-epoch 0`, say).
  case invalidOption(name: String, reason: String)

  public var description: String {
    switch self {
    case .nonFinite(let run, let iteration, let epoch, let quantity, let lastGood):
      let kept = lastGood.map { "the last good checkpoint, \($0), is kept" } ?? "no checkpoint had been saved yet"
      return
        "\(run): \(quantity) is not finite at iteration \(iteration) (epoch \(epoch)); training stopped and \(kept). "
        + "Lower the learning rate, add a softmax warm-up, or ramp the margin in."
    case .incompatibleState(let path, let reason):
      return "\(path): cannot resume from this state: \(reason). Delete the run directory to train it afresh."
    case .unsafeName(let what, let name, let reason):
      return "the \(what) name '\(name)' cannot name a directory: \(reason)"
    case .outsideRoot(let path, let resolved, let root):
      return "\(path) resolves to \(resolved), outside the runs directory \(root); refusing to write there"
    case .notARunDirectory(let path, let entry):
      return
        "\(path) exists but was not created by margins train (no \(RunClaim.markerName), and it holds '\(entry)'); "
        + "refusing to train into it or delete it. Move it away or choose another --runs-dir."
    case .runLocked(let lockPath, let holder):
      let who = holder.map { "process \($0)" } ?? "another process"
      return
        "this run is being trained by \(who) (it holds the lock \(lockPath)); wait for it to finish or stop it first"
    case .fileSystem(let path, let action, let error):
      return "cannot \(action) \(path): \(OperatingSystemMessage.reason(for: error))"
    case .invalidOption(let name, let reason):
      return "\(name): \(reason)"
    }
  }
}
