import EmbeddingAnalysis
import FileFormats
import Foundation

/// Turns a file (and its labels and weights) into `margins analyze`'s input: a `.npy` features
/// file is mapped, never read whole (with its `.npy` labels, and class weights mapped too); every
/// other file goes through ``EmbeddingReader``. The classes are the class-weight rows when there are
/// weights, otherwise the labels present (a file labelled 3 and 8 has two classes, not nine).
public enum AnalysisInputReader {
  /// The analysis input of `path`, and what the reader did on the user's behalf (notes to show).
  /// `options.labelsPath` names a `.npy` features file's labels; `classWeightsPath` and
  /// `classNamesPath` apply to every kind of file.
  /// - Throws: `AnalysisError` or `EmbeddingError` naming the file and the array.
  public static func read(_ path: String, options: EmbeddingReader.Options) throws -> (
    input: AnalysisInput, notes: [String]
  ) {
    let classWeights = options.classWeightsPath
    if path.lowercased().hasSuffix(".npy") {
      guard let labelsPath = options.labelsPath else {
        throw AnalysisError(
          path: path, reason: "a .npy holds only features; give their labels with --labels LABELS.npy")
      }
      let features = try MappedFeatures(try MappedNumpyArray(path: path), name: "features")
      let labelArray = try MappedNumpyArray(path: labelsPath)
      guard labelArray.shape == [features.rowCount] else {
        throw AnalysisError(
          path: labelsPath, array: "labels",
          reason: "has shape \(labelArray.shape); expected [\(features.rowCount)] (one label per row of \(path))")
      }
      let raw = try labelArray.integers()
      let weights = try classWeights.map { try weightValues($0, dimension: features.dimension) }
      var names: [String]?
      if let namesPath = options.classNamesPath {
        let text = try String(decoding: FileBytes.read(namesPath), as: UTF8.self)
        names = text.split(whereSeparator: \.isNewline).map(String.init)
      }
      let input = try assemble(
        path: path, dimension: features.dimension,
        splits: [("all", features, raw, "features", "labels (\(labelsPath))")],
        weights: weights, names: names, epoch: nil, weightsArray: classWeights ?? "class_weights")
      return (input, [])
    }
    let e = try EmbeddingReader.read(path, options: options)
    var notes = e.notes
    if e.droppedNonfinite > 0 { notes.append("dropped \(e.droppedNonfinite) rows with NaN or infinite features") }
    let splits = e.splits.map { s -> (String, any FeatureRows, [Int], String, String) in
      let prefix = e.splits.count > 1 || ["train", "test"].contains(s.name) && e.metadata != nil ? "\(s.name)_" : ""
      let featuresArray = e.splits.count > 1 ? "\(prefix)features" : "features"
      return (
        s.name, InMemoryFeatures(s.features, dimension: e.dimension), s.labels, featuresArray,
        featuresArray.replacingOccurrences(of: "features", with: "labels")
      )
    }
    let input = try assemble(
      path: path, dimension: e.dimension, splits: splits, weights: e.classWeights.map { $0.map(Double.init) },
      names: e.classNames,
      epoch: e.epoch, weightsArray: classWeights ?? "class_weights")
    return (input, notes)
  }

  static func weightValues(_ path: String, dimension d: Int) throws -> [Double] {
    let w = try MappedNumpyArray(path: path)
    guard w.shape.count == 2, w.shape[1] == d, w.scalar.isFloatingPoint else {
      throw AnalysisError(
        path: path, array: "class_weights", reason: "has shape \(w.shape) of \(w.descriptor); expected [C, \(d)] floats"
      )
    }
    if w.scalar == .float64, let p = w.payload {
      return (0..<w.count).map { p.loadUnaligned(fromByteOffset: 8 * $0, as: Double.self) }
    }
    var floats = [Float](repeating: 0, count: w.count)
    floats.withUnsafeMutableBufferPointer { w.copyFloats(0..<w.count, into: $0.baseAddress!) }
    return floats.map(Double.init)
  }

  /// With class weights the classes are their rows; without, the labels present in the file (so a
  /// file labelled 3 and 8 has two classes, not nine).
  static func assemble(
    path: String, dimension d: Int, splits: [(String, any FeatureRows, [Int], String, String)], weights: [Double]?,
    names: [String]?,
    epoch: Int?, weightsArray: String
  ) throws -> AnalysisInput {
    var classOf: [Int: Int32] = [:]
    var classNames: [String]
    if let weights {
      let c = weights.count / d
      classNames = names?.count == c ? names! : (0..<c).map(String.init)
      for k in 0..<c { classOf[k] = Int32(k) }
      for (name, _, labels, _, labelsArray) in splits {
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= c }) {
          throw AnalysisError(
            path: path, array: labelsArray,
            reason: "holds label \(labels[bad]) at row \(bad) of the \(name) split, but \(weightsArray) has \(c) rows")
        }
      }
    } else {
      let present = Set(splits.flatMap(\.2)).sorted()
      classNames = present.map { label in
        names.flatMap { label >= 0 && label < $0.count ? $0[label] : nil } ?? String(label)
      }
      for (k, label) in present.enumerated() { classOf[label] = Int32(k) }
    }
    let mapped = splits.map { name, features, labels, featuresArray, labelsArray in
      LabelledSplit(
        name: name, features: features, labels: labels.map { classOf[$0]! }, featuresArray: featuresArray,
        labelsArray: labelsArray)
    }
    return AnalysisInput(
      path: path, dimension: d, splits: mapped, classWeights: weights, classNames: classNames, epoch: epoch,
      weightsArray: weightsArray)
  }
}
