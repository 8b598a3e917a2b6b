#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import ArgumentParser
import FileFormats
import Foundation

/// The one rule for the files a command writes: which names are accepted (`--name`, `-o`, `--out`,
/// names derived from the inputs), and which existing files are never replaced (an input, or a
/// `.json` that is not a figure's own provenance file, such as a checkpoint's metadata).
enum OutputNames {
  /// Longer names exceed what file systems keep (255 bytes, with the extension and a temporary suffix).
  static let maximumNameBytes = 200

  /// Why `name` cannot be a file name in the output directory (nil when it can).
  static func problem(with name: String) -> String? {
    if name.isEmpty { return "it is empty" }
    if name == "." || name == ".." { return "'\(name)' names a directory, not a file" }
    if name.contains("/") { return "it contains '/' (give the directory with --out DIR)" }
    if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
      return "it contains a control character or NUL byte"
    }
    if name.utf8.count > maximumNameBytes { return "it is longer than \(maximumNameBytes) bytes" }
    return nil
  }

  /// Why `path` (a directory or file given on the command line) cannot be written (nil when it can).
  static func pathProblem(_ path: String) -> String? {
    if path.isEmpty { return "it is empty" }
    if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
      return "it contains a control character or NUL byte"
    }
    return nil
  }

  /// A name derived from the inputs (a run or file name) made safe: separators and control
  /// characters become '-', and an empty or dot-only result becomes `fallback`.
  static func sanitized(_ name: String, fallback: String = "figure") -> String {
    var scalars = String.UnicodeScalarView()
    for scalar in name.unicodeScalars {
      scalars.append(scalar == "/" || scalar.value < 0x20 || scalar.value == 0x7F ? "-" : scalar)
    }
    var result = String(scalars)
    while result.utf8.count > maximumNameBytes { result.removeLast() }
    return result.allSatisfy({ $0 == "." }) ? fallback : result
  }

  /// Refuses to write any of `outputs` over one of `inputs` (the same file, through any path or
  /// link), or over an existing `.json` that is not a provenance file this tool wrote.
  static func refuseOverwriting(_ outputs: [String], inputs: [String]) throws {
    let inputIDs = Set(inputs.compactMap(fileID))
    for output in outputs {
      guard let id = fileID(output) else { continue }
      if inputIDs.contains(id) {
        throw ValidationError(
          "\(output) is one of the inputs; choose another --name, -o or --out (nothing was written)")
      }
      if output.lowercased().hasSuffix(".json"), !isProvenance(output) {
        throw ValidationError(
          "\(output) exists and is not a figure's provenance file (a checkpoint's metadata, or a file of yours); "
            + "choose another --name, -o or --out (nothing was written)")
      }
    }
  }

  /// Removes what killed writers left in `directory` (their temporary files; live writers' are kept).
  static func removeStaleTemporaryFiles(besides base: String) {
    let directory = base.contains("/") ? String(base[..<base.lastIndex(of: "/")!]) : "."
    TemporaryFiles.removeStale(in: directory.isEmpty ? "/" : directory)
  }

  private struct FileID: Hashable {
    let device: UInt64
    let inode: UInt64
  }

  private static func fileID(_ path: String) -> FileID? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return FileID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
  }

  /// Whether the JSON at `path` is a figure provenance file (top-level "panels" and "options").
  private static func isProvenance(_ path: String) -> Bool {
    guard let bytes = try? FileBytes.read(path, limit: 64 << 20),
      let object = try? JSONSerialization.jsonObject(with: bytes) as? [String: Any]
    else { return false }
    return object["panels"] != nil && object["options"] != nil
  }
}
