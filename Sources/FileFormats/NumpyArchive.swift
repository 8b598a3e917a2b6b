import Foundation

/// A `.npz` file: a zip archive of `.npy` arrays, readable with `numpy.load(path)`.
/// Members are stored uncompressed, as `numpy.savez` does, with their CRC-32.
public enum NumpyArchive {
  /// The archive bytes for `arrays`, in the order given (the same arrays always give the same bytes).
  public static func data(_ arrays: [(name: String, array: NumpyArray)]) throws(FileFormatError) -> Data {
    try ZipArchive.storedArchive(arrays.map { (name: $0.name + ".npy", data: $0.array.npyData()) })
  }

  /// Every array of the archive at `path`, by name (without `.npy`).
  /// - Throws: `FileFormatError` naming the path for a missing, unreadable, truncated or malformed file.
  /// The archive is read in place (no copy of it is made anywhere).
  public static func read(contentsOf path: String) throws(FileFormatError) -> [String: NumpyArray] {
    try read(ZipArchive(path: path), path: path)
  }

  /// Parses archive bytes; `path` names them in errors.
  public static func read(_ data: Data, path: String) throws(FileFormatError) -> [String: NumpyArray] {
    try read(ZipArchive(data: data, path: path), path: path)
  }

  private static func read(_ archive: ZipArchive, path: String) throws(FileFormatError) -> [String: NumpyArray] {
    var arrays: [String: NumpyArray] = [:]
    for member in archive.members where member.name.hasSuffix(".npy") {
      let name = String(member.name.dropLast(4))
      guard arrays[name] == nil else {
        throw .malformed(path: path, format: ".npz", reason: "array \(name) appears twice")
      }
      let bytes = try archive.contents(
        of: member.name, limit: NumpyArray.maximumBytes + 12 + NumpyArray.maximumHeaderLength
      ) { prefix throws(FileFormatError) in
        try NumpyArray.statedSize(ofPrefix: prefix, name: "\(path)!\(name)")
      }
      arrays[name] = try NumpyArray(npyData: bytes, name: "\(path)!\(name)")
    }
    return arrays
  }
}
