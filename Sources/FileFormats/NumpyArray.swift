import Foundation

/// An n-dimensional array in one of the dtypes the checkpoints use, convertible to and
/// from NumPy's `.npy` format. Written as version 1.0, little-endian, C order; read from every
/// numeric dtype numpy writes (either byte order, C or Fortran order), converted on read: see
/// `DType` for which stored case each becomes.
public struct NumpyArray: Equatable, Sendable {
  public enum Values: Equatable, Sendable {
    case float32([Float])
    case float64([Double])
    case uint8([UInt8])
    case int32([Int32])
    case int64([Int64])
    /// Fixed-width Unicode strings (`<U{n}`), as NumPy stores `numpy.array(["a", "bc"])`.
    case strings([String])

    var count: Int {
      switch self {
      case .float32(let v): v.count
      case .float64(let v): v.count
      case .uint8(let v): v.count
      case .int32(let v): v.count
      case .int64(let v): v.count
      case .strings(let v): v.count
      }
    }
  }

  public let shape: [Int]
  public let values: Values

  public init(shape: [Int], values: Values) {
    precondition(
      shape.reduce(1, *) == values.count, "shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
    self.shape = shape
    self.values = values
  }

  public var floats: [Float]? { if case .float32(let v) = values { v } else { nil } }
  public var bytes: [UInt8]? { if case .uint8(let v) = values { v } else { nil } }
  public var strings: [String]? { if case .strings(let v) = values { v } else { nil } }

  /// NumPy's dtype string for the values.
  public var descriptor: String {
    switch values {
    case .float32: "<f4"
    case .float64: "<f8"
    case .uint8: "|u1"
    case .int32: "<i4"
    case .int64: "<i8"
    case .strings(let v): "<U\(max(1, v.map { $0.unicodeScalars.count }.max() ?? 1))"
    }
  }

  /// The `.npy` file bytes.
  public func npyData() -> Data {
    let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    var header = "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': \(shapeText), }"
    // NumPy pads the header with spaces so the data starts on a 64-byte boundary; the header ends in '\n'.
    let unpadded = 10 + header.utf8.count + 1
    header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    var data = Data([0x93]) + Data("NUMPY".utf8) + Data([1, 0])
    let length = UInt16(header.utf8.count)
    data.append(contentsOf: [UInt8(length & 0xff), UInt8(length >> 8)])
    data.append(contentsOf: header.utf8)
    switch values {
    case .float32(let v): v.withUnsafeBytes { data.append(contentsOf: $0) }
    case .float64(let v): v.withUnsafeBytes { data.append(contentsOf: $0) }
    case .uint8(let v): data.append(contentsOf: v)
    case .int32(let v): v.withUnsafeBytes { data.append(contentsOf: $0) }
    case .int64(let v): v.withUnsafeBytes { data.append(contentsOf: $0) }
    case .strings(let v):
      let width = max(1, v.map { $0.unicodeScalars.count }.max() ?? 1)
      for string in v {
        var scalars = string.unicodeScalars.map(\.value)
        scalars += [UInt32](repeating: 0, count: width - scalars.count)
        scalars.withUnsafeBytes { data.append(contentsOf: $0) }
      }
    }
    return data
  }

  /// The largest array a reader accepts, in bytes (far above any checkpoint of this project).
  public static let maximumBytes = 1 << 30

  /// Parses `.npy` bytes, checking the header and that the shape, multiplied out without
  /// overflow, matches the bytes present before anything is allocated.
  /// - Parameter name: names the array in errors (`file.npz!train_features`).
  public init(npyData data: Data, name: String) throws(FileFormatError) {
    let bytes = [UInt8](data)
    guard let header = try Self.header(bytes, name: name) else {
      throw .malformed(
        path: name, format: ".npy", reason: bytes.count >= 10 ? "truncated header" : "bad magic (expected \\x93NUMPY)")
    }
    let byteCount = header.size - header.payloadStart
    guard bytes.count - header.payloadStart == byteCount else {
      throw .malformed(
        path: name, format: ".npy",
        reason:
          "expected \(byteCount) bytes of data for shape \(header.shape) of \(header.descr), found \(bytes.count - header.payloadStart)"
          + (bytes.count - header.payloadStart < byteCount ? " (truncated)" : ""))
    }
    var values = try header.dtype.values(bytes, from: header.payloadStart, count: header.count, name: name)
    if header.fortranOrder && header.shape.count > 1 { values = values.cOrder(fromFortran: header.shape) }
    self.init(shape: header.shape, values: values)
  }

  /// The longest header read. numpy itself refuses headers over 10,000 bytes unless told otherwise.
  static let maximumHeaderLength = 1 << 20

  /// The size in bytes of the whole `.npy` file whose first bytes are `prefix`, as its header states
  /// it, or nil while `prefix` is too short to hold the header.
  /// - Throws: `FileFormatError` for a header that is malformed or declares too much.
  public static func statedSize(ofPrefix prefix: Data, name: String) throws(FileFormatError) -> Int? {
    try header([UInt8](prefix.prefix(12 + maximumHeaderLength)), name: name)?.size
  }

  struct Header {
    let descr: String
    let dtype: DType
    let shape: [Int]
    let fortranOrder: Bool
    let count: Int
    let payloadStart: Int
    /// Header and data together.
    let size: Int
  }

  /// The header of `.npy` bytes, checking that the shape, multiplied out without overflow, stays
  /// within the limits; nil while the bytes end before the header does.
  static func header(_ bytes: [UInt8], name: String) throws(FileFormatError) -> Header? {
    func malformed(_ reason: String) -> FileFormatError { .malformed(path: name, format: ".npy", reason: reason) }
    let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    guard Array(bytes.prefix(6)) == Array(magic.prefix(min(6, bytes.count))) else {
      throw malformed("bad magic (expected \\x93NUMPY)")
    }
    guard bytes.count >= 10 else { return nil }
    let major = bytes[6]
    let headerLength: Int
    let headerStart: Int
    switch major {
    case 1:
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      headerStart = 10
    case 2, 3:
      guard bytes.count >= 12 else { return nil }
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
      headerStart = 12
    default:
      throw malformed("format version \(major) is not supported (1, 2 and 3 are)")
    }
    guard headerLength <= maximumHeaderLength else {
      throw malformed("header of \(headerLength) bytes (at most \(maximumHeaderLength) are read)")
    }
    guard headerLength <= bytes.count - headerStart else { return nil }
    let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
    guard let descr = Self.field("descr", in: header), let shapeText = Self.field("shape", in: header) else {
      throw malformed("unreadable header \(header.prefix(200))")
    }
    let fortranOrder: Bool
    switch Self.field("fortran_order", in: header) {
    case "False": fortranOrder = false
    case "True": fortranOrder = true
    default: throw malformed("unreadable fortran_order in header \(header.prefix(200))")
    }
    let shape = try Self.parseShape(shapeText, name: name)
    let dtype = try Self.DType(descr, name: name)
    var count = 1
    for size in shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: size)
      guard !overflow, product <= Self.maximumBytes else {
        throw FileFormatError.tooLarge(
          path: name, reason: "shape \(shape) needs more than the \(Self.maximumBytes) bytes a reader accepts")
      }
      count = product
    }
    let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.width)
    guard !overflow, byteCount <= Self.maximumBytes else {
      throw FileFormatError.tooLarge(
        path: name, reason: "shape \(shape) of \(descr) needs more than the \(Self.maximumBytes) bytes a reader accepts"
      )
    }
    let payloadStart = headerStart + headerLength
    return Header(
      descr: descr, dtype: dtype, shape: shape, fortranOrder: fortranOrder, count: count, payloadStart: payloadStart,
      size: payloadStart + byteCount)
  }

  /// The sizes in a header's shape tuple: `()`, `(n,)` or `(n, m, ...)`, each a non-negative integer.
  private static func parseShape(_ text: String, name: String) throws(FileFormatError) -> [Int] {
    guard text.hasPrefix("("), text.hasSuffix(")") else {
      throw .malformed(path: name, format: ".npy", reason: "shape \(text.prefix(80)) is not a tuple")
    }
    var parts = text.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
      .map { $0.trimmingCharacters(in: .whitespaces) }
    if parts.last == "" && parts.count > 1 { parts.removeLast() }  // "(n,)"
    if parts == [""] { return [] }
    var shape: [Int] = []
    for part in parts {
      guard let size = Int(part), size >= 0 else {
        throw .malformed(
          path: name, format: ".npy", reason: "shape \(text.prefix(80)) has a size that is not a non-negative integer")
      }
      shape.append(size)
    }
    guard shape.count <= 32 else {
      throw .malformed(path: name, format: ".npy", reason: "shape has \(shape.count) dimensions (at most 32)")
    }
    return shape
  }

  /// The text of `key`'s value in a NumPy header dictionary (quotes stripped).
  private static func field(_ key: String, in header: String) -> String? {
    guard let keyRange = header.range(of: "'\(key)':") else { return nil }
    var rest = header[keyRange.upperBound...].drop { $0 == " " }
    if rest.first == "(" {
      guard let close = rest.firstIndex(of: ")") else { return nil }
      return String(rest[...close])
    }
    if rest.first == "'" {
      rest = rest.dropFirst()
      return rest.firstIndex(of: "'").map { String(rest[..<$0]) }
    }
    return rest.firstIndex(where: { $0 == "," || $0 == "}" }).map {
      String(rest[..<$0]).trimmingCharacters(in: .whitespaces)
    }
  }
}
