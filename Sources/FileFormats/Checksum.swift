import Crypto
import Foundation

/// SHA-256 digests as lowercase hex, the form checkpoints and dataset catalogues record.
/// Backed by swift-crypto (BoringSSL's assembly on Linux, CryptoKit on Apple systems).
public enum Checksum {
  /// The lowercase hex SHA-256 digest of `bytes`.
  public static func sha256<Bytes: DataProtocol>(_ bytes: Bytes) -> String {
    hex(Crypto.SHA256.hash(data: bytes))
  }

  /// The lowercase hex SHA-256 digest of `bytes`.
  public static func sha256(_ bytes: [UInt8]) -> String {
    hex(Crypto.SHA256.hash(data: bytes))
  }

  /// The SHA-256 digest of a file, read in 1 MiB pieces so large files need little memory.
  /// - Throws: `FileFormatError` naming the path when it cannot be read.
  public static func sha256(ofFileAt path: String) throws -> String {
    let file = try ReadableFile(path: path)
    defer { file.close() }
    var hasher = Crypto.SHA256()
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let count = try file.read(into: &buffer)
      if count == 0 { break }
      hasher.update(data: buffer[0..<count])
    }
    return hex(hasher.finalize())
  }

  /// The CRC-32 that zip and gzip store (zlib's implementation).
  public static func crc32<Bytes: ContiguousBytes>(_ bytes: Bytes) -> UInt32 {
    Zlib.crc32(bytes)
  }

  /// The CRC-32 of `bytes` following bytes whose CRC-32 is `crc` (0 before the first byte), for
  /// checking a file read in pieces.
  public static func crc32(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32) -> UInt32 {
    Zlib.crc32(bytes, continuing: crc)
  }

  /// The CRC-32 of two pieces one after the other, from each piece's CRC-32 and the second's
  /// length (zlib's `crc32_combine`): pieces checked on different threads make the whole's CRC.
  public static func crc32(combining first: UInt32, _ second: UInt32, secondLength: Int) -> UInt32 {
    Zlib.crc32(combining: first, second, secondLength: secondLength)
  }

  private static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var text = [UInt8]()
    text.reserveCapacity(64)
    for byte in digest {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}
