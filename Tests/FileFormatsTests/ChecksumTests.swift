import _TestSupport
import Foundation
import Testing

@testable import FileFormats

@Suite struct ChecksumTests {
  @Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    ),
  ])
  func sha256MatchesFIPSVectors(message: String, digest: String) {
    #expect(Checksum.sha256(Array(message.utf8)) == digest)
    #expect(Checksum.sha256(Data(message.utf8)) == digest)
  }

  @Test func sha256OfAFileReadsItInPieces() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    // A million 'a's: FIPS 180-2's long vector, longer than the 1 MiB read buffer.
    let path = directory + "/a"
    try Data(repeating: UInt8(ascii: "a"), count: 1_000_000).write(to: URL(fileURLWithPath: path))
    #expect(try Checksum.sha256(ofFileAt: path) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    #expect(throws: FileFormatError.missing(path: directory + "/none")) {
      try Checksum.sha256(ofFileAt: directory + "/none")
    }
  }

  @Test func crc32IsZlibs() {
    #expect(Checksum.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
    #expect(Checksum.crc32([UInt8]()) == 0)
  }
}
