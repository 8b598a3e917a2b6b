#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Checkpoints
import Experiments
import FileFormats
import Foundation
import Training

/// The results the repository carries, `results/<profile>/<experiment>/<run>/`: per run the
/// feature checkpoints its figures draw (`epoch-NNN.npz` + `.json`), its iteration snapshots
/// (`snapshots/iter-NNNNNNN.npz`, for the animations), `log.csv` and `latest`, and
/// for a run still in progress its newest training state, so training resumes on any machine.
/// `SHA256SUMS` at the profile root lists every file, so a corrupt or edited file is named, never
/// used.
///
/// A shipped run stands in for a trained one only while its recorded configuration (which
/// includes the training-code stamp) equals the plan the current code and experiment file give.
public struct ShippedResults: Sendable {
  public let root: String

  public static let manifestName = "SHA256SUMS"

  public init(root: String) {
    self.root = root
  }

  public var manifestPath: String { (root as NSString).appendingPathComponent(Self.manifestName) }

  public func directory(for plan: RunPlan) -> RunDirectory {
    RunDirectory(root: root, experiment: plan.experiment, run: plan.run)
  }

  /// Relative path → sha256, as listed in `SHA256SUMS` (empty when nothing is shipped).
  public func manifest() throws -> [String: String] {
    guard FileBytes.exists(manifestPath) else { return [:] }
    let data: Data
    do {
      data = try FileBytes.read(manifestPath, limit: 64 << 20)
    } catch {
      throw ShippedResultsError.corrupt(path: manifestPath, reason: error.reason)
    }
    return try Self.parseManifest(data, path: manifestPath)
  }

