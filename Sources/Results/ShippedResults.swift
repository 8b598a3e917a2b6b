import Checkpoints
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
    guard FileManager.default.fileExists(atPath: manifestPath) else { return [:] }
    guard let text = try? String(contentsOfFile: manifestPath, encoding: .utf8) else {
      throw ShippedResultsError.corrupt(path: manifestPath, reason: "not readable as UTF-8 text")
    }
    var entries: [String: String] = [:]
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
      let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
      guard parts.count == 2, parts[0].count == 64, parts[0].allSatisfy(\.isHexDigit) else {
        throw ShippedResultsError.corrupt(
          path: manifestPath, reason: "line \(index + 1) is not '<sha256>  <path>': \(line.prefix(80))")
      }
      let relative = parts[1].trimmingCharacters(in: .whitespaces)
      guard !relative.hasPrefix("/"), !relative.split(separator: "/").contains("..") else {
        throw ShippedResultsError.corrupt(path: manifestPath, reason: "line \(index + 1) names a path outside: \(relative)")
      }
      entries[relative] = String(parts[0])
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
    for relative in files {
      let path = (root as NSString).appendingPathComponent(relative)
      guard let data = FileManager.default.contents(atPath: path) else {
        throw ShippedResultsError.damaged(path: path, reason: "listed in \(manifestPath) but missing", plan: plan)
      }
      let digest = Checksum.sha256(data)
      guard digest == manifest[relative] else {
        throw ShippedResultsError.damaged(
          path: path, reason: "sha256 \(digest) differs from \(manifest[relative] ?? "") in \(manifestPath)", plan: plan)
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
    let manager = FileManager.default
    if let foreign = target.foreignEntry() {
      throw ShippedResultsError.unwritable(
        path: target.path, reason: "holds '\(foreign)', which margins did not write; not replacing it with the shipped result")
    }
    let parent = (target.path as NSString).deletingLastPathComponent
    let staging = parent + "/.installing-\((target.path as NSString).lastPathComponent)-\(getpid())"
    try? manager.removeItem(atPath: staging)
    do {
      try manager.createDirectory(atPath: staging, withIntermediateDirectories: true)
      for relative in files {
        let source = (root as NSString).appendingPathComponent(relative)
        // Relative to the run: `epoch-NNN.npz`, or `snapshots/iter-NNNNNNN.npz`.
        let inRun = relative.split(separator: "/").dropFirst(2).joined(separator: "/")
        let destination = (staging as NSString).appendingPathComponent(inRun)
        try manager.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try manager.copyItem(atPath: source, toPath: destination)
      }
      if manager.fileExists(atPath: target.path) { try manager.removeItem(atPath: target.path) }
      try manager.moveItem(atPath: staging, toPath: target.path)
    } catch {
      try? manager.removeItem(atPath: staging)
      throw ShippedResultsError.unwritable(path: target.path, reason: "\(error.localizedDescription)")
    }
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
      let staging = target.path + ".shipping"
      try? manager.removeItem(atPath: staging)
      try manager.createDirectory(atPath: staging, withIntermediateDirectories: true)
      for key in manifest.keys where key.hasPrefix(prefix) { manifest.removeValue(forKey: key) }
      var bytes = 0
      for path in names {
        // The path inside the run: a file name, or `snapshots/` and a file name.
        let name = String(path.dropFirst(source.path.count + 1))
        guard let data = manager.contents(atPath: path) else {
          throw ShippedResultsError.unwritable(path: path, reason: "could not be read")
        }
        let destination = (staging as NSString).appendingPathComponent(name)
        try manager.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: destination))
        manifest[prefix + name] = Checksum.sha256(data)
        bytes += data.count
      }
      if manager.fileExists(atPath: target.path) { try manager.removeItem(atPath: target.path) }
      try manager.moveItem(atPath: staging, toPath: target.path)
      let what = unfinished ? "in progress, state of epoch \(source.stateEpochs().last ?? 0)" : "finished"
      lines.append(String(format: "%@%@: %d files, %.2f MB (%@)", plan.experiment, "/" + plan.run, names.count,
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
