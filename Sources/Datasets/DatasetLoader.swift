import FileFormats
import Foundation

/// A dataset read from its directory: both splits and a fingerprint of the files.
public struct LoadedDataset: Sendable {
  public let descriptor: DatasetDescriptor
  public let train: LabeledImages
  public let test: LabeledImages
  /// sha256 of each uncompressed IDX file, keyed by its standard name.
  public let fileChecksums: [String: String]

  /// One fingerprint for the whole dataset: sha256 over the four file checksums in a fixed
  /// order. Checkpoints record it so a figure can be traced to the exact data.
  public var checksum: String {
    let names = [Split.train, .test].flatMap { [$0.imagesFileName, $0.labelsFileName] }
    return Checksum.sha256(Array(names.map { fileChecksums[$0] ?? "" }.joined(separator: "\n").utf8))
  }

  public subscript(split: Split) -> LabeledImages { split == .train ? train : test }
}

public enum DatasetLoader {
  /// The path of `fileName` in `directory`, preferring the uncompressed file, then `.gz`.
  /// - Throws: `DatasetError.missingFile` with the descriptor's fetch hint.
  public static func locate(_ fileName: String, in descriptor: DatasetDescriptor) throws -> String {
    try copies(of: fileName, in: descriptor)[0]
  }

  /// The existing copies of `fileName`: the uncompressed file, the `.gz`, or both, in that order.
  static func copies(of fileName: String, in descriptor: DatasetDescriptor) throws -> [String] {
    let base = (descriptor.directory as NSString).appendingPathComponent(fileName)
    let found = [base, base + ".gz"].filter { FileBytes.exists($0) }
    guard !found.isEmpty else { throw DatasetError.missingFile(path: base + "[.gz]", hint: descriptor.fetchHint) }
    return found
  }

  /// Reads `fileName`, from whichever copy exists. When both the raw file and the `.gz` exist they
  /// must hold the same IDX data (then the raw one is named); different copies are an error, because
  /// which one a user meant cannot be guessed.
  static func readIDX(_ fileName: String, magic: UInt32, of descriptor: DatasetDescriptor) throws -> (IDXFile, String) {
    let paths = try copies(of: fileName, in: descriptor)
    let files = try paths.map { try IDXFile(contentsOf: $0, expectedMagic: magic) }
    if files.count == 2 && files[0] != files[1] {
      throw DatasetError.conflictingCopies(raw: paths[0], gzip: paths[1])
    }
    return (files[0], paths[0])
  }

  /// Reads and checks both splits of the dataset described by `descriptor`.
  ///
  /// Checks magic numbers, dimensions, lengths, image/label counts, label range, that both splits
  /// have images of one size, and (without class names) that every class 0...largest label has
  /// training images; checksums are computed here and compared by `verify`.
  public static func load(_ descriptor: DatasetDescriptor) throws -> LoadedDataset {
    var checksums: [String: String] = [:]
    let trainNames = try classNames(of: descriptor)
    let train = try loadSplit(.train, of: descriptor, classNames: trainNames, checksums: &checksums)
    let test = try loadSplit(.test, of: descriptor, classNames: train.classNames, checksums: &checksums)
    if (test.rows, test.columns) != (train.rows, train.columns) {
      throw DatasetError.badDimensions(
        path: try locate(Split.test.imagesFileName, in: descriptor),
        expected: "\(train.rows)x\(train.columns) images, the size of the training images",
        found: "\(test.rows)x\(test.columns)")
    }
    return LoadedDataset(descriptor: descriptor, train: train, test: test, fileChecksums: checksums)
  }

  /// The descriptor's class names or, for a plain IDX directory, `0...largest training label`,
  /// provided every one of those classes has training images (a stray label 200 among 0...9 is an
  /// error, not a 201-class dataset).
  static func classNames(of descriptor: DatasetDescriptor) throws -> [String] {
    guard descriptor.classNames.isEmpty else { return descriptor.classNames }
    let (labels, path) = try readIDX(Split.train.labelsFileName, magic: IDXFile.labelMagic, of: descriptor)
    var present = [Bool](repeating: false, count: 256)
    for label in labels.bytes { present[Int(label)] = true }
    let largest = Int(labels.bytes.max() ?? 0)
    let missing = (0...largest).filter { !present[$0] }
    guard missing.isEmpty else {
      throw DatasetError.undeclaredClasses(
        path: path, largestLabel: largest, missing: missing,
        classesFile: (descriptor.directory as NSString).appendingPathComponent("classes.txt"))
    }
    return (0...largest).map(String.init)
  }

  private static func loadSplit(
    _ split: Split, of descriptor: DatasetDescriptor, classNames: [String], checksums: inout [String: String]
  ) throws -> LabeledImages {
    let (images, imagesPath) = try readIDX(split.imagesFileName, magic: IDXFile.imageMagic, of: descriptor)
    let (labels, labelsPath) = try readIDX(split.labelsFileName, magic: IDXFile.labelMagic, of: descriptor)
    checksums[split.imagesFileName] = Checksum.sha256(images.encoded())
    checksums[split.labelsFileName] = Checksum.sha256(labels.encoded())
    return try LabeledImages(
      images: images, imagesPath: imagesPath, labels: labels, labelsPath: labelsPath, classNames: classNames)
  }

  /// Compares a loaded dataset with what its descriptor expects (checksums, counts, class histograms).
  /// - Returns: one line per problem; empty when everything matches.
  public static func problems(in dataset: LoadedDataset) -> [String] {
    var problems: [String] = []
    let descriptor = dataset.descriptor
    for (name, expected) in descriptor.fileChecksums.sorted(by: { $0.key < $1.key }) {
      let found = dataset.fileChecksums[name] ?? "(none)"
      if found != expected {
        problems.append(
          DatasetError.checksumMismatch(
            path: (descriptor.directory as NSString).appendingPathComponent(name), expected: expected, found: found
          ).description)
      }
    }
    for split in Split.allCases {
      guard let expected = descriptor.classHistograms[split] else { continue }
      let found = dataset[split].classHistogram
      if found != expected {
        problems.append("\(descriptor.name) \(split.rawValue): class histogram \(found), expected \(expected)")
      }
    }
    return problems
  }
}
