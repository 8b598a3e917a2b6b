import Foundation
import Testing
@testable import Datasets

@Suite struct ArchiveAndChecksumTests {
  @Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    ),
  ])
  func sha256MatchesFIPSVectors(message: String, digest: String) {
    #expect(SHA256.hexDigest(of: Array(message.utf8)) == digest)
  }

  @Test func sha256OfAMillionAsAcrossChunkBoundaries() {
    var hasher = SHA256()
    let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 999)
    for _ in 0..<1001 { hasher.update(chunk) }
    hasher.update([UInt8](repeating: UInt8(ascii: "a"), count: 1))
    #expect(hasher.finalizeHex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  @Test func gzipRoundTrips() throws {
    let data = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 31 / 7) })
    let packed = Compression.gzip(data)
    #expect(Compression.isGzip(packed))
    #expect(try Compression.gunzip(packed, path: "p") == data)
    // Two concatenated members decode to both payloads, as gzip(1) does.
    #expect(try Compression.gunzip(packed + packed, path: "p") == data + data)
  }

  @Test func zipMembersStoredAndDeflated() throws {
    let first = Data("label,1x1\n1,2\n".utf8)
    let second = Data((0..<5000).map { UInt8($0 % 251) })
    let archive = try ZipArchive(
      data: Synthetic.zip([("a/first.csv", first, false), ("b/second.bin", second, true)]), path: "w.whl")
    #expect(archive.entries.map(\.name) == ["a/first.csv", "b/second.bin"])
    #expect(try archive.contents(of: "a/first.csv") == first)
    #expect(try archive.contents(of: "b/second.bin") == second)
    #expect(throws: DatasetError.badArchive(path: "w.whl", reason: "no member named c")) {
      try archive.contents(of: "c")
    }
  }

  @Test func damagedZipIsRejected() {
    let archive = Synthetic.zip([("x", Data("hello".utf8), false)])
    #expect(throws: DatasetError.self) { try ZipArchive(data: archive.prefix(archive.count - 10), path: "cut.whl") }
    #expect(throws: DatasetError.self) { try ZipArchive(data: Data("not a zip".utf8), path: "text.whl") }
  }

  @Test func atomicWriteLeavesNoPartialFileOnFailure() throws {
    let directory = Synthetic.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try AtomicFile.write(Data("one".utf8), to: directory + "/sub/file")
    #expect(FileManager.default.contents(atPath: directory + "/sub/file") == Data("one".utf8))
    try AtomicFile.write(Data("two".utf8), to: directory + "/sub/file")
    #expect(FileManager.default.contents(atPath: directory + "/sub/file") == Data("two".utf8))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/sub") == ["file"])
    // A path under a regular file cannot be created.
    #expect(throws: AtomicWriteError.self) { try AtomicFile.write(Data(), to: directory + "/sub/file/inner") }
  }
}
