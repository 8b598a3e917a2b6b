#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Foundation

/// A `.npy` file mapped into memory instead of read: its values are paged in from the file as they
/// are touched and never copied, so an array larger than `NumpyArray.maximumBytes` (a 1,000,000 ×
/// 512 float32 embedding is 2 GB) costs its file size in memory at most, and the kernel may drop the
/// pages again under pressure. Little-endian (or byte-order-free) C-order arrays of floats
/// (`<f2`, `<f4`, `<f8`) and integers (`|i1`, `|u1`, `<i2`, `<u2`, `<i4`, `<u4`, `<i8`, `<u8`).
public final class MappedNumpyArray: @unchecked Sendable {
  // Unchecked: the mapping is read-only and immutable after init; every accessor only reads it.

  public enum Scalar: String, Sendable {
    case float16, float32, float64, int8, uint8, int16, uint16, int32, uint32, int64, uint64

    /// Bytes per element.
    public var width: Int {
      switch self {
      case .int8, .uint8: 1
      case .float16, .int16, .uint16: 2
      case .float32, .int32, .uint32: 4
      case .float64, .int64, .uint64: 8
      }
    }

    public var isFloatingPoint: Bool { self == .float16 || self == .float32 || self == .float64 }
  }

  public let path: String
  public let shape: [Int]
  public let scalar: Scalar
  /// The header's dtype text, for messages.
  public let descriptor: String
  private let mapping: UnsafeMutableRawPointer?
  private let mappedLength: Int
  private let payloadOffset: Int

