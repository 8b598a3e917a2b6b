import FileFormats
import Foundation

/// The on-disk layout of one run: `runs/<experiment>/<run>/` holding, per saved epoch,
/// `epoch-NNN.npz` (features), `epoch-NNN.json` (metadata), `epoch-NNN.state.npz`
/// (network, head and optimiser state for resuming and re-extracting features, with the run's
/// configuration), a `latest` file naming the newest complete epoch, and, when the run saves them,
/// iteration snapshots in `snapshots/` (RunDirectory+Snapshots.swift, which also holds the one list
/// of what a run directory may contain).
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
  /// Also removes temporary files that killed writers left in the run directory.
  public func writeState(_ state: [(name: String, array: NumpyArray)], epoch: Int) throws {
    removeStaleTemporaryFiles()
    try Self.translatingFileErrors { try AtomicFile.write(NumpyArchive.data(state), to: statePath(epoch: epoch)) }
  }

  /// Deletes `.NAME.PID.RANDOM.tmp` files of writers that no longer run (a kill -9 mid-write), in the
  /// run directory and its `snapshots/`.
  /// - Returns: the paths removed.
  @discardableResult
  public func removeStaleTemporaryFiles() -> [String] {
    let snapshots =
      FileManager.default.fileExists(atPath: snapshotDirectory) ? TemporaryFiles.removeStale(in: snapshotDirectory) : []
    return TemporaryFiles.removeStale(in: path) + snapshots
  }

  /// Saves an epoch's features, then its metadata (with the features' sha256), then `latest`.
  public func writeFeatures(_ checkpoint: FeatureCheckpoint) throws {
    let epoch = checkpoint.metadata.epoch
    try Self.translatingFileErrors {
      let features = try NumpyArchive.data(checkpoint.arrays())
      try AtomicFile.write(features, to: featuresPath(epoch: epoch))
      var metadata = checkpoint.metadata
      metadata.arraysSHA256 = Checksum.sha256(features)
      try AtomicFile.write(try Self.encoder.encode(metadata), to: metadataPath(epoch: epoch))
      try AtomicFile.write(Data((stem(epoch: epoch) + "\n").utf8), to: latestPath)
    }
  }

  /// Runs `body`, turning file-format errors into checkpoint errors naming the same file.
  static func translatingFileErrors<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as FileFormatError {
      throw CheckpointError(error)
    }
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
    guard let bytes = try? FileBytes.read(latestPath, limit: 4096) else { return nil }
    let text = String(decoding: bytes, as: UTF8.self)
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
    try Self.translatingFileErrors { try NumpyArchive.read(contentsOf: statePath(epoch: epoch)) }
  }

  static let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return encoder
  }()

  /// Metadata files are small; anything larger is not one (and is not read into memory).
  static let metadataSizeLimit = 64 << 20

  static func readMetadata(at path: String) throws -> CheckpointMetadata {
    let data: Data
    do {
      data = try FileBytes.read(path, limit: metadataSizeLimit)
    } catch .missing {
      throw CheckpointError.missing(path: path, hint: "Run `margins train` to create it.")
    } catch {
      throw CheckpointError(error)
    }
    let metadata = try CheckpointMetadata(decoding: data, path: path)
    // The name is what the run's listing, `latest` and resuming go by; a file that claims another
    // epoch would be reported and drawn as one it is not.
    if let named = epochNamed(path), named != metadata.epoch {
      throw CheckpointError.malformed(
        path: path, reason: "its name says epoch \(named) but it records epoch \(metadata.epoch)")
    }
    return metadata
  }

  /// The epoch in an `epoch-NNN.json` file name (nil for other names).
  static func epochNamed(_ path: String) -> Int? {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    guard name.hasPrefix("epoch-"), name.hasSuffix(".json") else { return nil }
    let digits = name.dropFirst(6).dropLast(5)
    guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    return Int(digits)
  }

  static func readCheckpoint(metadataPath: String) throws -> FeatureCheckpoint {
    let metadata = try readMetadata(at: metadataPath)
    let arraysPath = String(metadataPath.dropLast(5)) + ".npz"
    // Hashed as it streams past and then read in place: never held twice, never copied elsewhere.
    let digest: String
    do {
      digest = try Checksum.sha256(ofFileAt: arraysPath)
    } catch FileFormatError.missing {
      throw CheckpointError.missing(
        path: arraysPath, hint: "Its metadata \(metadataPath) exists; the run may have been copied incompletely.")
    } catch let error as FileFormatError {
      throw CheckpointError(error)
    }
    guard digest == metadata.arraysSHA256 else {
      throw CheckpointError.mismatch(
        path: arraysPath, reason: "sha256 \(digest) differs from \(metadata.arraysSHA256) recorded in \(metadataPath)")
    }
    let arrays = try translatingFileErrors { try NumpyArchive.read(contentsOf: arraysPath) }
    return try FeatureCheckpoint(metadata: metadata, arrays: arrays, path: arraysPath)
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
