import FileFormats
import Foundation

/// Iteration snapshots: `snapshots/iter-NNNNNNN.npz` under the run, the embedding format `margins plot`
/// and `--animate` read (README "Animations"), written atomically and without a `.json` beside them.
extension RunDirectory {
  public static let snapshotDirectoryName = "snapshots"

  public var snapshotDirectory: String { (path as NSString).appendingPathComponent(Self.snapshotDirectoryName) }

  public func snapshotPath(iteration: Int) -> String {
    (snapshotDirectory as NSString).appendingPathComponent(String(format: "iter-%07d.npz", iteration))
  }

  /// The iterations with a snapshot, ascending.
  public func snapshotIterations() -> [Int] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: snapshotDirectory)) ?? []
    return names.compactMap(Self.snapshotIteration(fileName:)).sorted()
  }

  static func snapshotIteration(fileName name: String) -> Int? {
    guard name.hasPrefix("iter-"), name.hasSuffix(".npz") else { return nil }
    let digits = name.dropFirst(5).dropLast(4)
    guard digits.count == 7, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
    return Int(digits)
  }

  /// Writes the snapshot of `iteration` (creating `snapshots/` when needed).
  public func writeSnapshot(_ arrays: [(name: String, array: NumpyArray)], iteration: Int) throws {
    try Self.translatingFileErrors {
      try AtomicFile.write(NumpyArchive.data(arrays), to: snapshotPath(iteration: iteration))
    }
  }

  /// Deletes the snapshots after `iteration` (a resume from an earlier state writes them again).
  public func removeSnapshots(afterIteration iteration: Int) throws {
    for later in snapshotIterations() where later > iteration {
      do {
        try FileManager.default.removeItem(atPath: snapshotPath(iteration: later))
      } catch {
        throw CheckpointError.unwritable(
          path: snapshotPath(iteration: later), reason: "could not be removed: \(error.localizedDescription)")
      }
    }
  }

  /// Every snapshot that does not decode as an `.npz` with features, labels, class weights and
  /// its iteration, with why; empty when all are good.
  public func verifySnapshots() -> [(path: String, problem: String)] {
    snapshotIterations().compactMap { iteration in
      let file = snapshotPath(iteration: iteration)
      do {
        let arrays = try NumpyArchive.read(contentsOf: file)
        let prefix = arrays["test_features"] != nil ? "test" : "train"
        if let absent = ["\(prefix)_features", "\(prefix)_labels", "class_weights", "iteration"].first(where: {
          arrays[$0] == nil
        }) {
          return (file, "array '\(absent)' is missing")
        }
        return nil
      } catch {
        return (file, "\(error)")
      }
    }
  }
}

/// The one list of what a run directory may hold: every name the trainer (and its claim) writes there.
extension RunDirectory {
  /// The marker `margins train` leaves in a run directory it created (the only kind `--fresh` deletes).
  public static let markerName = ".margins-run.json"

  /// Whether `name` (an entry of a run directory, a directory when `isDirectory`) is something the
  /// trainer writes: checkpoints and state, `latest`, `log.csv`, the marker, interrupted atomic
  /// writes, and the `snapshots/` directory.
  public static func isRunEntry(_ name: String, isDirectory: Bool) -> Bool {
    if isDirectory { return name == snapshotDirectoryName }
    if name == "latest" || name == "log.csv" || name == markerName { return true }
    if name.hasPrefix("."), name.hasSuffix(".tmp") { return true }
    return name.hasPrefix("epoch-") && (name.hasSuffix(".npz") || name.hasSuffix(".json"))
  }

  /// Whether `name` may sit in `snapshots/`: snapshots and interrupted atomic writes of them.
  public static func isSnapshotEntry(_ name: String) -> Bool {
    snapshotIteration(fileName: name) != nil || (name.hasPrefix(".") && name.hasSuffix(".tmp"))
  }

  /// The first entry (sorted) of the run directory, or of its `snapshots/`, that margins did not write;
  /// nil when there is none (or no directory).
  public func foreignEntry() -> String? {
    let manager = FileManager.default
    let entries = ((try? manager.contentsOfDirectory(atPath: path)) ?? []).sorted()
    for name in entries {
      var isDirectory: ObjCBool = false
      let full = (path as NSString).appendingPathComponent(name)
      // lstat semantics matter little here: a symlink to a directory is not the trainer's either.
      let attributes = try? manager.attributesOfItem(atPath: full)
      if attributes?[.type] as? FileAttributeType == .typeSymbolicLink { return name }
      guard manager.fileExists(atPath: full, isDirectory: &isDirectory) else { return name }
      guard Self.isRunEntry(name, isDirectory: isDirectory.boolValue) else { return name }
      if isDirectory.boolValue {
        let inner = ((try? manager.contentsOfDirectory(atPath: full)) ?? []).sorted()
        if let stranger = inner.first(where: { !Self.isSnapshotEntry($0) }) { return name + "/" + stranger }
      }
    }
    return nil
  }
}
