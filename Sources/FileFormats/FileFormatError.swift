#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What can go wrong reading or writing a file in one of the project's formats. Every case
/// names the file and says, in words, what was wrong — never a Foundation error domain code.
public enum FileFormatError: Error, Equatable, CustomStringConvertible {
  /// Nothing exists at the path.
  case missing(path: String)
  /// The file could not be opened or read (`reason` is a sentence such as "no such file").
  case cannotRead(path: String, reason: String)
  /// The file could not be written or moved into place.
  case cannotWrite(path: String, reason: String)
  /// The bytes are not what the format requires.
  case malformed(path: String, format: String, reason: String)
  /// The file declares or holds more data than a reader accepts.
  case tooLarge(path: String, reason: String)

  public var description: String {
    switch self {
    case .missing(let path): "\(path): no such file"
    case .cannotRead(let path, let reason): "\(path): cannot be read: \(reason)"
    case .cannotWrite(let path, let reason): "\(path): cannot be written: \(reason)"
    case .malformed(let path, let format, let reason): "\(path): not a valid \(format) file: \(reason)"
    case .tooLarge(let path, let reason): "\(path): too large: \(reason)"
    }
  }

  /// The path the error names.
  public var path: String {
    switch self {
    case .missing(let path), .cannotRead(let path, _), .cannotWrite(let path, _), .malformed(let path, _, _),
      .tooLarge(let path, _):
      path
    }
  }

  /// The reason text without the path, for callers that wrap it in their own error type.
  public var reason: String {
    switch self {
    case .missing: "no such file"
    case .cannotRead(_, let reason), .cannotWrite(_, let reason): reason
    case .tooLarge(_, let reason): "too large: \(reason)"
    case .malformed(_, let format, let reason): "not a valid \(format) file: \(reason)"
    }
  }
}

/// Sentences for the `errno` values a user can act on; anything else gets the C library's text.
public enum SystemErrorText {
  public static func describe(_ code: Int32) -> String {
    switch code {
    case ENOENT: return "no such file or directory"
    case EACCES, EPERM: return "permission denied"
    case EISDIR: return "it is a directory, not a file"
    case ENOTDIR: return "a component of the path is a file, not a directory"
    case ENOSPC: return "no space left on the device"
    case EDQUOT: return "the disk quota is exhausted"
    case EROFS: return "the file system is read-only"
    case EEXIST: return "a file of that name already exists"
    case ENAMETOOLONG: return "the path is too long"
    case ELOOP: return "too many symbolic links in the path"
    case EMFILE, ENFILE: return "too many open files"
    case EIO: return "an input/output error occurred on the device"
    default: return String(cString: strerror(code))
    }
  }

  /// The sentence for the current `errno`.
  public static var current: String { describe(errno) }
}
