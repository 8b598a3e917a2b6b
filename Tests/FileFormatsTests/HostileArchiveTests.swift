import Foundation
import Testing

@testable import FileFormats

/// Issue 29: members that lie about their size, archives with very many members, FIFOs.
@Suite struct HostileArchiveTests {
  func scratch() throws -> String {
    let dir = NSTemporaryDirectory() + "hostile-archive-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  @Test func aMemberWhoseNpyHeaderDisagreesWithItsDeclaredSizeIsNotInflated() throws {
    // A 4-value array padded with 4 MB of zeros: the zip declares 4 MB, the header 16 bytes.
    var npy = NumpyArray(shape: [4], values: .float32([1, 2, 3, 4])).npyData()
    npy.append(Data(count: 4 << 20))
    let archive = try ZipArchive.storedArchive([(name: "features.npy", data: npy)])
    #expect {
      try NumpyArchive.read(archive, path: "bomb.npz")
    } throws: { error in
      "\(error)".contains("its own header describes")
    }
  }

  @Test func twentyThousandMembersAreRefusedQuickly() throws {
    let members = (0..<20_000).map { (name: "a\($0).npy", data: Data()) }
    let archive = try ZipArchive.storedArchive(members)
    let start = Date()
    #expect(throws: FileFormatError.self) { try NumpyArchive.read(archive, path: "many.npz") }
    #expect(Date().timeIntervalSince(start) < 20)
  }

  @Test func aFIFOIsRefusedWithoutBlocking() throws {
    let dir = try scratch()
    let fifo = dir + "/pipe.npz"
    #expect(mkfifo(fifo, 0o644) == 0)
    #expect(throws: FileFormatError.self) { try FileBytes.read(fifo) }
    #expect(throws: FileFormatError.self) { try NumpyArchive.read(contentsOf: fifo) }
  }

  @Test func readingAnArchiveFromItsPathMakesNoTemporaryCopy() throws {
    let dir = try scratch()
    let path = dir + "/small.npz"
    try NumpyArchive.data([(name: "x", array: NumpyArray(shape: [2], values: .float32([1, 2])))]).write(
      to: URL(fileURLWithPath: path))
    let before = Set((try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? [])
    _ = try NumpyArchive.read(contentsOf: path)
    let after = Set((try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? [])
    #expect(after.subtracting(before).filter { $0.hasPrefix(".zip-read") }.isEmpty)
  }
}
