import SystemZlib
import Foundation

/// gzip streams (IDX `.gz` files), backed by zlib.
public enum Gzip {
  /// Whether `data` starts with the gzip magic bytes 1f 8b.
  public static func isGzip<Bytes: Collection>(_ data: Bytes) -> Bool where Bytes.Element == UInt8 {
    var bytes = data.makeIterator()
    return bytes.next() == 0x1f && bytes.next() == 0x8b
  }

  /// Compresses `data` as a single gzip member.
  public static func compress(_ data: Data, level: Int32 = 6) -> Data {
    var stream = z_stream()
    // windowBits 15 + 16 asks zlib for a gzip wrapper.
    let initStatus = deflateInit2_(
      &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    precondition(initStatus == Z_OK, "deflateInit2 failed with status \(initStatus)")
    defer { deflateEnd(&stream) }
    let bound = Int(deflateBound(&stream, uLong(data.count)))
    var output = Data(count: bound)
    let written: Int = data.withUnsafeBytes { (input: UnsafeRawBufferPointer) -> Int in
      output.withUnsafeMutableBytes { (out: UnsafeMutableRawBufferPointer) -> Int in
        stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
        stream.avail_in = uInt(input.count)
        stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
        stream.avail_out = uInt(out.count)
        let status = deflate(&stream, Z_FINISH)
        // deflateBound guarantees one Z_FINISH call completes.
        precondition(status == Z_STREAM_END, "deflate with a deflateBound-sized buffer returned \(status)")
        return out.count - Int(stream.avail_out)
      }
    }
    output.count = written
    return output
  }

  /// Decompresses a whole gzip stream (concatenated members allowed), refusing to produce more
  /// than `limit` bytes: inflation stops one byte past the limit, so a small file that expands
  /// without bound costs at most `limit + 1` bytes of memory.
  /// - Parameter path: names the source in errors.
  public static func decompress(_ data: Data, limit: Int, path: String) throws(FileFormatError) -> Data {
    let stream = try GzipStream(data, path: path)
    let output = try stream.read(upTo: limit + 1)
    guard output.count <= limit else {
      throw .tooLarge(path: path, reason: "the gzip data expands to more than \(limit) bytes")
    }
    return output
  }
}

/// Incremental gzip decoding: the caller pulls as many bytes as it has checked it needs, so a
/// reader can parse a header, compute the declared size, and inflate no further than that.
public final class GzipStream {
  public let path: String
  private let input: Data
  private var stream = z_stream()
  private var finished = false
  /// Input bytes zlib has consumed.
  private var consumed = 0
  /// Bytes produced so far.
  public private(set) var produced = 0

  /// Starts decoding `data`; `path` names it in errors.
  public init(_ data: Data, path: String) throws(FileFormatError) {
    self.path = path
    input = data
    guard Gzip.isGzip(data) else { throw .malformed(path: path, format: "gzip", reason: "no gzip magic bytes 1f 8b") }
    // windowBits 15 + 16: gzip wrapper only (a zlib stream is not a .gz file).
    guard inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw .malformed(path: path, format: "gzip", reason: "zlib could not be initialised")
    }
  }

  deinit { inflateEnd(&stream) }

  /// The next up to `count` decompressed bytes; fewer only at the end of the stream.
  /// - Throws: `FileFormatError.malformed` for corrupt or truncated data.
  public func read(upTo count: Int) throws(FileFormatError) -> Data {
    precondition(count >= 0)
    var output = Data()
    let chunkSize = 1 << 20
    var chunk = [UInt8](repeating: 0, count: min(chunkSize, max(count, 1)))
    while output.count < count && !finished {
      let wanted = min(chunk.count, count - output.count)
      let (status, made): (Int32, Int) = input.withUnsafeBytes { raw in
        chunk.withUnsafeMutableBufferPointer { buffer in
          // Data may move between calls: point zlib at the unread input afresh each time.
          stream.next_in = UnsafeMutablePointer(mutating: raw.bindMemory(to: Bytef.self).baseAddress! + consumed)
          let given = min(raw.count - consumed, 1 << 30)
          stream.avail_in = uInt(given)
          stream.next_out = buffer.baseAddress
          stream.avail_out = uInt(wanted)
          let status = inflate(&stream, Z_NO_FLUSH)
          consumed += given - Int(stream.avail_in)
          return (status, wanted - Int(stream.avail_out))
        }
      }
      output.append(contentsOf: chunk[0..<made])
      produced += made
      switch status {
      case Z_STREAM_END:
        // Another gzip member may follow, as gzip(1) allows; anything else after the end is junk.
        let remaining = input.count - consumed
        if remaining == 0 {
          finished = true
        } else if Gzip.isGzip(input.suffix(remaining)) {
          guard inflateReset(&stream) == Z_OK else { throw malformed("cannot start the next gzip member") }
        } else {
          throw malformed("\(remaining) bytes of junk after the end of the gzip data")
        }
      case Z_OK:
        continue
      case Z_BUF_ERROR where consumed == input.count:
        throw malformed("the compressed data ends early (file truncated?) after \(produced) bytes")
      default:
        throw malformed(stream.msg.map { String(cString: $0) } ?? "zlib status \(status)")
      }
    }
    return output
  }

  /// Whether the whole stream has been decoded.
  public var isAtEnd: Bool { finished }

  private func malformed(_ reason: String) -> FileFormatError {
    .malformed(path: path, format: "gzip", reason: reason)
  }
}

/// zlib's CRC-32, as zip and gzip store it.
enum Zlib {
  static func crc32<Bytes: ContiguousBytes>(_ bytes: Bytes) -> UInt32 {
    bytes.withUnsafeBytes { crc32($0, continuing: 0) }
  }

  static func crc32(_ raw: UnsafeRawBufferPointer, continuing start: UInt32) -> UInt32 {
    var crc = uLong(start)
    var offset = 0
    // zlib takes a 32-bit length; feed larger buffers in pieces.
    while offset < raw.count {
      let piece = min(raw.count - offset, 1 << 30)
      crc = SystemZlib.crc32(crc, raw.baseAddress!.assumingMemoryBound(to: Bytef.self) + offset, uInt(piece))
      offset += piece
    }
    return UInt32(crc)
  }

  static func crc32(combining first: UInt32, _ second: UInt32, secondLength: Int) -> UInt32 {
    UInt32(truncatingIfNeeded: crc32_combine(uLong(first), uLong(second), off_t(secondLength)))
  }
}
