import Foundation

extension NumpyArray {
  /// A `.npy` dtype string (`<f4`, `>i2`, `|b1`, `<U7`, `|S5`, ...) and how its values are stored
  /// once read. Floats keep their precision where a case exists (`f2` widens to `float32`); every
  /// integer width and bool becomes `int64` except `u1` (`uint8`) and `i4` (`int32`), which keep
  /// the cases the checkpoints use; byte strings become `strings`.
  struct DType {
    enum Kind { case float, signed, unsigned, bool, unicode, bytes }
    let kind: Kind
    /// Bytes per element as stored.
    let width: Int
    let bigEndian: Bool

    init(_ descr: String, name: String) throws(FileFormatError) {
      func unsupported(_ why: String) -> FileFormatError {
        .malformed(path: name, format: ".npy", reason: "dtype \(descr.prefix(40)) \(why)")
      }
      var text = Substring(descr)
      var big = false
      if let order = text.first, "<>|=".contains(order) {
        big = order == ">"
        text = text.dropFirst()
      }
      if text.first == "O" {
        throw unsupported("is an object array (pickled Python objects); save it with .astype(str) or .astype(float)")
      }
      guard let code = text.first, let size = Int(text.dropFirst()), size > 0 else {
        if descr.hasPrefix("[") || descr.hasPrefix("(") {
          throw unsupported("is a structured dtype; save one plain array per name")
        }
        throw unsupported("is not a dtype numpy writes for plain arrays")
      }
      switch code {
      case "f":
        guard [2, 4, 8].contains(size) else {
          throw unsupported("is a float width this reader does not convert (f2, f4 and f8 are read)")
        }
        kind = .float
      case "i":
        guard [1, 2, 4, 8].contains(size) else { throw unsupported("has an unknown integer width") }; kind = .signed
      case "u":
        guard [1, 2, 4, 8].contains(size) else { throw unsupported("has an unknown integer width") }; kind = .unsigned
      case "b": guard size == 1 else { throw unsupported("has an unknown bool width") }; kind = .bool
      case "U":
        guard size <= 1 << 20 else { throw unsupported("holds strings longer than 2^20 characters") }
        kind = .unicode
      case "S":
        guard size <= 1 << 22 else { throw unsupported("holds byte strings longer than 2^22 bytes") }
        kind = .bytes
      case "O":
        throw unsupported("is an object array (pickled Python objects); save it with .astype(str) or .astype(float)")
      case "c": throw unsupported("is complex; save the real part (.real)")
      case "M", "m": throw unsupported("holds dates or time spans, not numbers")
      default: throw unsupported("is not a numeric or string dtype")
      }
      width = kind == .unicode ? 4 * size : size
      bigEndian = big && width > 1
    }

