#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Foundation

/// A regular file opened for reading, with errors translated into sentences naming the path.
final class ReadableFile {
  let path: String
  private var descriptor: Int32

  init(path: String) throws(FileFormatError) {
    self.path = path
    // O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer, forever; the type check
    // below refuses it, and a regular file reads the same either way.
    descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else {
      if errno == ENOENT { throw .missing(path: path) }
      throw .cannotRead(path: path, reason: SystemErrorText.current)
    }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else {
      let reason = SystemErrorText.current
      _ = systemClose(descriptor)
      throw .cannotRead(path: path, reason: reason)
    }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      _ = systemClose(descriptor)
      let kind = (info.st_mode & S_IFMT) == S_IFDIR ? "it is a directory, not a file" : "it is not a regular file"
      throw .cannotRead(path: path, reason: kind)
    }
    size = Int(info.st_size)
    _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
  }

  /// Reads up to `count` bytes at `offset` (fewer at the end of the file).
  func read(count: Int, at offset: Int) throws(FileFormatError) -> [UInt8] {
    var buffer = [UInt8](repeating: 0, count: count)
    var done = 0
    while done < count {
      let n = buffer.withUnsafeMutableBytes {
        pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done))
      }
      if n < 0 && errno == EINTR { continue }
      if n < 0 { throw .cannotRead(path: path, reason: SystemErrorText.current) }
      if n == 0 { break }
      done += n
    }
    return Array(buffer[0..<done])
  }

  /// The file's size when it was opened.
  let size: Int

  /// Reads up to `buffer.count` bytes; 0 at the end of the file.
  func read(into buffer: inout [UInt8]) throws(FileFormatError) -> Int {
    while true {
      let count = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
      if count >= 0 { return count }
      if errno == EINTR { continue }
      throw .cannotRead(path: path, reason: SystemErrorText.current)
    }
  }

  func close() {
    if descriptor >= 0 { _ = systemClose(descriptor) }
    descriptor = -1
  }

  deinit { close() }
}

/// Whole-file reads with a size limit checked before anything is allocated.
public enum FileBytes {
  /// The default limit: far above any file this project reads (MNIST's CSV is 110 MB).
  public static let defaultLimit = 1 << 30

  /// The contents of the regular file at `path`.
  /// - Throws: `FileFormatError.cannotRead` naming the path and the reason, or `.tooLarge`.
  public static func read(_ path: String, limit: Int = defaultLimit) throws(FileFormatError) -> Data {
    let file = try ReadableFile(path: path)
    defer { file.close() }
    guard file.size <= limit else {
      throw .tooLarge(path: path, reason: "\(file.size) bytes, more than the \(limit) this reader accepts")
    }
    var data = Data(capacity: file.size)
    var buffer = [UInt8](repeating: 0, count: min(max(file.size, 1), 1 << 20) + 1)
    while true {
      let count = try file.read(into: &buffer)
      if count == 0 { break }
      guard data.count + count <= limit else {
        throw .tooLarge(path: path, reason: "it grew beyond the \(limit) bytes this reader accepts while being read")
      }
      data.append(contentsOf: buffer[0..<count])
    }
    return data
  }

  /// Refuses anything at `path` but a regular file (a FIFO, a device, a socket, a directory) without
  /// blocking, so a reader that opens the path itself afterwards never waits on a FIFO.
  /// - Throws: `FileFormatError.missing` or `.cannotRead` naming the path.
  public static func requireRegularFile(_ path: String) throws(FileFormatError) {
    let file = try ReadableFile(path: path)
    file.close()
  }

  /// Whether something exists at `path` (file, directory or other).
  public static func exists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
  }

  /// Creates `path` and its missing parents, like `mkdir -p`.
  /// - Throws: `FileFormatError.cannotWrite` naming the first directory that could not be made.
  public static func createDirectories(_ path: String) throws(FileFormatError) {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/") {
      prefix += component
      if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
        throw .cannotWrite(path: prefix, reason: "cannot create the directory: \(SystemErrorText.current)")
      }
      var info = stat()
      if stat(prefix, &info) != 0 || (info.st_mode & S_IFMT) != S_IFDIR {
        throw .cannotWrite(path: prefix, reason: "cannot create the directory: a file of that name is in the way")
      }
      prefix += "/"
    }
  }
}
