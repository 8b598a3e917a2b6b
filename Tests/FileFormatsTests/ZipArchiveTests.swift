import _TestSupport
import Foundation
import Testing

@testable import FileFormats

@Suite(.timeLimit(.minutes(5))) struct ZipArchiveTests {
  @Test func storedMembersReadBack() throws {
    let first = Data("label,1x1\n1,2\n".utf8)
    let second = Data((0..<5000).map { UInt8($0 % 251) })
    let bytes = try ZipArchive.storedArchive([("a/first.csv", first), ("b/second.bin", second)])
    let archive = try ZipArchive(data: bytes, path: "w.whl")
    #expect(archive.members.map(\.name) == ["a/first.csv", "b/second.bin"])
    #expect(try archive.contents(of: "a/first.csv") == first)
    #expect(try archive.contents(of: "b/second.bin") == second)
    #expect(throws: FileFormatError.malformed(path: "w.whl", format: "zip", reason: "no member named c")) {
      try archive.contents(of: "c")
    }
    #expect(
      throws: FileFormatError.tooLarge(
        path: "w.whl!b/second.bin", reason: "declares 5000 bytes, more than the 100 accepted")
    ) {
      try archive.contents(of: "b/second.bin", limit: 100)
    }
  }

  @Test func damagedArchivesAreRejected() throws {
    let bytes = try ZipArchive.storedArchive([("x", Data("hello".utf8))])
    #expect(throws: FileFormatError.self) { try ZipArchive(data: bytes.prefix(bytes.count - 10), path: "cut.whl") }
    #expect(throws: FileFormatError.self) { try ZipArchive(data: Data("not a zip".utf8), path: "text.whl") }
    #expect(throws: FileFormatError.missing(path: "/nonexistent/w.whl")) { try ZipArchive(path: "/nonexistent/w.whl") }
  }

  /// Regression (FuzzNumpy, Tests/FuzzRegressions/Numpy/leak-zipfoundation-no-end-record.npy): input
  /// without an end record is refused before ZIPFoundation, which leaked its in-memory file on it.
  @Test func inputWithoutACompleteEndRecordIsRefusedBeforeZIPFoundation() throws {
    let leak = try #require(FuzzInputs.all("Numpy").first { $0.name.hasSuffix("leak-zipfoundation-no-end-record.npy") })
    #expect(!ZipArchive.hasEndRecord(leak.data))
    #expect(throws: FileFormatError.self) { try ZipArchive(data: leak.data, path: "x.npz") }
    let archive = try ZipArchive.storedArchive([("a", Data("b".utf8))])
    #expect(ZipArchive.hasEndRecord(archive))
    // An end record whose comment runs past the end of the data is incomplete.
    var cut = archive
    cut[cut.count - 2] = 10
    #expect(!ZipArchive.hasEndRecord(cut))
    // An end record more than 64 KiB before the end (a comment cannot be that long) is not found.
    #expect(!ZipArchive.hasEndRecord(archive + Data(count: 70_000)))
  }

  /// Regression (FuzzNumpy, Tests/FuzzRegressions/Numpy/crash-zipfoundation-memoryfile-range.npz): headers
  /// that point past the end trapped ZIPFoundation's in-memory backend; now they are a named error.
  @Test func headersPointingPastTheEndAreAnError() throws {
    let crash = try #require(
      FuzzInputs.all("Numpy").first { $0.name.hasSuffix("crash-zipfoundation-memoryfile-range.npz") })
    #expect(throws: FileFormatError.self) { try NumpyArchive.read(crash.data, path: "x.npz") }
    // No temporary copy is left behind.
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())
      .filter { $0.hasPrefix(".zip-read.\(getpid()).") }
    #expect(leftovers.isEmpty)
  }

  @Test(.enabled(if: Python.hasNumpy, "needs python3"))
  func readsDeflatedMembersPythonWrote() throws {
    let directory = makeTemporaryDirectory("zip")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let output = try Python.shared.run(
      """
      import zipfile
      with zipfile.ZipFile('\(directory)/w.whl', 'w', zipfile.ZIP_DEFLATED) as z:
          z.writestr('pkg/data.csv', 'label,1x1\\n' + '7,255\\n' * 5000)
          z.writestr(zipfile.ZipInfo('pkg/stored.txt'), 'plain')
      print('ok')
      """)
    #expect(output == "ok")
    let archive = try ZipArchive(path: directory + "/w.whl")
    let csv = try archive.contents(of: "pkg/data.csv")
    #expect(csv == Data(("label,1x1\n" + String(repeating: "7,255\n", count: 5000)).utf8))
    #expect(try archive.contents(of: "pkg/stored.txt") == Data("plain".utf8))
  }
}