    /// The `count` values from `start` in `bytes`, converted to a stored case.
    func values(_ bytes: [UInt8], from start: Int, count: Int, name: String) throws(FileFormatError) -> Values {
      func word<T: FixedWidthInteger>(_ type: T.Type, _ i: Int) -> T {
        let raw = bytes.withUnsafeBytes {
          $0.loadUnaligned(fromByteOffset: start + i * MemoryLayout<T>.size, as: T.self)
        }
        return bigEndian ? T(bigEndian: raw) : T(littleEndian: raw)
      }
      switch (kind, width) {
      case (.float, 2): return .float32((0..<count).map { Self.float(half: word(UInt16.self, $0)) })
      case (.float, 4): return .float32((0..<count).map { Float(bitPattern: word(UInt32.self, $0)) })
      case (.float, _): return .float64((0..<count).map { Double(bitPattern: word(UInt64.self, $0)) })
      case (.unsigned, 1): return .uint8(Array(bytes[start..<(start + count)]))
      case (.bool, _): return .uint8(bytes[start..<(start + count)].map { $0 == 0 ? 0 : 1 })
      case (.signed, 4): return .int32((0..<count).map { word(Int32.self, $0) })
      case (.signed, 1): return .int64((0..<count).map { Int64(Int8(bitPattern: bytes[start + $0])) })
      case (.signed, 2): return .int64((0..<count).map { Int64(word(Int16.self, $0)) })
      case (.signed, _): return .int64((0..<count).map { word(Int64.self, $0) })
      case (.unsigned, 2): return .int64((0..<count).map { Int64(word(UInt16.self, $0)) })
      case (.unsigned, 4): return .int64((0..<count).map { Int64(word(UInt32.self, $0)) })
      case (.unsigned, _):
        var out: [Int64] = []
        out.reserveCapacity(count)
        for i in 0..<count {
          let v = word(UInt64.self, i)
          guard let fits = Int64(exactly: v) else {
            throw .malformed(
              path: name, format: ".npy",
              reason: "holds the uint64 value \(v) at index \(i), above the largest label this reader keeps (2^63 - 1)")
          }
          out.append(fits)
        }
        return .int64(out)
      case (.unicode, _):
        let characters = width / 4
        var strings: [String] = []
        strings.reserveCapacity(count)
        for i in 0..<count {
          let text = (0..<characters).map { word(UInt32.self, i * characters + $0) }.prefix { $0 != 0 }
          let decoded = text.compactMap(UnicodeScalar.init)
          guard decoded.count == text.count else {
            throw .malformed(path: name, format: ".npy", reason: "string \(i) holds a code point that is not Unicode")
          }
          strings.append(String(String.UnicodeScalarView(decoded)))
        }
        return .strings(strings)
      case (.bytes, _):
        return .strings(
          (0..<count).map { i in
            let raw = bytes[(start + i * width)..<(start + (i + 1) * width)].prefix { $0 != 0 }
            // numpy's `S` dtype holds bytes; names written by Python are ASCII or UTF-8, Latin-1 otherwise.
            return String(bytes: raw, encoding: .utf8) ?? String(raw.map { Character(UnicodeScalar($0)) })
          })
      }
    }

    /// IEEE 754 binary16 to Float, written out so it does not depend on the platform's Float16.
    static func float(half h: UInt16) -> Float {
      let sign = UInt32(h >> 15) << 31
      let exponent = Int(h >> 10) & 0x1f
      let mantissa = UInt32(h & 0x3ff)
      switch exponent {
      case 0:
        let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
        return sign == 0 ? magnitude : -magnitude
      case 31: return Float(bitPattern: sign | 0x7f80_0000 | (mantissa << 13))
      default: return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
      }
    }
  }
}

extension NumpyArray.Values {
  /// The values of a Fortran-ordered array of `shape` (first index fastest) in C order (last fastest).
  func cOrder(fromFortran shape: [Int]) -> Self {
    let count = shape.reduce(1, *)
    // For each C-order position, the Fortran-order index of the same element.
    var source = [Int](repeating: 0, count: count)
    var fortranStrides = [Int](repeating: 1, count: shape.count)
    for axis in shape.indices.dropFirst() { fortranStrides[axis] = fortranStrides[axis - 1] * shape[axis - 1] }
    var index = [Int](repeating: 0, count: shape.count)
    for position in 0..<count {
      source[position] = zip(index, fortranStrides).reduce(0) { $0 + $1.0 * $1.1 }
      var axis = shape.count - 1
      while axis >= 0 {
        index[axis] += 1
        if index[axis] < shape[axis] { break }
        index[axis] = 0
        axis -= 1
      }
    }
    func pick<T>(_ v: [T]) -> [T] { source.map { v[$0] } }
    switch self {
    case .float32(let v): return .float32(pick(v))
    case .float64(let v): return .float64(pick(v))
    case .uint8(let v): return .uint8(pick(v))
    case .int32(let v): return .int32(pick(v))
    case .int64(let v): return .int64(pick(v))
    case .strings(let v): return .strings(pick(v))
    }
  }
}
