import CZlib
import Foundation

/// zlib-backed gzip and raw-deflate codecs for IDX `.gz` files and zip (wheel) members.
public enum Compression {
  /// Whether `data` starts with the gzip magic bytes 1f 8b.
  public static func isGzip(_ data: Data) -> Bool {
    data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
  }

  /// Decompresses a gzip stream (concatenated members allowed).
  /// - Parameter path: names the source in errors.
  public static func gunzip(_ data: Data, path: String) throws -> Data {
    // windowBits 15 + 32: let zlib detect the gzip (or zlib) header.
    try inflate(data, windowBits: 15 + 32, expectedSize: nil, path: path) { reason in
      DatasetError.badGzip(path: path, reason: reason)
    }
  }

  /// Decompresses a raw deflate stream (zip method 8) of known decompressed size.
  public static func inflateRaw(_ data: Data, expectedSize: Int, path: String) throws -> Data {
    try inflate(data, windowBits: -15, expectedSize: expectedSize, path: path) { reason in
      DatasetError.badArchive(path: path, reason: reason)
    }
  }

  /// The CRC-32 that zip and gzip store for `data` (zlib's implementation).
  public static func crc32(_ data: Data) -> UInt32 {
    data.withUnsafeBytes { raw in
      UInt32(CZlib.crc32(0, raw.bindMemory(to: Bytef.self).baseAddress, uInt(raw.count)))
    }
  }

  /// Compresses `data` as a single gzip member.
  public static func gzip(_ data: Data, level: Int32 = 6) -> Data {
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

  private static func inflate(
    _ data: Data, windowBits: Int32, expectedSize: Int?, path: String,
    error makeError: (String) -> DatasetError
  ) throws -> Data {
    var stream = z_stream()
    guard inflateInit2_(&stream, windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw makeError("zlib could not be initialised")
    }
    defer { inflateEnd(&stream) }
    var output = Data()
    output.reserveCapacity(expectedSize ?? data.count * 4)
    let chunkSize = 1 << 20
    var chunk = [UInt8](repeating: 0, count: chunkSize)
    try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
      guard let base = input.bindMemory(to: Bytef.self).baseAddress else {
        throw makeError("empty input")
      }
      stream.next_in = UnsafeMutablePointer(mutating: base)
      stream.avail_in = uInt(input.count)
      while true {
        let (status, produced) = chunk.withUnsafeMutableBufferPointer { buffer -> (Int32, Int) in
          stream.next_out = buffer.baseAddress
          stream.avail_out = uInt(chunkSize)
          let status = CZlib.inflate(&stream, Z_NO_FLUSH)
          return (status, chunkSize - Int(stream.avail_out))
        }
        output.append(contentsOf: chunk[0..<produced])
        switch status {
        case Z_STREAM_END:
          // A gzip file may hold several members; continue with the next one.
          if stream.avail_in > 0 && windowBits > 0 {
            guard inflateReset(&stream) == Z_OK else { throw makeError("cannot start the next gzip member") }
            continue
          }
          return
        case Z_OK:
          continue
        case Z_BUF_ERROR where stream.avail_in == 0:
          throw makeError("the compressed stream ends early (file truncated?) after \(output.count) bytes")
        default:
          let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
          throw makeError(message)
        }
      }
    }
    if let expectedSize, output.count != expectedSize {
      throw makeError("expected \(expectedSize) decompressed bytes, found \(output.count)")
    }
    return output
  }
}