  /// Maps `path`, checking the header and that the file holds exactly the bytes its shape needs.
  public init(path: String) throws(FileFormatError) {
    func malformed(_ reason: String) -> FileFormatError { .malformed(path: path, format: ".npy", reason: reason) }
    let file = try ReadableFile(path: path)
    defer { file.close() }
    var prefix = [UInt8](repeating: 0, count: min(max(file.size, 1), 65_536 + 12))
    var filled = 0
    while filled < prefix.count {
      var chunk = [UInt8](repeating: 0, count: prefix.count - filled)
      let count = try file.read(into: &chunk)
      if count == 0 { break }
      prefix.replaceSubrange(filled..<(filled + count), with: chunk[0..<count])
      filled += count
    }
    prefix.removeSubrange(filled...)
    guard prefix.count >= 10, prefix[0] == 0x93, Array(prefix[1...5]) == Array("NUMPY".utf8) else {
      throw malformed("bad magic (expected \\x93NUMPY)")
    }
    let headerLength: Int, headerStart: Int
    switch prefix[6] {
    case 1:
      headerLength = Int(prefix[8]) | Int(prefix[9]) << 8
      headerStart = 10
    case 2, 3:
      guard prefix.count >= 12 else { throw malformed("truncated header") }
      headerLength = Int(prefix[8]) | Int(prefix[9]) << 8 | Int(prefix[10]) << 16 | Int(prefix[11]) << 24
      headerStart = 12
    default:
      throw malformed("format version \(prefix[6]) is not supported (1, 2 and 3 are)")
    }
    guard headerLength <= prefix.count - headerStart else { throw malformed("truncated or oversized header") }
    let header = String(decoding: prefix[headerStart..<(headerStart + headerLength)], as: UTF8.self)
    guard let descr = Self.value(of: "descr", in: header), let shapeText = Self.value(of: "shape", in: header) else {
      throw malformed("unreadable header \(header.prefix(200))")
    }
    guard Self.value(of: "fortran_order", in: header) == "False" else {
      throw malformed("Fortran-ordered arrays are not supported (save with numpy.ascontiguousarray)")
    }
    let byteOrder = descr.first
    guard byteOrder == "<" || byteOrder == "|" || byteOrder == "=" else {
      throw malformed("dtype \(descr.prefix(20)) is big-endian; only little-endian arrays are read")
    }
    let kinds: [String: Scalar] = [
      "f2": .float16, "f4": .float32, "f8": .float64, "i1": .int8, "u1": .uint8, "i2": .int16, "u2": .uint16,
      "i4": .int32, "u4": .uint32, "i8": .int64, "u8": .uint64,
    ]
    guard let scalar = kinds[String(descr.dropFirst())] else {
      throw malformed("unsupported dtype \(descr.prefix(40)) (floats f2/f4/f8 or integers are read)")
    }
    guard shapeText.hasPrefix("("), shapeText.hasSuffix(")") else {
      throw malformed("shape \(shapeText.prefix(80)) is not a tuple")
    }
    var shape: [Int] = []
    for part in shapeText.dropFirst().dropLast().split(separator: ",") {
      let text = part.trimmingCharacters(in: .whitespaces)
      if text.isEmpty { continue }
      guard let size = Int(text), size >= 0 else {
        throw malformed("shape \(shapeText.prefix(80)) has a size that is not a non-negative integer")
      }
      shape.append(size)
    }
    var byteCount = scalar.width
    for size in shape {
      let (product, overflow) = byteCount.multipliedReportingOverflow(by: size)
      guard !overflow else { throw .tooLarge(path: path, reason: "shape \(shape) overflows") }
      byteCount = product
    }
    let payloadOffset = headerStart + headerLength
    guard file.size - payloadOffset == byteCount else {
      throw malformed(
        "expected \(byteCount) bytes of data for shape \(shape) of \(descr), found \(file.size - payloadOffset)"
          + (file.size - payloadOffset < byteCount ? " (truncated)" : ""))
    }
    self.path = path
    self.shape = shape
    self.scalar = scalar
    self.descriptor = descr
    self.payloadOffset = payloadOffset
    mappedLength = file.size
    if byteCount == 0 {
      mapping = nil
      return
    }
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw .cannotRead(path: path, reason: SystemErrorText.current) }
    defer { _ = systemClose(descriptor) }
    let address = mmap(nil, file.size, PROT_READ, MAP_PRIVATE, descriptor, 0)
    guard let address, address != MAP_FAILED else {
      throw .cannotRead(path: path, reason: "cannot map it into memory: \(SystemErrorText.current)")
    }
    // One front-to-back pass is the common access: let the kernel read ahead generously.
    _ = madvise(address, file.size, MADV_SEQUENTIAL)
    mapping = address
  }

  deinit {
    if let mapping { munmap(mapping, mappedLength) }
  }

  /// Number of elements.
  public var count: Int { shape.reduce(1, *) }

  /// The first byte of the values (`nil` for an empty array).
  public var payload: UnsafeRawPointer? { mapping.map { UnsafeRawPointer($0) + payloadOffset } }

  /// The values as Float32 in place, when they are float32 and aligned (always for numpy's files).
  public var float32Values: UnsafeBufferPointer<Float>? {
    guard scalar == .float32, let p = payload, Int(bitPattern: p) % MemoryLayout<Float>.alignment == 0 else {
      return nil
    }
    return UnsafeBufferPointer(start: p.assumingMemoryBound(to: Float.self), count: count)
  }

  /// Elements `range` (flat, C order) converted to Float32 into `destination`.
  public func copyFloats(_ range: Range<Int>, into destination: UnsafeMutablePointer<Float>) {
    guard let p = payload, !range.isEmpty else { return }
    let w = scalar.width
    switch scalar {
    case .float32:
      UnsafeMutableRawPointer(destination).copyMemory(from: p + range.lowerBound * w, byteCount: range.count * w)
    case .float64:
      for (k, i) in range.enumerated() {
        destination[k] = Float(p.loadUnaligned(fromByteOffset: i * w, as: Double.self))
      }
    case .float16:
      for (k, i) in range.enumerated() {
        destination[k] = Self.halfToFloat(p.loadUnaligned(fromByteOffset: i * w, as: UInt16.self))
      }
    default:
      for (k, i) in range.enumerated() { destination[k] = Float(integer(at: i, from: p)) }
    }
  }

  /// The values as integers (labels); floats must be whole numbers.
  /// - Throws: `.malformed` naming the first element that is not an integer.
  public func integers() throws(FileFormatError) -> [Int] {
    guard let p = payload else { return [] }
    if scalar.isFloatingPoint {
      var result = [Int](repeating: 0, count: count)
      var buffer = [Float](repeating: 0, count: 1)
      for i in 0..<count {
        let v: Double
        if scalar == .float64 {
          v = p.loadUnaligned(fromByteOffset: i * 8, as: Double.self)
        } else {
          buffer.withUnsafeMutableBufferPointer { copyFloats(i..<(i + 1), into: $0.baseAddress!) }
          v = Double(buffer[0])
        }
        guard v.isFinite, v == v.rounded(), abs(v) < 1e15 else {
          throw .malformed(path: path, format: ".npy", reason: "element \(i) is \(v); labels must be integers")
        }
        result[i] = Int(v)
      }
      return result
    }
    return (0..<count).map { integer(at: $0, from: p) }
  }

  private func integer(at i: Int, from p: UnsafeRawPointer) -> Int {
    let o = i * scalar.width
    switch scalar {
    case .int8: return Int(p.loadUnaligned(fromByteOffset: o, as: Int8.self))
    case .uint8: return Int(p.loadUnaligned(fromByteOffset: o, as: UInt8.self))
    case .int16: return Int(p.loadUnaligned(fromByteOffset: o, as: Int16.self))
    case .uint16: return Int(p.loadUnaligned(fromByteOffset: o, as: UInt16.self))
    case .int32: return Int(p.loadUnaligned(fromByteOffset: o, as: Int32.self))
    case .uint32: return Int(p.loadUnaligned(fromByteOffset: o, as: UInt32.self))
    case .int64: return Int(p.loadUnaligned(fromByteOffset: o, as: Int64.self))
    case .uint64: return Int(truncatingIfNeeded: p.loadUnaligned(fromByteOffset: o, as: UInt64.self))
    case .float16, .float32, .float64: return 0
    }
  }

  /// IEEE 754 binary16 to binary32 (exact: every half is a float), without relying on `Float16`,
  /// which not every platform's standard library has.
  static func halfToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h >> 15) << 31
    let exponent = Int((h >> 10) & 0x1f)
    let mantissa = UInt32(h & 0x3ff)
    if exponent == 0x1f { return Float(bitPattern: sign | 0x7f80_0000 | mantissa << 13) }
    if exponent == 0 {
      let magnitude = Float(mantissa) * 0x1p-24
      return sign == 0 ? magnitude : -magnitude
    }
    return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | mantissa << 13)
  }

  /// The text of `key`'s value in a numpy header dictionary (quotes stripped).
  private static func value(of key: String, in header: String) -> String? {
    guard let keyRange = header.range(of: "'\(key)':") else { return nil }
    var rest = header[keyRange.upperBound...].drop { $0 == " " }
    if rest.first == "(" { return rest.firstIndex(of: ")").map { String(rest[...$0]) } }
    if rest.first == "'" {
      rest = rest.dropFirst()
      return rest.firstIndex(of: "'").map { String(rest[..<$0]) }
    }
    return rest.firstIndex(where: { $0 == "," || $0 == "}" }).map {
      String(rest[..<$0]).trimmingCharacters(in: .whitespaces)
    }
  }
}
