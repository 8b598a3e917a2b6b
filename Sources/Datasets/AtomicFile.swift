import Foundation

/// Writes files so that a reader never sees a partial one: the bytes go to a
/// temporary file in the same directory, which is then renamed over the target
/// (rename is atomic within one file system). An interrupted write leaves at most
/// a `.tmp` file, never a truncated target.
public enum AtomicFile {
  /// Writes `data` to `path`, creating the parent directory if needed.
  /// - Throws: `AtomicWriteError` naming the path when the write or rename fails.
  public static func write(_ data: Data, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent()
    let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      try data.write(to: temporary)
      if rename(temporary.path, url.path) != 0 {
        let reason = String(cString: strerror(errno))
        try? FileManager.default.removeItem(at: temporary)
        throw AtomicWriteError(path: path, reason: "cannot rename \(temporary.path) into place: \(reason)")
      }
    } catch let error as AtomicWriteError {
      throw error
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw AtomicWriteError(path: path, reason: error.localizedDescription)
    }
  }
}

/// A file could not be written (or moved into place); names the target path.
public struct AtomicWriteError: Error, CustomStringConvertible {
  public let path: String
  public let reason: String

  public var description: String { "\(path): cannot write: \(reason)" }
}