  /// Parses `SHA256SUMS` as `sha256sum -c` reads it: `<sha256>  <path>` or `<sha256> *<path>` per
  /// line, LF or CRLF line ends. Every path must name a file inside a run
  /// (`EXPERIMENT/RUN/FILE` or `EXPERIMENT/RUN/snapshots/FILE`); a path listed twice with different
  /// digests is refused (which one would be meant?).
  public static func parseManifest(_ data: Data, path: String) throws -> [String: String] {
    guard var text = String(data: data, encoding: .utf8) else {
      throw ShippedResultsError.corrupt(path: path, reason: "not readable as UTF-8 text")
    }
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
    var entries: [String: String] = [:]
    // Split on the scalar: as Characters, "\r\n" is one grapheme and never equals "\n".
    for (index, rawLine) in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      var line = String(String.UnicodeScalarView(rawLine))
      if line.hasSuffix("\r") { line.removeLast() }
      if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
      func corrupt(_ reason: String) -> ShippedResultsError {
        .corrupt(
          path: path,
          reason:
            "line \(index + 1) \(reason): \(line.prefix(80).unicodeScalars.map { $0.value < 0x20 ? "?" : String($0) }.joined())"
        )
      }
      let digest = String(line.prefix(64))
      guard digest.count == 64, digest.allSatisfy({ $0.isHexDigit && $0.isASCII }) else {
        throw corrupt("is not '<sha256>  <path>'")
      }
      let rest = line.dropFirst(64)
      guard rest.hasPrefix("  ") || rest.hasPrefix(" *") else { throw corrupt("is not '<sha256>  <path>'") }
      let relative = String(rest.dropFirst(2))
      guard !relative.isEmpty, !relative.hasPrefix("/"),
        !relative.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" })
      else { throw corrupt("names a path outside the shipped results or with control characters") }
      let components = relative.split(separator: "/", omittingEmptySubsequences: false)
      guard !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
        throw corrupt("names a path outside: \(relative)")
      }
      guard components.count == 3 || (components.count == 4 && components[2] == "snapshots") else {
        throw corrupt("names no file of a run (EXPERIMENT/RUN/FILE or EXPERIMENT/RUN/snapshots/FILE)")
      }
      let lowered = digest.lowercased()
      if let earlier = entries[relative], earlier != lowered {
        throw corrupt("lists \(relative) a second time with another sha256")
      }
      entries[relative] = lowered
    }
    return entries
  }

  /// The files shipped for one run (relative to `root`), each checked against the manifest.
  /// - Returns: nil when nothing is shipped for the run.
  /// - Throws: `ShippedResultsError` naming the first file that is missing or differs.
  public func verifiedFiles(for plan: RunPlan, manifest: [String: String]) throws -> [String]? {
    let prefix = "\(plan.experiment)/\(plan.run)/"
    let files = manifest.keys.filter { $0.hasPrefix(prefix) }.sorted()
    guard !files.isEmpty else { return nil }
    let resolvedRoot = Self.resolved(root)
    for relative in files {
      let path = (root as NSString).appendingPathComponent(relative)
      guard FileBytes.exists(path) else {
        throw ShippedResultsError.damaged(path: path, reason: "listed in \(manifestPath) but missing", plan: plan)
      }
      // A link may point anywhere; only what lies inside the shipped results is ever copied.
      guard let resolvedRoot, let target = Self.resolved(path), target.hasPrefix(resolvedRoot + "/") else {
        throw ShippedResultsError.damaged(
          path: path, reason: "is a symbolic link to a file outside \(root)", plan: plan)
      }
      let digest: String
      do {
        digest = try Checksum.sha256(ofFileAt: path)
      } catch {
        throw ShippedResultsError.damaged(
          path: path, reason: (error as? FileFormatError)?.reason ?? "cannot be read", plan: plan)
      }
      guard digest == manifest[relative] else {
        throw ShippedResultsError.damaged(
          path: path, reason: "sha256 \(digest) differs from \(manifest[relative] ?? "") in \(manifestPath)", plan: plan
        )
      }
    }
    return files
  }

  /// Why a run directory does not hold the finished result of `plan` (nil when it does).
  public static func staleness(of run: RunDirectory, for plan: RunPlan) -> String? {
    guard let epoch = run.savedEpochs().last else { return "no feature checkpoint" }
    guard let metadata = try? run.readMetadata(epoch: epoch) else { return "its newest checkpoint is unreadable" }
    if let difference = plan.difference(from: metadata.configuration) { return difference }
    if metadata.epoch < plan.epochs { return "trained to epoch \(metadata.epoch) of \(plan.epochs)" }
    return nil
  }

  /// What `install` did for one run.
  public enum Installation: Equatable, Sendable {
    /// The run directory already held the finished result of the plan.
    case upToDate
    /// The shipped result was copied in (replacing, when given, a stale run and why it was stale).
    case installed(replacedStale: String?)
    /// The run must be trained: the reason, and whether an unfinished matching run can resume.
    case needsTraining(reason: String)
  }

  /// Makes `runsRoot/<experiment>/<run>` hold the plan's result when the shipped one is current.
  ///
  /// An up-to-date run directory is left alone. A finished shipped run of this very plan replaces
  /// whatever else is there (a stale or unfinished run: both are derived data of this tool). An
  /// unfinished shipped run is installed to resume from, unless the local run of the same plan got
  /// as far. The copy goes to a temporary sibling first and is renamed into place.
  public func install(_ plan: RunPlan, into runsRoot: String, manifest: [String: String]) throws -> Installation {
    try Self.withRunLock(root: runsRoot, experiment: plan.experiment, run: plan.run) {
      try installLocked(plan, into: runsRoot, manifest: manifest)
    }
  }

  private func installLocked(_ plan: RunPlan, into runsRoot: String, manifest: [String: String]) throws -> Installation
  {
    let target = RunDirectory(root: runsRoot, experiment: plan.experiment, run: plan.run)
    guard let targetStale = Self.staleness(of: target, for: plan) else { return .upToDate }
    guard let files = try verifiedFiles(for: plan, manifest: manifest) else {
      return .needsTraining(reason: "nothing shipped for it; locally: \(targetStale)")
    }
    let shipped = directory(for: plan)
    let shippedStale = Self.staleness(of: shipped, for: plan)
    guard Self.sameConfiguration(shipped, plan) else {
      return .needsTraining(reason: "the shipped result is stale (\(shippedStale ?? ""))")
    }
    let exists = FileManager.default.fileExists(atPath: target.path)
    guard shippedStale != nil, let shippedState = shipped.stateEpochs().last else {
      try copy(files, to: target)
      return .installed(replacedStale: exists ? targetStale : nil)
    }
    if Self.sameConfiguration(target, plan), let local = target.stateEpochs().last, local >= shippedState {
      return .needsTraining(reason: "unfinished; resuming the local run from epoch \(local)")
    }
    try copy(files, to: target)
    return .needsTraining(reason: "unfinished; resuming the shipped run from epoch \(shippedState)")
  }

  /// Whether the run records `plan`'s configuration: in its newest feature checkpoint, or (a run with
  /// training state only, an unfinished one) in its newest state file.
  static func sameConfiguration(_ run: RunDirectory, _ plan: RunPlan) -> Bool {
    guard let configuration = run.recordedConfiguration() else { return false }
    return plan.difference(from: configuration) == nil
  }

  private func copy(_ files: [String], to target: RunDirectory) throws {
    try Self.refuseForeign(target)
    let parent = (target.path as NSString).deletingLastPathComponent
    let staging = TemporaryFiles.temporaryPath(
      for: "installing-" + (target.path as NSString).lastPathComponent, in: parent)
    TemporaryFiles.register(staging)
    defer { TemporaryFiles.unregister(staging) }
    do {
      try FileBytes.createDirectories(staging)
      for relative in files {
        let source = (root as NSString).appendingPathComponent(relative)
        // Relative to the run: `epoch-NNN.npz`, or `snapshots/iter-NNNNNNN.npz`.
        let inRun = relative.split(separator: "/").dropFirst(2).joined(separator: "/")
        try AtomicFile.write(try FileBytes.read(source), to: (staging as NSString).appendingPathComponent(inRun))
      }
      try Self.replace(target.path, with: staging)
    } catch {
      try? FileManager.default.removeItem(atPath: staging)
      throw ShippedResultsError.unwritable(path: target.path, reason: Self.sentence(error))
    }
  }

  /// The error as a sentence (never a Foundation domain and code).
  static func sentence(_ error: Error) -> String {
    if let error = error as? FileFormatError { return error.description }
    if let error = error as? ShippedResultsError { return error.description }
    return "cannot be written: \(SystemErrorText.current)"
  }

  /// Refuses a run directory that holds what margins did not write, or a file where it goes.
  static func refuseForeign(_ target: RunDirectory) throws {
    var info = stat()
    guard lstat(target.path, &info) == 0 else { return }
    guard (info.st_mode & S_IFMT) == S_IFDIR else {
      throw ShippedResultsError.unwritable(
        path: target.path,
        reason: "is a file or link where a run directory goes, which margins did not write; not replacing it")
    }
    if let foreign = target.foreignEntry() {
      throw ShippedResultsError.unwritable(
        path: target.path, reason: "holds '\(foreign)', which margins did not write; not replacing it")
    }
  }

  /// Puts the finished `staging` directory where `path` was (removing the run directory there).
  static func replace(_ path: String, with staging: String) throws {
    if FileBytes.exists(path) {
      do {
        try FileManager.default.removeItem(atPath: path)
      } catch {
        throw ShippedResultsError.unwritable(
          path: path, reason: "cannot remove the old run directory: \(SystemErrorText.current)")
      }
    }
    guard rename(staging, path) == 0 else {
      throw ShippedResultsError.unwritable(
        path: path, reason: "cannot move the new run directory into place: \(SystemErrorText.current)")
    }
  }

  /// The path with every link resolved (nil when it does not exist).
  static func resolved(_ path: String) -> String? {
    guard let pointer = realpath(path, nil) else { return nil }
    defer { free(pointer) }
    return String(cString: pointer)
  }

  /// Holds the run's lock (`EXPERIMENT/.RUN.lock` beside it, the one `margins train` takes) while
  /// `body` runs, so two installs, or an install and a trainer, never work on one run at once.
  static func withRunLock<T>(root: String, experiment: String, run: String, _ body: () throws -> T) throws -> T {
    let experimentPath = (root as NSString).appendingPathComponent(experiment)
    do {
      try FileBytes.createDirectories(experimentPath)
    } catch {
      throw ShippedResultsError.unwritable(path: experimentPath, reason: error.reason)
    }
    let lockPath = (experimentPath as NSString).appendingPathComponent(".\(run).lock")
    let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw ShippedResultsError.unwritable(
        path: lockPath, reason: "cannot create the run's lock file: \(SystemErrorText.current)")
    }
    defer { close(descriptor) }
    if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      FileHandle.standardError.write(
        Data("\(experiment)/\(run): waiting for another margins process to release \(lockPath)\n".utf8))
      while flock(descriptor, LOCK_EX) != 0 {
        guard errno == EINTR else {
          throw ShippedResultsError.unwritable(path: lockPath, reason: "cannot lock: \(SystemErrorText.current)")
        }
      }
    }
    return try body()
  }

  /// Copies the finished (or, with `includeUnfinished`, the in-progress) runs of `plans` from
  /// `runsRoot` into the shipped results and rewrites the manifest: feature checkpoints, iteration
  /// snapshots, log and `latest`; the newest training state only for an unfinished run.
  /// - Returns: one line per plan saying what was shipped.
  public func ship(_ plans: [RunPlan], from runsRoot: String, includeUnfinished: Bool) throws -> [String] {
    let manager = FileManager.default
    var manifest = try manifest()
    var lines: [String] = []
    for plan in plans {
      let source = RunDirectory(root: runsRoot, experiment: plan.experiment, run: plan.run)
      let stale = Self.staleness(of: source, for: plan)
      let unfinished = stale != nil && Self.sameConfiguration(source, plan) && !source.stateEpochs().isEmpty
      guard stale == nil || (includeUnfinished && unfinished) else {
        lines.append("\(plan.experiment)/\(plan.run): not shipped (\(stale ?? ""))")
        continue
      }
      var names = source.savedEpochs().flatMap { epoch in
        [source.featuresPath(epoch: epoch), source.metadataPath(epoch: epoch)]
      }
      names += [source.logPath, source.latestPath].filter { manager.fileExists(atPath: $0) }
      names += source.snapshotIterations().map(source.snapshotPath(iteration:))
      if unfinished, let epoch = source.stateEpochs().last { names.append(source.statePath(epoch: epoch)) }
      let prefix = "\(plan.experiment)/\(plan.run)/"
      let target = directory(for: plan)
      // Only a run directory margins wrote is replaced: notes, extra files or a file of the run's
      // name stay, and nothing is shipped for this run.
      try Self.refuseForeign(target)
      let parent = (target.path as NSString).deletingLastPathComponent
      let staging = TemporaryFiles.temporaryPath(for: "shipping-" + plan.run, in: parent)
      TemporaryFiles.register(staging)
      defer { TemporaryFiles.unregister(staging) }
      var shippedEntries: [String: String] = [:]
      var bytes = 0
      do {
        try FileBytes.createDirectories(staging)
        for path in names {
          // The path inside the run: a file name, or `snapshots/` and a file name.
          let name = String(path.dropFirst(source.path.count + 1))
          let data = try FileBytes.read(path)
          try AtomicFile.write(data, to: (staging as NSString).appendingPathComponent(name))
          shippedEntries[prefix + name] = Checksum.sha256(data)
          bytes += data.count
        }
        try Self.replace(target.path, with: staging)
      } catch {
        try? manager.removeItem(atPath: staging)
        throw ShippedResultsError.unwritable(path: target.path, reason: Self.sentence(error))
      }
      for key in manifest.keys where key.hasPrefix(prefix) { manifest.removeValue(forKey: key) }
      manifest.merge(shippedEntries) { $1 }
      let what = unfinished ? "in progress, state of epoch \(source.stateEpochs().last ?? 0)" : "finished"
      lines.append(
        String(
          format: "%@%@: %d files, %.2f MB (%@)", plan.experiment, "/" + plan.run, names.count,
          Double(bytes) / 1e6, what))
    }
    let text = manifest.keys.sorted().map { "\(manifest[$0]!)  \($0)\n" }.joined()
    try AtomicFile.write(Data(text.utf8), to: manifestPath)
    return lines
  }
}

public enum ShippedResultsError: Error, CustomStringConvertible {
  case corrupt(path: String, reason: String)
  case damaged(path: String, reason: String, plan: RunPlan)
  case unwritable(path: String, reason: String)

  public var description: String {
    switch self {
    case .corrupt(let path, let reason): "\(path): \(reason)"
    case .damaged(let path, let reason, let plan):
      "\(path): shipped result is damaged (\(reason)); nothing was installed. Restore it with "
        + "`git checkout -- \(path)`, or retrain it with "
        + "`margins train \(plan.experiment) --run \(plan.run) --profile \(plan.profile) --fresh`."
    case .unwritable(let path, let reason): "\(path): \(reason)"
    }
  }
}
