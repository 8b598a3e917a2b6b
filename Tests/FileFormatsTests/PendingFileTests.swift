#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import FileFormats
import Foundation
import Testing

/// The streaming side of the one atomic writer (what the GIF encoder writes through).
@Suite struct PendingFileTests {
  func directory() throws -> String {
    let path = NSTemporaryDirectory() + "pending-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  @Test func aPendingFileIsListedForTheSignalCleanupUntilItIsCommitted() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let file = try AtomicFile.Pending(dir + "/out.gif")
    #expect(TemporaryFiles.live.contains(file.temporaryPath))
    #expect(FileManager.default.fileExists(atPath: file.temporaryPath))
    #expect(!FileManager.default.fileExists(atPath: dir + "/out.gif"))
    // An owner that closes the descriptor itself (giflib does) leaves the commit to reopen it.
    #expect(write(file.descriptor, "GIF89a", 6) == 6)
    _ = close(file.descriptor)
    file.descriptorClosed()
    try file.commit()
    #expect(!TemporaryFiles.live.contains(file.temporaryPath))
    #expect(FileManager.default.contents(atPath: dir + "/out.gif") == Data("GIF89a".utf8))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.gif"])
  }

  @Test func aPendingFileDroppedOrDiscardedLeavesNothing() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var temporary = ""
    do {
      let file = try AtomicFile.Pending(dir + "/a.gif")
      temporary = file.temporaryPath
      #expect(write(file.descriptor, "x", 1) == 1)
    }
    #expect(!TemporaryFiles.live.contains(temporary))
    let other = try AtomicFile.Pending(dir + "/b.gif")
    other.discard()
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
  }

  @Test func aPendingFileForADirectoryOrAMissingDirectoryIsRefusedByName() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    #expect {
      _ = try AtomicFile.Pending(dir + "/no-such-dir/a.gif")
    } throws: { "\($0)".contains(dir + "/no-such-dir/a.gif") }
  }
}
