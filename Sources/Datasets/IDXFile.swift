import FileFormats
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
    precondition(
      dimensions.reduce(1, *) == bytes.count, "IDX dimensions \(dimensions) do not match \(bytes.count) bytes")
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

  /// The largest payload a reader accepts (MNIST's training images are 47 MB).
  public static let maximumPayload = 1 << 31

  /// The rank (number of dimensions) a magic number announces.
  static func rank(of magic: UInt32) -> Int { Int(magic & 0xff) }

  /// The payload size `dimensions` declare, multiplied without overflow.
  /// - Throws: `DatasetError.badDimensions` when the product overflows or exceeds `maximumPayload`.
  static func payloadSize(_ dimensions: [Int], path: String) throws -> Int {
    var product = 1
    for size in dimensions {
      let (next, overflow) = product.multipliedReportingOverflow(by: size)
      guard !overflow, next <= maximumPayload else {
        throw DatasetError.badDimensions(
          path: path, expected: "sizes whose product is at most \(maximumPayload) bytes",
          found: dimensions.map(String.init).joined(separator: " x "))
      }
      product = next
    }
    return product
  }

  /// Parses IDX bytes, checking the magic number, the number of dimensions and the length.
  /// - Parameters:
  ///   - data: the uncompressed file contents.
  ///   - expectedMagic: 2051 for images, 2049 for labels.
  ///   - path: names the file in errors.
  public init(decoding data: Data, expectedMagic: UInt32, path: String) throws {
    let bytes = [UInt8](data)
    let dimensions = try Self.header(bytes, expectedMagic: expectedMagic, path: path)
    let headerSize = 4 + 4 * dimensions.count
    let payload = try Self.payloadSize(dimensions, path: path)
    guard bytes.count - headerSize == payload else {
      throw DatasetError.truncated(path: path, expectedBytes: headerSize + payload, foundBytes: bytes.count)
    }
    self.dimensions = dimensions
    self.bytes = Array(bytes[headerSize...])
  }

  /// The dimensions in an IDX header (`bytes` may hold just the header).
  private static func header(_ bytes: [UInt8], expectedMagic: UInt32, path: String) throws -> [Int] {
    guard bytes.count >= 4 else {
      throw DatasetError.truncated(path: path, expectedBytes: 4, foundBytes: bytes.count)
    }
    let magic = readBigEndian(bytes, 0)
    guard magic == expectedMagic else {
      throw DatasetError.badMagic(path: path, expected: expectedMagic, found: magic)
    }
    let headerSize = 4 + 4 * rank(of: magic)
    guard bytes.count >= headerSize else {
      throw DatasetError.truncated(path: path, expectedBytes: headerSize, foundBytes: bytes.count)
    }
    return (0..<rank(of: magic)).map { Int(readBigEndian(bytes, 4 + 4 * $0)) }
  }

  /// Reads an IDX file from disk, gunzipping it when it is gzip-compressed (by content, not name).
  /// A gzip file is inflated only as far as its header declares (plus one byte, to notice extra
  /// data), so a small file that expands to gigabytes fails fast in little memory.
  public init(contentsOf path: String, expectedMagic: UInt32) throws {
    let raw = try DatasetError.translating { try FileBytes.read(path, limit: Self.maximumPayload + 4096) }
    guard Gzip.isGzip(raw) else {
      try self.init(decoding: raw, expectedMagic: expectedMagic, path: path)
      return
    }
    try self.init(gzipped: raw, expectedMagic: expectedMagic, path: path)
  }

  /// Parses gzip-compressed IDX bytes (see `init(contentsOf:expectedMagic:)`); `path` names them in errors.
  public init(gzipped data: Data, expectedMagic: UInt32, path: String) throws {
    let stream = try DatasetError.translating { try GzipStream(data, path: path) }
    var head = try DatasetError.translating { try [UInt8](stream.read(upTo: 4)) }
    if head.count == 4 && readBigEndian(head, 0) == expectedMagic {
      head += try DatasetError.translating { try [UInt8](stream.read(upTo: 4 * Self.rank(of: expectedMagic))) }
    }
    let dimensions = try Self.header(head, expectedMagic: expectedMagic, path: path)
    let payload = try Self.payloadSize(dimensions, path: path)
    let body = try DatasetError.translating { try stream.read(upTo: payload + 1) }
    guard body.count == payload else {
      if body.count > payload {
        throw DatasetError.badDimensions(
          path: path, expected: "\(payload) bytes of data after the header, as its dimensions declare",
          found: "more (the file holds data its header does not describe)")
      }
      throw DatasetError.truncated(path: path, expectedBytes: head.count + payload, foundBytes: head.count + body.count)
    }
    self.dimensions = dimensions
    self.bytes = [UInt8](body)
  }
}

private func appendBigEndian(_ value: UInt32, to data: inout Data) {
  data.append(contentsOf: [
    UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff),
  ])
}

private func readBigEndian(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
  UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
    | UInt32(bytes[offset + 3])
}
