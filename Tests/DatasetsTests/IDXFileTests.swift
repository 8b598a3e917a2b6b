import FileFormats
import Foundation
import Testing
@testable import Datasets

@Suite struct IDXFileTests {
  @Test func encodesAndDecodesImages() throws {
    let (images, _) = Synthetic.split(count: 5)
    let data = images.encoded()
    #expect(data.count == 16 + 5 * 12)
    #expect([UInt8](data.prefix(4)) == [0, 0, 8, 3])
    let decoded = try IDXFile(decoding: data, expectedMagic: IDXFile.imageMagic, path: "x")
    #expect(decoded == images)
  }

  @Test func rejectsBadMagicNamingFileAndValues() {
    let (_, labels) = Synthetic.split(count: 5)
    #expect(throws: DatasetError.badMagic(path: "labels.idx", expected: 2051, found: 2049)) {
      try IDXFile(decoding: labels.encoded(), expectedMagic: IDXFile.imageMagic, path: "labels.idx")
    }
    let message = DatasetError.badMagic(path: "labels.idx", expected: 2051, found: 2049).description
    #expect(message.contains("labels.idx") && message.contains("2051") && message.contains("2049"))
  }

  @Test(arguments: [0, 3, 10, 75])
  func rejectsTruncatedFiles(keptBytes: Int) {
    let (images, _) = Synthetic.split(count: 5)
    let data = images.encoded().prefix(keptBytes)
    #expect(throws: DatasetError.self) {
      try IDXFile(decoding: Data(data), expectedMagic: IDXFile.imageMagic, path: "cut")
    }
  }

  @Test func rejectsTrailingBytes() {
    let (images, _) = Synthetic.split(count: 2)
    var data = images.encoded()
    data.append(0)
    #expect(throws: DatasetError.truncated(path: "long", expectedBytes: 16 + 24, foundBytes: 16 + 25)) {
      try IDXFile(decoding: data, expectedMagic: IDXFile.imageMagic, path: "long")
    }
  }

  @Test func readsGzippedAndPlainFilesAlike() throws {
    let directory = Synthetic.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let (images, _) = Synthetic.split(count: 7)
    try images.encoded().write(to: URL(fileURLWithPath: directory + "/plain"))
    try Gzip.compress(images.encoded()).write(to: URL(fileURLWithPath: directory + "/packed.gz"))
    let plain = try IDXFile(contentsOf: directory + "/plain", expectedMagic: IDXFile.imageMagic)
    let packed = try IDXFile(contentsOf: directory + "/packed.gz", expectedMagic: IDXFile.imageMagic)
    #expect(plain == images && packed == images)
  }

  @Test func truncatedGzipIsAClearError() throws {
    let directory = Synthetic.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let (images, _) = Synthetic.split(count: 200)
    let packed = Gzip.compress(images.encoded())
    try packed.prefix(packed.count / 2).write(to: URL(fileURLWithPath: directory + "/cut.gz"))
    do {
      _ = try IDXFile(contentsOf: directory + "/cut.gz", expectedMagic: IDXFile.imageMagic)
      Issue.record("a truncated gzip file was accepted")
    } catch let error as DatasetError {
      guard case .badGzip(let path, _) = error else { Issue.record("unexpected error \(error)"); return }
      #expect(path.hasSuffix("cut.gz"))
    }
  }

  @Test func missingFileIsNamed() {
    #expect(throws: DatasetError.missingFile(path: "/nonexistent/idx", hint: "")) {
      try IDXFile(contentsOf: "/nonexistent/idx", expectedMagic: IDXFile.labelMagic)
    }
  }
}
