import Randomness

/// Greyscale images paired with their class labels: one split of a dataset.
public struct LabeledImages: Equatable, Sendable {
  /// Pixels 0...255, `count x rows x columns`, row-major.
  public let pixels: [UInt8]
  public let labels: [UInt8]
  public let rows: Int
  public let columns: Int
  /// Display names of the classes, indexed by label.
  public let classNames: [String]

  public init(pixels: [UInt8], labels: [UInt8], rows: Int, columns: Int, classNames: [String]) {
    precondition(
      pixels.count == labels.count * rows * columns, "pixels do not match \(labels.count) images of \(rows)x\(columns)")
    precondition(labels.allSatisfy { Int($0) < classNames.count }, "a label is outside 0..<\(classNames.count)")
    self.pixels = pixels
    self.labels = labels
    self.rows = rows
    self.columns = columns
    self.classNames = classNames
  }

  public var count: Int { labels.count }
  public var classCount: Int { classNames.count }
  public var imageSize: Int { rows * columns }

  /// Pairs an image file with a label file, checking that the counts agree and every label is a class.
  public init(images: IDXFile, imagesPath: String, labels: IDXFile, labelsPath: String, classNames: [String]) throws {
    guard images.dimensions.count == 3 else {
      throw DatasetError.badDimensions(
        path: imagesPath, expected: "3 (count, rows, columns)", found: "\(images.dimensions.count)")
    }
    guard labels.dimensions.count == 1 else {
      throw DatasetError.badDimensions(path: labelsPath, expected: "1 (count)", found: "\(labels.dimensions.count)")
    }
    guard images.dimensions[0] == labels.dimensions[0] else {
      throw DatasetError.countMismatch(
        images: imagesPath, imageCount: images.dimensions[0], labels: labelsPath, labelCount: labels.dimensions[0])
    }
    if let bad = labels.bytes.firstIndex(where: { Int($0) >= classNames.count }) {
      throw DatasetError.badLabel(
        path: labelsPath, index: bad, label: Int(labels.bytes[bad]), classCount: classNames.count)
    }
    self.init(
      pixels: images.bytes, labels: labels.bytes, rows: images.dimensions[1], columns: images.dimensions[2],
      classNames: classNames)
  }

  /// How many images each class has, indexed by label.
  public var classHistogram: [Int] {
    var counts = [Int](repeating: 0, count: classCount)
    for label in labels { counts[Int(label)] += 1 }
    return counts
  }

  /// The images at `indices`, in that order.
  public func selecting(_ indices: [Int]) -> LabeledImages {
    var pixels = [UInt8]()
    pixels.reserveCapacity(indices.count * imageSize)
    for index in indices { pixels.append(contentsOf: self.pixels[(index * imageSize)..<((index + 1) * imageSize)]) }
    return LabeledImages(
      pixels: pixels, labels: indices.map { labels[$0] }, rows: rows, columns: columns, classNames: classNames)
  }

  /// Only the images of `classes`, relabelled 0..<classes.count in the order given
  /// (two digits for SphereFace's binary figure, say).
  /// - Throws: `DatasetError.invalidSelection` for an unknown or repeated class.
  public func restricted(to classes: [Int]) throws -> LabeledImages {
    guard !classes.isEmpty else { throw DatasetError.invalidSelection(reason: "the class list is empty") }
    guard Set(classes).count == classes.count else {
      throw DatasetError.invalidSelection(reason: "classes \(classes) repeat a class")
    }
    if let bad = classes.first(where: { $0 < 0 || $0 >= classCount }) {
      throw DatasetError.invalidSelection(reason: "class \(bad) is outside 0..<\(classCount)")
    }
    var newLabel = [Int](repeating: -1, count: classCount)
    for (position, original) in classes.enumerated() { newLabel[original] = position }
    let kept = labels.indices.filter { newLabel[Int(labels[$0])] >= 0 }
    let selected = selecting(kept)
    return LabeledImages(
      pixels: selected.pixels, labels: selected.labels.map { UInt8(newLabel[Int($0)]) }, rows: rows, columns: columns,
      classNames: classes.map { classNames[$0] })
  }

  /// At most `caps[c]` images of each class `c` named in `caps` (others untouched),
  /// chosen by a seeded shuffle so the subset is reproducible and not biased to the file's order.
  /// - Throws: `DatasetError.invalidSelection` for a negative cap or unknown class.
  public func capped(perClass caps: [Int: Int], seed: UInt64) throws -> LabeledImages {
    for (label, cap) in caps {
      guard label >= 0 && label < classCount else {
        throw DatasetError.invalidSelection(reason: "capped class \(label) is outside 0..<\(classCount)")
      }
      guard cap >= 0 else {
        throw DatasetError.invalidSelection(reason: "cap for class \(label) is \(cap); expected >= 0")
      }
    }
    var generator = SeededGenerator(seed: seed)
    let order = seededPermutation(count: count, using: &generator)
    var taken = [Int](repeating: 0, count: classCount)
    var kept: [Int] = []
    for index in order {
      let label = Int(labels[index])
      if let cap = caps[label], taken[label] >= cap { continue }
      taken[label] += 1
      kept.append(index)
    }
    // Keep the file's order among the kept images so batches stay mixed as before.
    return selecting(kept.sorted())
  }
}
