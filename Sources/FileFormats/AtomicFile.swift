#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Foundation

/// Writes whole files so that a reader never sees a partial one.
///
/// The bytes go to a new temporary file in the target's directory (same file system, so the final
/// `rename(2)` is atomic), created with `O_EXCL` under a random name so two writers never share one;
/// it is flushed with `fsync` before the rename. While it exists the temporary file is listed in
/// `TemporaryFiles`, so SIGINT/SIGTERM remove it, and a killed process's leftovers are recognised
/// by `TemporaryFiles.removeStale(in:)`.
public enum AtomicFile {
  /// Writes `data` to `path`, replacing an existing file.
  /// - Parameter createDirectories: create missing parent directories first.
  /// - Throws: `FileFormatError.cannotWrite` naming `path` and the reason in words.
  public static func write<Bytes: ContiguousBytes>(
    _ data: Bytes, to path: String, createDirectories: Bool = true
  ) throws(FileFormatError) {
    let (directory, name) = split(path)
    if createDirectories && !directory.isEmpty { try FileBytes.createDirectories(directory) }
    let temporary = TemporaryFiles.temporaryPath(for: name, in: directory)
    func failure(_ step: String, _ code: Int32) -> FileFormatError {
      .cannotWrite(path: path, reason: "\(step): \(SystemErrorText.describe(code))")
    }
    // Listed before it exists: a signal between open and the listing would otherwise leave it.
    TemporaryFiles.register(temporary)
    defer { TemporaryFiles.unregister(temporary) }
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      let code = errno
      var info = stat()
      if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
        throw .cannotWrite(path: path, reason: "it is a directory")
      }
      throw failure("cannot create a file in \(directory.isEmpty ? "." : directory)", code)
    }
    var code: Int32 = 0
    var step = ""
    data.withUnsafeBytes { raw in
      var written = 0
      while written < raw.count {
        let n = systemWrite(fd, raw.baseAddress! + written, raw.count - written)
        if n < 0 {
          if errno == EINTR { continue }
          code = errno
          step = "cannot write the data"
          return
        }
        written += n
      }
    }
    if code == 0 && fsync(fd) != 0 { (code, step) = (errno, "cannot flush the data to disk") }
    if systemClose(fd) != 0 && code == 0 { (code, step) = (errno, "cannot close the file") }
    if code == 0 && rename(temporary, path) != 0 {
      code = errno
      var info = stat()
      if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
        unlink(temporary)
        throw .cannotWrite(path: path, reason: "it is a directory")
      }
      step = "cannot move the new file into place"
    }
    if code != 0 {
      unlink(temporary)
      throw failure(step, code)
    }
  }

  /// Splits a path into its directory ("" for a bare name) and last component.
  static func split(_ path: String) -> (directory: String, name: String) {
    guard let slash = path.lastIndex(of: "/") else { return ("", path) }
    let directory = String(path[..<slash])
    return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
  }
}
