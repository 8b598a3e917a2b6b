import Datasets
import Foundation

/// The on-disk layout of one run: `runs/<experiment>/<run>/` holding, per saved epoch,
/// `epoch-NNN.npz` (features), `epoch-NNN.json` (metadata), `epoch-NNN.state.npz`
/// (network, head and optimiser state for resuming and re-extracting features), and a
/// `latest` file naming the newest complete epoch.
///
/// Files are written one by one, each atomically, JSON last: an epoch counts as saved only
/// once its JSON exists, so an interrupted write never looks like a checkpoint.
public struct RunDirectory: Sendable {
  public let path: String

  public init(root: String, experiment: String, run: String) {
    path = ((root as NSString).appendingPathComponent(experiment) as NSString).appendingPathComponent(run)
  }

  public init(path: String) {
    self.path = path
  }

  public func stem(epoch: Int) -> String { String(format: "epoch-%03d", epoch) }
  public func featuresPath(epoch: Int) -> String { file(stem(epoch: epoch) + ".npz") }
  public func metadataPath(epoch: Int) -> String { file(stem(epoch: epoch) + ".json") }
  public func statePath(epoch: Int) -> String { file(stem(epoch: epoch) + ".state.npz") }
  public var latestPath: String { file("latest") }
  /// The per-iteration training log (CSV).
  public var logPath: String { file("log.csv") }

  private func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

  /// Saves one epoch: features, state, then metadata (with the features' sha256), then `latest`.
  public func write(_ checkpoint: FeatureCheckpoint, state: [(name: String, array: NumpyArray)]) throws {
    try writeState(state, epoch: checkpoint.metadata.epoch)
    try writeFeatures(checkpoint)
  }

  /// Saves the resumable training state of an epoch (every epoch has one, features or not).
  public func writeState(_ state: [(name: String, array: NumpyArray)], epoch: Int) throws {
    try AtomicFile.write(NumpyArchive.data(state), to: statePath(epoch: epoch))
  }

  /// Saves an epoch's features, then its metadata (with the features' sha256), then `latest`.
  public func writeFeatures(_ checkpoint: FeatureCheckpoint) throws {
    let epoch = checkpoint.metadata.epoch
    let features = NumpyArchive.data(checkpoint.arrays())
    try AtomicFile.write(features, to: featuresPath(epoch: epoch))
    var metadata = checkpoint.metadata
    metadata.arraysSHA256 = SHA256.hexDigest(of: features)
    try AtomicFile.write(try Self.encoder.encode(metadata), to: metadataPath(epoch: epoch))
    try AtomicFile.write(Data((stem(epoch: epoch) + "\n").utf8), to: latestPath)
  }

  /// The epochs with a complete checkpoint (JSON present), ascending.
  public func savedEpochs() -> [Int] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    return names.compactMap { name -> Int? in
      guard name.hasPrefix("epoch-"), name.hasSuffix(".json") else { return nil }
      return Int(name.dropFirst(6).dropLast(5))
    }.sorted()
  }

  /// The epochs with saved training state, ascending.
  public func stateEpochs() -> [Int] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    return names.compactMap { name -> Int? in
      guard name.hasPrefix("epoch-"), name.hasSuffix(".state.npz") else { return nil }
      return Int(name.dropFirst(6).dropLast(10))
    }.sorted()
  }

  /// The epoch `latest` names, if the run has one.
  public func latestEpoch() -> Int? {
    guard let text = try? String(contentsOfFile: latestPath, encoding: .utf8) else { return nil }
    let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard name.hasPrefix("epoch-") else { return nil }
    return Int(name.dropFirst(6))
  }

  public func readMetadata(epoch: Int) throws -> CheckpointMetadata {
    try Self.readMetadata(at: metadataPath(epoch: epoch))
  }

  /// The checkpoint of `epoch`, checked against its metadata (sha256, shapes, labels).
  public func readCheckpoint(epoch: Int) throws -> FeatureCheckpoint {
    try Self.readCheckpoint(metadataPath: metadataPath(epoch: epoch))
  }

  public func readState(epoch: Int) throws -> [String: NumpyArray] {
    try NumpyArchive.read(contentsOf: statePath(epoch: epoch))
  }

  static let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return encoder
  }()

  static func readMetadata(at path: String) throws -> CheckpointMetadata {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw CheckpointError.missing(path: path, hint: "Run `margins train` to create it.")
    }
    // Check the version first, so an old checkpoint gets the right message rather than a decoding error.
    struct Version: Decodable { let formatVersion: Int }
    guard let version = try? JSONDecoder().decode(Version.self, from: data) else {
      throw CheckpointError.malformed(path: path, reason: "not checkpoint metadata (truncated or not JSON)")
    }
    guard version.formatVersion == CheckpointMetadata.currentFormatVersion else {
      throw CheckpointError.unsupportedVersion(
        path: path, found: version.formatVersion, supported: CheckpointMetadata.currentFormatVersion)
    }
    do {
      return try JSONDecoder().decode(CheckpointMetadata.self, from: data)
    } catch {
      throw CheckpointError.malformed(path: path, reason: "metadata does not decode: \(error)")
    }
  }

  static func readCheckpoint(metadataPath: String) throws -> FeatureCheckpoint {
    let metadata = try readMetadata(at: metadataPath)
    let arraysPath = String(metadataPath.dropLast(5)) + ".npz"
    guard let data = FileManager.default.contents(atPath: arraysPath) else {
      throw CheckpointError.missing(path: arraysPath, hint: "Its metadata \(metadataPath) exists; the run may have been copied incompletely.")
    }
    let digest = SHA256.hexDigest(of: data)
    guard digest == metadata.arraysSHA256 else {
      throw CheckpointError.mismatch(
        path: arraysPath, reason: "sha256 \(digest) differs from \(metadata.arraysSHA256) recorded in \(metadataPath)")
    }
    return try FeatureCheckpoint(metadata: metadata, arrays: try NumpyArchive.read(data, path: arraysPath), path: arraysPath)
  }
}

/// Opens checkpoints by whatever path a user gives.
public enum CheckpointReader {
  /// Reads the checkpoint at `path`: an `epoch-NNN.npz` or `.json`, or a run directory (its `latest`).
  /// - Throws: `CheckpointError` naming the file and the problem.
  public static func read(_ path: String) throws -> FeatureCheckpoint {
    try RunDirectory.readCheckpoint(metadataPath: metadataPath(for: path))
  }

  /// The metadata file behind `path` (see `read`).
  public static func metadataPath(for path: String) throws -> String {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw CheckpointError.missing(path: path, hint: "Expected an epoch-NNN.npz or .json file, or a run directory.")
    }
    if isDirectory.boolValue {
      let run = RunDirectory(path: path)
      guard let epoch = run.latestEpoch() ?? run.savedEpochs().last else {
        throw CheckpointError.missing(path: run.latestPath, hint: "The run directory holds no complete checkpoint yet.")
      }
      return run.metadataPath(epoch: epoch)
    }
    if path.hasSuffix(".state.npz") {
      throw CheckpointError.malformed(path: path, reason: "this is training state; pass the epoch's .npz or .json")
    }
    if path.hasSuffix(".npz") { return String(path.dropLast(4)) + ".json" }
    if path.hasSuffix(".json") { return path }
    throw CheckpointError.malformed(path: path, reason: "expected an .npz or .json checkpoint file, or a run directory")
  }
}
