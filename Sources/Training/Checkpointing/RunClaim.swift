import Checkpoints
import Experiments
import Foundation
import MarginMath

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A run directory held by one trainer: its path is checked to stay inside the runs root (symlinks
/// resolved), an advisory lock (`flock`) beside it is held until `release`, and it carries a marker
/// file saying `margins train` created it, the only kind of directory `--fresh` ever deletes.
final class RunClaim {
  static let markerName = RunDirectory.markerName

  let directory: RunDirectory
  let lockPath: String
  private var lockDescriptor: Int32

  /// What the marker holds: who made the directory, for which run, and the run's advisory warnings.
  struct Marker: Codable {
    var createdBy = "margins train"
    var experiment: String
    var run: String
    var warnings: [String]
  }

  /// Opens `root/experiment/run` for training, creating it (with its marker) if needed.
  /// - Throws: `TrainingError` when a name is unsafe, a path leaves `root`, the directory holds files
  ///   margins did not write, or another trainer holds the lock.
  init(root: String, experiment: String, run: String) throws {
    for (what, name) in [("experiment", experiment), ("run", run)] {
      if let problem = SafeName.problem(with: name) {
        throw TrainingError.unsafeName(what: what, name: name, reason: problem)
      }
    }
    let resolvedRoot = try Self.createDirectory(root, inside: nil)
    let experimentPath = try Self.createDirectory(
      (resolvedRoot as NSString).appendingPathComponent(experiment), inside: resolvedRoot)
    lockPath = (experimentPath as NSString).appendingPathComponent(".\(run).lock")
    let descriptor = try Self.lock(lockPath)
    do {
      let runPath = (experimentPath as NSString).appendingPathComponent(run)
      if let existing = try Self.resolvedIfPresent(runPath, inside: resolvedRoot) {
        try Self.checkOwnership(existing)
        directory = RunDirectory(path: existing)
      } else {
        directory = RunDirectory(path: try Self.createDirectory(runPath, inside: resolvedRoot))
      }
    } catch {
      close(descriptor)
      throw error
    }
    lockDescriptor = descriptor
    try writeMarker(Marker(experiment: experiment, run: run, warnings: readMarker()?.warnings ?? []))
  }

  deinit { release() }

  func release() {
    guard lockDescriptor >= 0 else { return }
    close(lockDescriptor)  // closing drops the flock
    lockDescriptor = -1
  }

  /// Deletes the run's files (it holds the marker, checked when claimed) and starts an empty directory.
  func startAfresh() throws {
    let marker = readMarker()
    do {
      try FileManager.default.removeItem(atPath: directory.path)
      try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: false)
    } catch {
      throw TrainingError.fileSystem(path: directory.path, action: "start the run afresh", error: error)
    }
    if let marker { try writeMarker(Marker(experiment: marker.experiment, run: marker.run, warnings: [])) }
  }

  /// Records the run's advisory warnings in its marker as printable lines (the checkpoints' metadata
  /// carries them too).
  func record(warnings: [LossWarning]) throws {
    guard var marker = readMarker() else { return }
    marker.warnings = warnings.map(\.description)
    try writeMarker(marker)
  }

  var markerPath: String { (directory.path as NSString).appendingPathComponent(Self.markerName) }

  func readMarker() -> Marker? {
    FileManager.default.contents(atPath: markerPath).flatMap { try? JSONDecoder().decode(Marker.self, from: $0) }
  }

  private func writeMarker(_ marker: Marker) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    do {
      try encoder.encode(marker).write(to: URL(fileURLWithPath: markerPath), options: .atomic)
    } catch {
      throw TrainingError.fileSystem(path: markerPath, action: "write the run's marker", error: error)
    }
  }

  // MARK: - Paths

  /// `path` with symlinks resolved, or nil when nothing is there; it must lie inside `root` (when given).
  private static func resolvedIfPresent(_ path: String, inside root: String?) throws -> String? {
    var status = stat()
    guard lstat(path, &status) == 0 else {
      if errno == ENOENT { return nil }
      throw TrainingError.fileSystem(
        path: path, action: "look at", error: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
    }
    guard let resolved = realpath(path, nil) else {
      throw TrainingError.fileSystem(
        path: path, action: "resolve", error: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
    }
    defer { free(resolved) }
    let result = String(cString: resolved)
    if let root, !result.hasPrefix(root.hasSuffix("/") ? root : root + "/") {
      throw TrainingError.outsideRoot(path: path, resolved: result, root: root)
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: result, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw TrainingError.fileSystem(path: path, action: "use as a directory", error: POSIXError(.ENOTDIR))
    }
    return result
  }

  /// Creates `path` (and its parents when there is no root yet) and returns it resolved.
  private static func createDirectory(_ path: String, inside root: String?) throws -> String {
    if let existing = try resolvedIfPresent(path, inside: root) { return existing }
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: root == nil)
    } catch {
      throw TrainingError.fileSystem(path: path, action: "create the directory", error: error)
    }
    guard let created = try resolvedIfPresent(path, inside: root) else {
      throw TrainingError.fileSystem(path: path, action: "create the directory", error: POSIXError(.ENOENT))
    }
    return created
  }

  // MARK: - Ownership

  /// A directory is the tool's when it has the marker, or (runs trained before markers existed) when
  /// every entry is one the trainer writes (`RunDirectory.foreignEntry`); anything else is a stranger's
  /// and is left alone.
  private static func checkOwnership(_ path: String) throws {
    if FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent(markerName)) { return }
    do {
      _ = try FileManager.default.contentsOfDirectory(atPath: path)
    } catch {
      throw TrainingError.fileSystem(path: path, action: "list", error: error)
    }
    if let foreign = RunDirectory(path: path).foreignEntry() {
      throw TrainingError.notARunDirectory(path: path, foreignEntry: foreign)
    }
  }

  // MARK: - Lock

  private static func lock(_ path: String) throws -> Int32 {
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
    guard descriptor >= 0 else {
      throw TrainingError.fileSystem(
        path: path, action: "open the lock file", error: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
    }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      let code = errno
      let holder = (try? String(contentsOfFile: path, encoding: .utf8)).flatMap {
        Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
      }
      close(descriptor)
      if code == EWOULDBLOCK { throw TrainingError.runLocked(lockPath: path, holder: holder) }
      throw TrainingError.fileSystem(
        path: path, action: "lock", error: POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO))
    }
    let pid = Data("\(getpid())\n".utf8)
    _ = ftruncate(descriptor, 0)
    _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    return descriptor
  }
}
