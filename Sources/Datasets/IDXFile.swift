import Foundation

/// An IDX file of unsigned bytes (LeCun's MNIST format): a big-endian magic number
/// `0x0000 08 nd` (type 0x08 = ubyte, nd = number of dimensions), nd big-endian
/// UInt32 sizes, then the data in row-major order.
public struct IDXFile: Equatable, Sendable {
  /// Magic number of an image file (3 dimensions: count, rows, columns).
  public static let imageMagic: UInt32 = 2051
  /// Magic number of a label file (1 dimension: count).
  public static let labelMagic: UInt32 = 2049

  public let dimensions: [Int]
  public let bytes: [UInt8]

  public init(dimensions: [Int], bytes: [UInt8]) {
    precondition(dimensions.reduce(1, *) == bytes.count, "IDX dimensions \(dimensions) do not match \(bytes.count) bytes")
    self.dimensions = dimensions
    self.bytes = bytes
  }

  public var magic: UInt32 { 0x0800 | UInt32(dimensions.count) }

  /// The file's bytes, uncompressed.
  public func encoded() -> Data {
    var data = Data(capacity: 4 + 4 * dimensions.count + bytes.count)
    appendBigEndian(magic, to: &data)
    for size in dimensions { appendBigEndian(UInt32(size), to: &data) }
    data.append(contentsOf: bytes)
    return data
  }

  /// Parses IDX bytes, checking the magic number, the number of dimensions and the length.
  /// - Parameters:
  ///   - data: the uncompressed file contents.
  ///   - expectedMagic: 2051 for images, 2049 for labels.
  ///   - path: names the file in errors.
  public init(decoding data: Data, expectedMagic: UInt32, path: String) throws {
    let bytes = [UInt8](data)
    guard bytes.count >= 4 else {
      throw DatasetError.truncated(path: path, expectedBytes: 4, foundBytes: bytes.count)
    }
    let magic = readBigEndian(bytes, 0)
    guard magic == expectedMagic else {
      throw DatasetError.badMagic(path: path, expected: expectedMagic, found: magic)
    }
    let rank = Int(magic & 0xff)
    let headerSize = 4 + 4 * rank
    guard bytes.count >= headerSize else {
      throw DatasetError.truncated(path: path, expectedBytes: headerSize, foundBytes: bytes.count)
    }
    let dimensions = (0..<rank).map { Int(readBigEndian(bytes, 4 + 4 * $0)) }
    let payload = dimensions.reduce(1, *)
    guard bytes.count - headerSize == payload else {
      throw DatasetError.truncated(path: path, expectedBytes: headerSize + payload, foundBytes: bytes.count)
    }
    self.dimensions = dimensions
    self.bytes = Array(bytes[headerSize...])
  }

  /// Reads an IDX file from disk, gunzipping it when it is gzip-compressed (by content, not name).
  public init(contentsOf path: String, expectedMagic: UInt32) throws {
    guard FileManager.default.fileExists(atPath: path) else {
      throw DatasetError.missingFile(path: path, hint: "")
    }
    guard let raw = FileManager.default.contents(atPath: path) else {
      throw DatasetError.unreadable(path: path, reason: "permission denied or not a regular file")
    }
    let data = Compression.isGzip(raw) ? try Compression.gunzip(raw, path: path) : raw
    try self.init(decoding: data, expectedMagic: expectedMagic, path: path)
  }
}

private func appendBigEndian(_ value: UInt32, to data: inout Data) {
  data.append(contentsOf: [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)])
}

private func readBigEndian(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
  UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
}
