import Foundation

/// An n-dimensional array in one of the dtypes the checkpoints use, convertible to and
/// from NumPy's `.npy` format (version 1.0, little-endian, C order).
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
    precondition(shape.reduce(1, *) == values.count, "shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
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

  /// Parses `.npy` bytes.
  /// - Parameter name: names the array in errors (`file.npz!train_features`).
  public init(npyData data: Data, name: String) throws {
    let bytes = [UInt8](data)
    guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
      throw CheckpointError.malformed(path: name, reason: "not a .npy array (bad magic)")
    }
    let major = bytes[6]
    let headerLength: Int
    let headerStart: Int
    if major == 1 {
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      headerStart = 10
    } else {
      guard bytes.count >= 12 else { throw CheckpointError.malformed(path: name, reason: "truncated .npy header") }
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
      headerStart = 12
    }
    guard bytes.count >= headerStart + headerLength else {
      throw CheckpointError.malformed(path: name, reason: "truncated .npy header")
    }
    let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
    guard let descr = Self.field("descr", in: header), let shapeText = Self.field("shape", in: header) else {
      throw CheckpointError.malformed(path: name, reason: "unreadable .npy header \(header)")
    }
    guard Self.field("fortran_order", in: header) == "False" else {
      throw CheckpointError.malformed(path: name, reason: "Fortran-ordered arrays are not supported")
    }
    let shape = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "()"))
      .split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    let count = shape.reduce(1, *)
    let payload = Array(bytes[(headerStart + headerLength)...])
    func need(_ width: Int) throws {
      guard payload.count == count * width else {
        throw CheckpointError.malformed(
          path: name, reason: "truncated array: expected \(count * width) bytes for shape \(shape), found \(payload.count)")
      }
    }
    func load<T>(_ type: T.Type, elements: Int = count) -> [T] {
      payload.withUnsafeBytes { raw in (0..<elements).map { raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) } }
    }
    let values: Values
    switch descr {
    case "<f4": try need(4); values = .float32(load(Float.self))
    case "<f8": try need(8); values = .float64(load(Double.self))
    case "|u1", "<u1": try need(1); values = .uint8(payload)
    case "<i4": try need(4); values = .int32(load(Int32.self))
    case "<i8": try need(8); values = .int64(load(Int64.self))
    case let text where text.hasPrefix("<U"):
      guard let width = Int(text.dropFirst(2)) else { throw CheckpointError.malformed(path: name, reason: "bad dtype \(text)") }
      try need(4 * width)
      let scalars = load(UInt32.self, elements: count * width)
      values = .strings(
        (0..<count).map { i in
          String(String.UnicodeScalarView(scalars[(i * width)..<((i + 1) * width)].prefix { $0 != 0 }.compactMap(UnicodeScalar.init)))
        })
    default:
      throw CheckpointError.malformed(path: name, reason: "unsupported dtype \(descr)")
    }
    self.init(shape: shape, values: values)
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
    return rest.firstIndex(where: { $0 == "," || $0 == "}" }).map { String(rest[..<$0]).trimmingCharacters(in: .whitespaces) }
  }
}
