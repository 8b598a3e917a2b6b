import FileFormats
import Foundation

/// One fuzz input as the files `margins plot` reads. The reader picks its parser by extension, so the
/// bytes get the extension their start suggests: a zip (`PK`) is an `.npz`, an `.npy` magic an `.npy`,
/// anything else a `.csv`. An `.npy` needs its labels in a second file; they are made to match its
/// first dimension, so the fuzzer reaches the parser behind the shape checks.
public struct EmbeddingFiles {
  public let path: String
  public let labelsPath: String?

  /// Writes `data` (and labels for an `.npy`) into `directory`, replacing what an earlier input left.
  public init(_ data: Data, in directory: URL) throws {
    let kind: String
    if data.starts(with: [0x50, 0x4B]) {
      kind = "npz"
    } else if data.starts(with: [0x93] + Array("NUMPY".utf8)) {
      kind = "npy"
    } else {
      kind = "csv"
    }
    let file = directory.appendingPathComponent("input.\(kind)")
    try data.write(to: file)
    path = file.path
    if kind == "npy" {
      // Up to 4096 rows: a shape that claims more is refused by the reader before the labels matter.
      let rows = min((try? NumpyArray(npyData: data, name: path))?.shape.first ?? 0, 4096)
      let labels = NumpyArray(shape: [rows], values: .int64((0..<rows).map { Int64($0 % 4) }))
      let labelsFile = directory.appendingPathComponent("labels.npy")
      try labels.npyData().write(to: labelsFile)
      labelsPath = labelsFile.path
    } else {
      labelsPath = nil
    }
  }

  /// A directory of this process's own under the system's temporary directory, made on first use and
  /// removed when the process exits (libFuzzer exits through `exit`, after a crash too).
  public static let scratchDirectory: URL = {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-embeddings-\(getpid())")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(at: EmbeddingFiles.scratchDirectory) }
    return directory
  }()
}
