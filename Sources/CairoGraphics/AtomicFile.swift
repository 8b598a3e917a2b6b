#if canImport(Glibc)
  import Glibc
  private let systemWrite = Glibc.write
#elseif canImport(Darwin)
  import Darwin
  private let systemWrite = Darwin.write
#endif

/// Writes whole files so that a reader never sees a partial one.
///
/// The bytes go to a temporary file in the destination directory (the same file system, so the
/// final `rename(2)` is atomic); on any failure the temporary file is removed and nothing is left
/// at `path`.
public enum AtomicFile {
  /// Writes `bytes` to `path`, replacing an existing file.
  /// - Throws: ``CairoError`` with code `.writeError`, naming `path` and the system's reason.
  public static func write(_ bytes: [UInt8], to path: String) throws(CairoError) {
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { String(path[..<$0]) } ?? "."
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    // "/x.png" lives in "/", whose prefix is just the slash.
    let prefix = directory.isEmpty ? "/" : directory + "/"
    let temporary = prefix + ".\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"

    func failure(_ step: String) -> CairoError {
      let reason = String(cString: strerror(errno))
      return CairoError(code: .writeError, operation: "write file", path: path, detail: "\(step): \(reason)")
    }

    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC, 0o644)
    guard fd >= 0 else { throw failure("create temporary file") }
    var written = 0
    var writeFailed = false
    bytes.withUnsafeBytes { raw in
      while written < raw.count {
        let n = systemWrite(fd, raw.baseAddress.map { $0 + written }, raw.count - written)
        if n < 0 {
          if errno == EINTR { continue }
          writeFailed = true
          return
        }
        written += n
      }
    }
    if writeFailed {
      let error = failure("write")
      close(fd)
      unlink(temporary)
      throw error
    }
    guard close(fd) == 0 else {
      let error = failure("close")
      unlink(temporary)
      throw error
    }
    guard rename(temporary, path) == 0 else {
      let error = failure("rename")
      unlink(temporary)
      throw error
    }
  }
}
