import Checkpoints
import Figures
import FileFormats
import Foundation

/// One snapshot of a run: its embeddings and the training loss reported with it.
public struct AnimationFrame: Sendable {
  public var embeddings: Embeddings
  /// Mean training loss (a checkpoint's `meanLoss`, a snapshot's `train_loss`), when known.
  public var trainingLoss: Double?

  public init(embeddings: Embeddings, trainingLoss: Double? = nil) {
    self.embeddings = embeddings
    self.trainingLoss = trainingLoss
  }
}

/// Finds and orders a run's snapshots: epoch checkpoints (`epoch-NNN.npz` + `.json`) and, when the run
/// saved them, iteration snapshots (`snapshots/iter-NNNNNNN.npz`, see README "Animations").
public enum AnimationFrames {
  /// Every frame of `paths`: a run directory gives all its saved epochs and snapshots, a file gives
  /// itself. Frames are put in numeric order (iteration, else epoch, else the numbers in the file
  /// names); two frames at the same iteration keep the first.
  /// - Throws: `EmbeddingError` naming the first file whose feature dimension or class count differs
  ///   from the first frame's.
  public static func load(_ paths: [String], options: EmbeddingReader.Options = EmbeddingReader.Options()) throws
    -> [AnimationFrame]
  {
    var frames: [AnimationFrame] = []
    for path in paths {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
        frames += try run(RunDirectory(path: path), options: options)
      } else {
        frames.append(try file(path, options: options))
      }
    }
    let ordered = order(frames)
    try checkConsistent(ordered)
    return ordered
  }

  /// A run's epoch checkpoints and iteration snapshots.
  public static func run(_ run: RunDirectory, options: EmbeddingReader.Options = EmbeddingReader.Options()) throws
    -> [AnimationFrame]
  {
    var frames = try run.savedEpochs().map { epoch -> AnimationFrame in
      let e = try EmbeddingReader.embeddings(
        checkpoint: try run.readCheckpoint(epoch: epoch), path: run.metadataPath(epoch: epoch), options: options)
      return AnimationFrame(embeddings: e, trainingLoss: e.metadata?.meanLoss)
    }
    // Any `iter-*.npz`, not only the trainer's 7-digit names: frames are put in iteration order later.
    let directory = run.snapshotDirectory
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter {
      $0.hasPrefix("iter-") && $0.hasSuffix(".npz")
    }
    frames += try names.map { try file((directory as NSString).appendingPathComponent($0), options: options) }
    if frames.isEmpty {
      throw EmbeddingError(
        path: run.path,
        reason:
          "no epoch checkpoints (epoch-NNN.json) and no \(RunDirectory.snapshotDirectoryName)/iter-*.npz to animate")
    }
    return frames
  }

  /// One file: a checkpoint, a snapshot or any embedding file `margins plot` reads.
  public static func file(_ path: String, options: EmbeddingReader.Options = EmbeddingReader.Options()) throws
    -> AnimationFrame
  {
    let e = try EmbeddingReader.read(path, options: options)
    if let m = e.metadata { return AnimationFrame(embeddings: e, trainingLoss: m.meanLoss) }
    var loss: Double?
    if path.lowercased().hasSuffix(".npz"), let array = try NumpyArchive.read(contentsOf: path)["train_loss"] {
      switch array.values {
      case .float32(let v) where v.count == 1: loss = Double(v[0])
      case .float64(let v) where v.count == 1: loss = v[0]
      default:
        throw EmbeddingError(
          path: path, array: "train_loss", reason: "has shape \(array.shape); expected a float scalar")
      }
    }
    return AnimationFrame(embeddings: e, trainingLoss: loss)
  }

  /// Numeric order: by iteration when every frame has one, else by epoch, else by file name numbers.
  static func order(_ frames: [AnimationFrame]) -> [AnimationFrame] {
    let all = frames.map(\.embeddings)
    let sorted: [AnimationFrame]
    if all.allSatisfy({ $0.iteration != nil }) {
      sorted = frames.enumerated().sorted {
        ($0.element.embeddings.iteration!, $0.offset) < ($1.element.embeddings.iteration!, $1.offset)
      }.map(\.element)
      var seen = Set<Int>()
      return sorted.filter { seen.insert($0.embeddings.iteration!).inserted }
    }
    if all.allSatisfy({ $0.epoch != nil }) {
      return frames.enumerated().sorted {
        ($0.element.embeddings.epoch!, $0.offset) < ($1.element.embeddings.epoch!, $1.offset)
      }.map(\.element)
    }
    return frames.sorted { naturalKey($0.embeddings.path).lexicographicallyPrecedes(naturalKey($1.embeddings.path)) }
  }

  /// A file name as text and number runs, so `frame-10` sorts after `frame-9`.
  static func naturalKey(_ path: String) -> [NaturalPart] {
    var parts: [NaturalPart] = []
    var digits = "", text = ""
    for c in path {
      if c.isASCII && c.isNumber {
        if !text.isEmpty { parts.append(.text(text)); text = "" }
        digits.append(c)
      } else {
        if !digits.isEmpty { parts.append(.number(Int(digits) ?? Int.max)); digits = "" }
        text.append(c)
      }
    }
    if !digits.isEmpty { parts.append(.number(Int(digits) ?? Int.max)) }
    if !text.isEmpty { parts.append(.text(text)) }
    return parts
  }

  enum NaturalPart: Comparable {
    case number(Int)
    case text(String)
  }

  /// Every frame must have the first one's feature dimension and class count.
  static func checkConsistent(_ frames: [AnimationFrame]) throws {
    guard let first = frames.first?.embeddings else { return }
    for frame in frames.dropFirst() {
      let e = frame.embeddings
      if e.dimension != first.dimension {
        throw EmbeddingError(
          path: e.path, array: "features",
          reason:
            "has D = \(e.dimension), but \(first.path) has D = \(first.dimension): one animation needs one feature dimension"
        )
      }
      if e.classCount != first.classCount {
        throw EmbeddingError(
          path: e.path, array: "class_weights",
          reason:
            "has \(e.classCount) classes, but \(first.path) has \(first.classCount): one animation needs one class count"
        )
      }
    }
  }
}
