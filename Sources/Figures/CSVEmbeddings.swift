import Checkpoints
import FileFormats
import Foundation

/// Embeddings as a CSV table: a header row, then one row per feature. Feature columns are `x`,
/// `y` (`z`) or `f0`, `f1`, …; `label` holds the class index; an optional `split` column holds
/// `train` or `test`. The columns become the same arrays an `.npz` holds.
enum CSVEmbeddings {
  static func arrays(_ path: String) throws -> [String: NumpyArray] {
    // Not String(contentsOfFile:): Foundation leaks its 4 KiB read buffer on an empty file (FuzzEmbeddings).
    guard let bytes = try? FileBytes.read(path), let text = String(data: bytes, encoding: .utf8) else {
      throw EmbeddingError(path: path, reason: "missing or not UTF-8 text")
    }
    var lines = text.split(whereSeparator: \.isNewline).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.makeIterator()
    guard let headerLine = lines.next() else { throw EmbeddingError(path: path, reason: "empty file (expected a header row)") }
    let header = headerLine.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    let featureColumns: [Int]
    if let x = header.firstIndex(of: "x"), let y = header.firstIndex(of: "y") {
      featureColumns = [x, y] + (header.firstIndex(of: "z").map { [$0] } ?? [])
    } else {
      featureColumns = (0...).lazy.map { header.firstIndex(of: "f\($0)") }.prefix { $0 != nil }.compactMap { $0 }
    }
    guard featureColumns.count >= 2 else {
      throw EmbeddingError(path: path, array: "features", reason: "needs columns x, y (or f0, f1, …); header is \(header.joined(separator: ","))")
    }
    guard let labelColumn = header.firstIndex(of: "label") else {
      throw EmbeddingError(path: path, array: "label", reason: "needs a 'label' column; header is \(header.joined(separator: ","))")
    }
    let splitColumn = header.firstIndex(of: "split")
    var features: [Double] = [], labels: [Int64] = [], splits: [String] = []
    var row = 1
    while let line = lines.next() {
      row += 1
      let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
      guard cells.count == header.count else {
        throw EmbeddingError(path: path, reason: "line \(row) has \(cells.count) cells, the header has \(header.count)")
      }
      for c in featureColumns {
        let cell = cells[c].lowercased()
        guard let v = Double(cell) ?? (cell == "nan" ? .nan : cell == "inf" ? .infinity : cell == "-inf" ? -.infinity : nil) else {
          throw EmbeddingError(path: path, array: header[c], reason: "line \(row): '\(cells[c])' is not a number")
        }
        features.append(v)
      }
      guard let label = Int64(cells[labelColumn]) else {
        throw EmbeddingError(path: path, array: "label", reason: "line \(row): '\(cells[labelColumn])' is not an integer label")
      }
      labels.append(label)
      if let s = splitColumn { splits.append(cells[s].lowercased()) }
    }
    var arrays: [String: NumpyArray] = [
      "features": NumpyArray(shape: [labels.count, featureColumns.count], values: .float64(features)),
      "labels": NumpyArray(shape: [labels.count], values: .int64(labels)),
    ]
    if splitColumn != nil {
      if let bad = splits.firstIndex(where: { $0 != "train" && $0 != "test" }) {
        throw EmbeddingError(path: path, array: "split", reason: "line \(bad + 2): '\(splits[bad])' is neither train nor test")
      }
      arrays["split"] = NumpyArray(shape: [splits.count], values: .strings(splits))
    }
    return arrays
  }
}
