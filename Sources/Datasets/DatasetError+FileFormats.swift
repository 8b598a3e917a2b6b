import FileFormats

extension DatasetError {
  /// A file-format failure as a dataset error naming the same file.
  init(_ error: FileFormatError, hint: String = "") {
    switch error {
    case .missing(let path): self = .missingFile(path: path, hint: hint)
    case .cannotRead(let path, let reason): self = .unreadable(path: path, reason: reason)
    case .cannotWrite(let path, let reason): self = .unwritable(path: path, reason: reason)
    case .tooLarge(let path, let reason): self = .tooLarge(path: path, reason: reason)
    case .malformed(let path, let format, let reason):
      switch format {
      case "gzip": self = .badGzip(path: path, reason: reason)
      case "zip": self = .badArchive(path: path, reason: reason)
      default: self = .unreadable(path: path, reason: error.reason)
      }
    }
  }

  /// Runs `body`, turning file-format errors into dataset errors.
  static func translating<T>(hint: String = "", _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as FileFormatError {
      throw DatasetError(error, hint: hint)
    }
  }
}
