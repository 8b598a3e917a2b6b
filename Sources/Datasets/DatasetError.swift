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
  case tooLarge(path: String, reason: String)
  case unwritable(path: String, reason: String)
  /// Both `NAME` and `NAME.gz` exist and hold different data.
  case conflictingCopies(raw: String, gzip: String)
  /// Without a classes.txt the classes are 0...largest label, and each must have training images.
  case undeclaredClasses(path: String, largestLabel: Int, missing: [Int], classesFile: String)

  public var description: String {
    switch self {
    case .missingFile(let path, let hint):
      return "\(path): no such file" + (hint.isEmpty ? "" : ". \(hint)")
    case .unreadable(let path, let reason):
      return "\(path): cannot be read: \(reason)"
    case .badMagic(let path, let expected, let found):
      return
        "\(path): bad IDX magic number: expected \(expected) (0x\(hex(expected))), found \(found) (0x\(hex(found)))"
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
    case .tooLarge(let path, let reason):
      return "\(path): too large: \(reason)"
    case .unwritable(let path, let reason):
      return "\(path): cannot be written: \(reason)"
    case .conflictingCopies(let raw, let gzip):
      return "\(raw) and \(gzip) both exist but hold different data: remove the one that is wrong"
    case .undeclaredClasses(let path, let largestLabel, let missing, let classesFile):
      let shown = missing.prefix(8).map(String.init).joined(separator: ", ") + (missing.count > 8 ? ", ..." : "")
      return
        "\(path): labels go up to \(largestLabel), but \(missing.count) of the classes 0...\(largestLabel) have no "
        + "training images (\(shown)); list the classes, one name per line, in \(classesFile), or fix the labels"
    }
  }
}

private func hex(_ value: UInt32) -> String {
  let digits = String(value, radix: 16)
  return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
