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
    let (directory, _) = split(path)
    if createDirectories && !directory.isEmpty { try FileBytes.createDirectories(directory) }
    let file = try Pending(path)
    var code: Int32 = 0
    data.withUnsafeBytes { raw in
      var written = 0
      while written < raw.count {
        let n = systemWrite(file.descriptor, raw.baseAddress! + written, raw.count - written)
        if n < 0 {
          if errno == EINTR { continue }
          code = errno
          return
        }
        written += n
      }
    }
    guard code == 0 else {
      file.discard()
      throw .cannotWrite(path: path, reason: "cannot write the data: \(SystemErrorText.describe(code))")
    }
    try file.commit()
  }

  /// A file being written under a temporary name beside its destination: created with `O_EXCL`
  /// under a random name (two writers never share one) and listed in `TemporaryFiles` before it
  /// exists, so SIGINT/SIGTERM/SIGHUP remove it at any moment and a killed process's leftover is
  /// recognised by `TemporaryFiles.removeStale(in:)`. ``commit()`` flushes it to disk
  /// and renames it into place; ``discard()`` (or dropping it uncommitted) removes it. Whole
  /// buffers go through ``write(_:to:createDirectories:)``; a writer that streams (the GIF encoder
  /// hands giflib the ``descriptor``) holds one of these.
  public final class Pending {
    public let path: String
    public let temporaryPath: String
    /// The open temporary file; ``commit()`` and ``discard()`` close it unless
    /// ``descriptorClosed()`` says its new owner (a library that closes what it was given) did.
    public let descriptor: Int32
    private var isOpen = true
    private var finished = false

    /// Creates the temporary file for `path` (its directory must exist).
    /// - Throws: `FileFormatError.cannotWrite` naming `path`.
    public init(_ path: String) throws(FileFormatError) {
      let (directory, name) = AtomicFile.split(path)
      let temporary = TemporaryFiles.temporaryPath(for: name, in: directory)
      // Listed before it exists: a signal between open and the listing would otherwise leave it.
      TemporaryFiles.register(temporary)
      let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
      guard fd >= 0 else {
        let code = errno
        TemporaryFiles.unregister(temporary)
        if AtomicFile.isDirectory(path) { throw .cannotWrite(path: path, reason: "it is a directory") }
        throw .cannotWrite(
          path: path,
          reason:
            "cannot create a file in \(directory.isEmpty ? "." : directory): \(SystemErrorText.describe(code))")
      }
      self.path = path
      temporaryPath = temporary
      descriptor = fd
    }

    deinit { if !finished { discard() } }

    /// Records that whoever was given ``descriptor`` has closed it.
    public func descriptorClosed() { isOpen = false }

    /// Flushes the file to disk and renames it to ``path``.
    /// - Throws: `FileFormatError.cannotWrite` naming ``path``; the temporary file is removed.
    public func commit() throws(FileFormatError) {
      precondition(!finished, "a pending file is committed or discarded once")
      // A descriptor already closed by its owner is reopened to flush the same file.
      let fd = isOpen ? descriptor : open(temporaryPath, O_RDONLY | O_CLOEXEC)
      var failure: (step: String, code: Int32)?
      if fd < 0 || fsync(fd) != 0 { failure = ("cannot flush the data to disk", errno) }
      if fd >= 0 && systemClose(fd) != 0 && failure == nil { failure = ("cannot close the file", errno) }
      isOpen = false
      if failure == nil && rename(temporaryPath, path) != 0 {
        let code = errno
        if AtomicFile.isDirectory(path) {
          discard()
          throw .cannotWrite(path: path, reason: "it is a directory")
        }
        failure = ("cannot move the new file into place", code)
      }
      if let failure {
        discard()
        throw .cannotWrite(path: path, reason: "\(failure.step): \(SystemErrorText.describe(failure.code))")
      }
      TemporaryFiles.unregister(temporaryPath)
      finished = true
    }

    /// Removes the temporary file (closing it if still open); nothing reaches ``path``.
    public func discard() {
      if isOpen { _ = systemClose(descriptor) }
      isOpen = false
      unlink(temporaryPath)
      TemporaryFiles.unregister(temporaryPath)
      finished = true
    }
  }

  static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  /// Splits a path into its directory ("" for a bare name) and last component.
  static func split(_ path: String) -> (directory: String, name: String) {
    guard let slash = path.lastIndex(of: "/") else { return ("", path) }
    let directory = String(path[..<slash])
    return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
  }
}
