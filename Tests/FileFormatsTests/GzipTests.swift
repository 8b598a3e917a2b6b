import Foundation
import Testing

@testable import FileFormats

@Suite struct GzipTests {
  static let sample = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 31 / 7) })

  @Test func roundTripsAndConcatenatedMembers() throws {
    let packed = Gzip.compress(Self.sample)
    #expect(Gzip.isGzip(packed))
    #expect(try Gzip.decompress(packed, limit: 1 << 20, path: "p") == Self.sample)
    // Two concatenated members decode to both payloads, as gzip(1) does.
    #expect(try Gzip.decompress(packed + packed, limit: 1 << 20, path: "p") == Self.sample + Self.sample)
  }

  @Test func streamHandsOutExactlyWhatIsAskedFor() throws {
    let stream = try GzipStream(Gzip.compress(Self.sample), path: "p")
    #expect(try stream.read(upTo: 4) == Self.sample.prefix(4))
    #expect(try stream.read(upTo: 10) == Self.sample.dropFirst(4).prefix(10))
    #expect(try stream.read(upTo: 1 << 20) == Self.sample.dropFirst(14))
    #expect(stream.isAtEnd)
    #expect(try stream.read(upTo: 10).isEmpty)
  }

  @Test(arguments: [0.2, 0.5, 0.9])
  func truncatedStreamsAreNamedErrors(fraction: Double) {
    let packed = Gzip.compress(Self.sample)
    let cut = packed.prefix(Int(Double(packed.count) * fraction))
    #expect {
      try Gzip.decompress(Data(cut), limit: 1 << 20, path: "cut.gz")
    } throws: { error in
      guard case .malformed(let path, "gzip", let reason) = error as? FileFormatError else { return false }
      return path == "cut.gz" && reason.contains("ends early")
    }
  }

  @Test func junkAfterTheLastMemberIsAnError() {
    #expect(throws: FileFormatError.self) {
      try Gzip.decompress(Gzip.compress(Self.sample) + Data("junk".utf8), limit: 1 << 20, path: "j.gz")
    }
    #expect(throws: FileFormatError.self) { try GzipStream(Data("plain text".utf8), path: "t") }
  }

  @Test func inflationStopsOneBytePastTheLimit() throws {
    // 64 MiB of zeros compress to about 64 KB: a bomb in miniature.
    let bomb = Gzip.compress(Data(count: 64 << 20), level: 9)
    #expect(bomb.count < 1 << 20)
    #expect(throws: FileFormatError.tooLarge(path: "bomb.gz", reason: "the gzip data expands to more than 1000 bytes"))
    {
      try Gzip.decompress(bomb, limit: 1000, path: "bomb.gz")
    }
    let stream = try GzipStream(bomb, path: "bomb.gz")
    _ = try stream.read(upTo: 1001)
    #expect(stream.produced == 1001)
  }
}
