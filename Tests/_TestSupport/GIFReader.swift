import Foundation

/// A minimal GIF reader for the tests: the header, logical screen, global colour table, every frame's
/// delay and LZW-decoded indices, and the NETSCAPE2.0 loop count. Written from the GIF89a specification.
public struct GIFReader {
  public struct Frame: Sendable {
    public var left = 0, top = 0, width = 0, height = 0
    public var delay: Int?
    public var transparent: Int?
    public var indices: [UInt8] = []
  }

  /// The screen after each frame (indices), each frame drawn over the previous one, transparent pixels skipped.
  public func screens() -> [[UInt8]] {
    var screen = [UInt8](repeating: UInt8(backgroundIndex), count: width * height)
    return frames.map { frame in
      for y in 0..<frame.height {
        for x in 0..<frame.width {
          let index = frame.indices[y * frame.width + x]
          if let t = frame.transparent, Int(index) == t { continue }
          screen[(frame.top + y) * width + frame.left + x] = index
        }
      }
      return screen
    }
  }

  public var version = ""
  public var width = 0
  public var height = 0
  public var globalColors: [[UInt8]] = []
  public var backgroundIndex = 0
  public var loopCount: Int?
  public var frames: [Frame] = []
  public var sawTrailer = false

  public struct Malformed: Error { public let reason: String }

  public init(data bytes: [UInt8]) throws {
    var at = 0
    func byte() throws -> Int {
      guard at < bytes.count else { throw Malformed(reason: "truncated at byte \(at)") }
      defer { at += 1 }
      return Int(bytes[at])
    }
    func u16() throws -> Int { try byte() | (try byte() << 8) }
    func subBlocks() throws -> [UInt8] {
      var out: [UInt8] = []
      while true {
        let n = try byte()
        if n == 0 { return out }
        guard at + n <= bytes.count else { throw Malformed(reason: "sub-block runs past the end") }
        out += bytes[at..<at + n]
        at += n
      }
    }
    func colorTable(_ packed: Int) throws -> [[UInt8]] {
      let count = 1 << ((packed & 7) + 1)
      return try (0..<count).map { _ in [UInt8(try byte()), UInt8(try byte()), UInt8(try byte())] }
    }
    guard bytes.count >= 13 else { throw Malformed(reason: "shorter than a header") }
    version = String(decoding: bytes[0..<6], as: UTF8.self)
    at = 6
    width = try u16()
    height = try u16()
    let packed = try byte()
    backgroundIndex = try byte()
    _ = try byte()
    if packed & 0x80 != 0 { globalColors = try colorTable(packed) }
    var delay: Int?
    var transparent: Int?
    while at < bytes.count {
      switch try byte() {
      case 0x21:
        let label = try byte()
        let body = try subBlocks()
        if label == 0xF9, body.count >= 4 {
          delay = Int(body[1]) | Int(body[2]) << 8
          transparent = body[0] & 1 != 0 ? Int(body[3]) : nil
        }
        if label == 0xFF, body.count >= 14, String(decoding: body[0..<11], as: UTF8.self) == "NETSCAPE2.0",
          body[11] == 1
        {
          loopCount = Int(body[12]) | Int(body[13]) << 8
        }
      case 0x2C:
        var frame = Frame(
          left: try u16(), top: try u16(), width: try u16(), height: try u16(), delay: delay, transparent: transparent)
        let flags = try byte()
        if flags & 0x80 != 0 { _ = try colorTable(flags) }
        let minimumCodeSize = try byte()
        frame.indices = try Self.decodeLZW(try subBlocks(), minimumCodeSize: minimumCodeSize)
        frames.append(frame)
        delay = nil
        transparent = nil
      case 0x3B:
        sawTrailer = true
        return
      case let other:
        throw Malformed(reason: "unknown block 0x\(String(other, radix: 16)) at byte \(at - 1)")
      }
    }
  }

  public static func decodeLZW(_ data: [UInt8], minimumCodeSize: Int) throws -> [UInt8] {
    let clear = 1 << minimumCodeSize
    let end = clear + 1
    var table: [[UInt8]] = []
    func reset() { table = (0..<clear).map { [UInt8($0)] } + [[], []] }
    reset()
    var codeSize = minimumCodeSize + 1
    var output: [UInt8] = []
    var previous: [UInt8]?
    var bitBuffer = 0, bitCount = 0, position = 0
    while true {
      while bitCount < codeSize {
        guard position < data.count else { return output }
        bitBuffer |= Int(data[position]) << bitCount
        bitCount += 8
        position += 1
      }
      let code = bitBuffer & ((1 << codeSize) - 1)
      bitBuffer >>= codeSize
      bitCount -= codeSize
      if code == clear {
        reset()
        codeSize = minimumCodeSize + 1
        previous = nil
        continue
      }
      if code == end { return output }
      let entry: [UInt8]
      if code < table.count {
        entry = table[code]
      } else if let p = previous, code == table.count {
        entry = p + [p[0]]
      } else {
        throw Malformed(reason: "LZW code \(code) beyond the table (\(table.count))")
      }
      output += entry
      if let p = previous, table.count < 4096 { table.append(p + [entry[0]]) }
      if table.count == 1 << codeSize && codeSize < 12 { codeSize += 1 }
      previous = entry
    }
  }
}
