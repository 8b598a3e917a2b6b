/// Everything that can be wrong with data on disk. Every case names the file and
/// says what was expected and what was found, because the user has to act on it.
public enum DatasetError: Error, Equatable, CustomStringConvertible {
  case missingFile(path: String, hint: String)
  case unreadable(path: String, reason: String)
  case badMagic(path: String, expected: UInt32, found: UInt32)
  case badDimensions(path: String, expected: String, found: String)
  case truncated(path: String, expectedBytes: Int, foundBytes: Int)
  case countMismatch(images: String, imageCount: Int, labels: String, labelCount: Int)
  case checksumMismatch(path: String, expected: String, found: String)
  case badGzip(path: String, reason: String)
  case badArchive(path: String, reason: String)
  case badCSV(path: String, line: Int, reason: String)
  case badLabel(path: String, index: Int, label: Int, classCount: Int)
  case invalidSelection(reason: String)

  public var description: String {
    switch self {
    case .missingFile(let path, let hint):
      return "\(path): no such file. \(hint)"
    case .unreadable(let path, let reason):
      return "\(path): cannot be read: \(reason)"
    case .badMagic(let path, let expected, let found):
      return "\(path): bad IDX magic number: expected \(expected) (0x\(hex(expected))), found \(found) (0x\(hex(found)))"
    case .badDimensions(let path, let expected, let found):
      return "\(path): bad dimensions: expected \(expected), found \(found)"
    case .truncated(let path, let expectedBytes, let foundBytes):
      return "\(path): truncated: expected \(expectedBytes) bytes of data, found \(foundBytes)"
    case .countMismatch(let images, let imageCount, let labels, let labelCount):
      return "\(images) holds \(imageCount) images but \(labels) holds \(labelCount) labels: expected equal counts"
    case .checksumMismatch(let path, let expected, let found):
      return "\(path): checksum mismatch: expected sha256 \(expected), found \(found)"
    case .badGzip(let path, let reason):
      return "\(path): unreadable gzip data: \(reason)"
    case .badArchive(let path, let reason):
      return "\(path): unreadable zip archive: \(reason)"
    case .badCSV(let path, let line, let reason):
      return "\(path):\(line): \(reason)"
    case .badLabel(let path, let index, let label, let classCount):
      return "\(path): label \(label) at item \(index) is outside 0..<\(classCount)"
    case .invalidSelection(let reason):
      return "invalid dataset selection: \(reason)"
    }
  }
}

private func hex(_ value: UInt32) -> String {
  let digits = String(value, radix: 16)
  return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
