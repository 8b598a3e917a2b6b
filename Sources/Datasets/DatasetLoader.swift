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
    return SHA256.hexDigest(of: Array(names.map { fileChecksums[$0] ?? "" }.joined(separator: "\n").utf8))
  }

  public subscript(split: Split) -> LabeledImages { split == .train ? train : test }
}

public enum DatasetLoader {
  /// The path of `fileName` in `directory`, preferring the uncompressed file, then `.gz`.
  /// - Throws: `DatasetError.missingFile` with the descriptor's fetch hint.
  public static func locate(_ fileName: String, in descriptor: DatasetDescriptor) throws -> String {
    let base = (descriptor.directory as NSString).appendingPathComponent(fileName)
    for candidate in [base, base + ".gz"] where FileManager.default.fileExists(atPath: candidate) {
      return candidate
    }
    throw DatasetError.missingFile(path: base + "[.gz]", hint: descriptor.fetchHint)
  }

  /// Reads and checks both splits of the dataset described by `descriptor`.
  ///
  /// Checks magic numbers, dimensions, lengths, image/label counts and label range;
  /// checksums are computed here and compared by `verify`.
  public static func load(_ descriptor: DatasetDescriptor) throws -> LoadedDataset {
    var checksums: [String: String] = [:]
    let train = try loadSplit(.train, of: descriptor, classNames: descriptor.classNames, checksums: &checksums)
    let test = try loadSplit(.test, of: descriptor, classNames: train.classNames, checksums: &checksums)
    return LoadedDataset(descriptor: descriptor, train: train, test: test, fileChecksums: checksums)
  }

  private static func loadSplit(
    _ split: Split, of descriptor: DatasetDescriptor, classNames: [String], checksums: inout [String: String]
  ) throws -> LabeledImages {
    let imagesPath = try locate(split.imagesFileName, in: descriptor)
    let labelsPath = try locate(split.labelsFileName, in: descriptor)
    let images = try IDXFile(contentsOf: imagesPath, expectedMagic: IDXFile.imageMagic)
    let labels = try IDXFile(contentsOf: labelsPath, expectedMagic: IDXFile.labelMagic)
    checksums[split.imagesFileName] = SHA256.hexDigest(of: images.encoded())
    checksums[split.labelsFileName] = SHA256.hexDigest(of: labels.encoded())
    // A plain IDX directory: as many classes as the largest training label says.
    let names = classNames.isEmpty ? (0...Int(labels.bytes.max() ?? 0)).map(String.init) : classNames
    return try LabeledImages(
      images: images, imagesPath: imagesPath, labels: labels, labelsPath: labelsPath, classNames: names)
  }

  /// Compares a loaded dataset with what its descriptor expects (checksums, counts, class histograms).
  /// - Returns: one line per problem; empty when everything matches.
  public static func problems(in dataset: LoadedDataset) -> [String] {
    var problems: [String] = []
    let descriptor = dataset.descriptor
    for (name, expected) in descriptor.fileChecksums.sorted(by: { $0.key < $1.key }) {
      let found = dataset.fileChecksums[name] ?? "(none)"
      if found != expected {
        problems.append(DatasetError.checksumMismatch(path: (descriptor.directory as NSString).appendingPathComponent(name), expected: expected, found: found).description)
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
