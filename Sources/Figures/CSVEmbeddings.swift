import CSV
import Checkpoints
import FileFormats
import Foundation

/// Embeddings as a CSV or TSV table, as pandas' `to_csv` writes it: a header row (quoted or not),
/// then one row per sample. Feature columns are `x`, `y` (`z`), `f0`, `f1`, …, or else every
/// numeric column that is not the label, the split or an index; the label column is `label`,
/// `labels`, `class`, `target`, `targets` or `y` (when there is no `x`), integers or strings; an
/// optional `split` column holds `train` or `test`. A first column with an empty name or
/// `Unnamed: 0` (pandas' index) is skipped. The columns become the same arrays an `.npz` holds.
enum CSVEmbeddings {
  static let labelColumns = ["label", "labels", "class", "target", "targets", "category", "y_true"]
  static let indexColumns = ["", "unnamed: 0", "index", "id"]

  /// - Parameters:
  ///   - featureColumns: comma-separated column names (`--features-key`), instead of the default rule.
  ///   - labelColumn: the label column's name (`--labels-key`).
  static func arrays(
    _ path: String, featureColumns requestedFeatures: String? = nil, labelColumn requestedLabel: String? = nil
  ) throws -> [String: NumpyArray] {
    // Not String(contentsOfFile:): Foundation leaks its 4 KiB read buffer on an empty file (FuzzEmbeddings).
    guard let bytes = try? FileBytes.read(path), var text = String(data: bytes, encoding: .utf8) else {
      throw EmbeddingError(path: path, reason: "missing or not UTF-8 text")
    }
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
    guard !text.allSatisfy(\.isWhitespace) else {
      throw EmbeddingError(path: path, reason: "empty file (expected a header row)")
    }
    let firstLine = text.prefix { !$0.isNewline }
    let lower = path.lowercased()
    let tab =
      lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") || (firstLine.contains("\t") && !firstLine.contains(","))
    let reader: CSVReader
    do {
      reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: true, delimiter: tab ? "\t" : ",")
    } catch {
      throw EmbeddingError(
        path: path, reason: "empty file or unreadable header row (expected a header such as x,y,label)")
    }
    guard let rawHeader = reader.headerRow, !(rawHeader.count == 1 && rawHeader[0].isEmpty) else {
      throw EmbeddingError(path: path, reason: "empty file (expected a header row)")
    }
    let header = rawHeader.map { $0.trimmingCharacters(in: .whitespaces) }
    let keys = header.map { $0.lowercased() }
    let shown = header.map { $0.isEmpty ? "(unnamed)" : $0 }.joined(separator: tab ? "\\t" : ",")

    var rows: [[String]] = []
    var line = 1
    while let row = reader.next() {
      line += 1
      if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
      guard row.count == header.count else {
        throw EmbeddingError(
          path: path,
          reason: "row \(rows.count + 1) (line \(line) or later) has \(row.count) cells, the header has \(header.count)"
        )
      }
      rows.append(row.map { $0.trimmingCharacters(in: .whitespaces) })
    }
    if reader.error != nil {
      throw EmbeddingError(
        path: path, reason: "is not well-formed \(tab ? "TSV" : "CSV") after row \(rows.count) (an unclosed quote?)")
    }

    func column(named name: String, option: String) throws -> Int {
      guard let c = header.firstIndex(of: name) ?? keys.firstIndex(of: name.lowercased()) else {
        throw EmbeddingError(path: path, array: name, reason: "no such column (\(option)); the header is \(shown)")
      }
      return c
    }
    let labelColumn: Int
    if let requestedLabel {
      labelColumn = try column(named: requestedLabel, option: "--labels-key")
    } else if let c = labelColumns.lazy.compactMap({ keys.firstIndex(of: $0) }).first
      ?? (keys.contains("x") ? nil : keys.firstIndex(of: "y"))
    {
      labelColumn = c
    } else {
      throw EmbeddingError(
        path: path, array: "label",
        reason: "needs a label column (label, class, target or y), or name it with --labels-key; the header is \(shown)"
      )
    }
    let splitColumn = keys.firstIndex(of: "split")
    let indexColumn = keys.first.map { indexColumns.contains($0) } == true ? 0 : nil

    func number(_ cell: String) -> Double? {
      switch cell.lowercased() {
      case "nan", "": return .nan
      case "inf", "+inf", "infinity": return .infinity
      case "-inf", "-infinity": return -.infinity
      default: return Double(cell)
      }
    }
    var featureColumns: [Int]
    if let requestedFeatures {
      featureColumns = try requestedFeatures.split(separator: ",").map {
        try column(named: $0.trimmingCharacters(in: .whitespaces), option: "--features-key")
      }
    } else if let x = keys.firstIndex(of: "x"), let y = keys.firstIndex(of: "y"), y != labelColumn {
      featureColumns = [x, y] + (keys.firstIndex(of: "z").map { [$0] } ?? [])
    } else {
      featureColumns = (0...).lazy.map { keys.firstIndex(of: "f\($0)") }.prefix { $0 != nil }.compactMap { $0 }
      if featureColumns.count < 2 {
        // pandas' DataFrame(features) names the columns 0, 1, …; any other numeric columns serve too.
        let excluded = Set([labelColumn, splitColumn, indexColumn].compactMap { $0 })
        featureColumns = header.indices.filter { c in
          !excluded.contains(c) && !rows.isEmpty && rows.allSatisfy { number($0[c]) != nil }
        }
      }
    }
    guard featureColumns.count >= 2 else {
      throw EmbeddingError(
        path: path, array: "features",
        reason:
          "needs at least two numeric feature columns (x, y; f0, f1, …; or name them with --features-key a,b); the header is \(shown)"
      )
    }

    var features: [Double] = []
    features.reserveCapacity(rows.count * featureColumns.count)
    for (r, row) in rows.enumerated() {
      for c in featureColumns {
        guard let v = number(row[c]) else {
          throw EmbeddingError(
            path: path, array: header[c], reason: "row \(r + 1): '\(row[c].prefix(40))' is not a number")
        }
        features.append(v)
      }
    }
    let labelCells = rows.map { $0[labelColumn] }
    var arrays: [String: NumpyArray] = [
      "features": NumpyArray(shape: [rows.count, featureColumns.count], values: .float64(features)),
      "csv": NumpyArray(shape: [0], values: .uint8([])),
    ]
    // Integer labels (pandas writes 3, or 3.0 for a float column) stay numbers; anything else names a class.
    let integers = labelCells.map {
      Int64($0) ?? Double($0).flatMap { $0 == $0.rounded() && abs($0) < 1e15 ? Int64($0) : nil }
    }
    if integers.allSatisfy({ $0 != nil }) {
      arrays["labels"] = NumpyArray(shape: [rows.count], values: .int64(integers.map { $0! }))
    } else {
      arrays["labels"] = NumpyArray(shape: [rows.count], values: .strings(labelCells))
    }
    if let s = splitColumn {
      let splits = rows.map { $0[s].lowercased() }
      if let bad = splits.firstIndex(where: { $0 != "train" && $0 != "test" }) {
        throw EmbeddingError(
          path: path, array: "split", reason: "row \(bad + 1): '\(splits[bad].prefix(40))' is neither train nor test")
      }
      arrays["split"] = NumpyArray(shape: [splits.count], values: .strings(splits))
    }
    return arrays
  }
}
