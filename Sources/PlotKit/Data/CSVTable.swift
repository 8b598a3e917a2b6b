import Foundation

/// Numeric columns read from a run log CSV (header row, then numbers), e.g.
/// `iteration,loss,accuracy,lambda`.
public struct CSVTable: Sendable {
  public let header: [String]
  public let rows: [[Double]]

  /// Parses `text`; blank lines are skipped and empty cells read as NaN.
  /// - Throws: ``RenderError/malformedCSV(line:reason:)`` for a missing header, a row with the
  ///   wrong number of cells or a cell that is not a number.
  public init(parsing text: String) throws {
    var lines = text.split(whereSeparator: \.isNewline).enumerated().filter {
      !$0.element.trimmingCharacters(in: .whitespaces).isEmpty
    }.makeIterator()
    guard let first = lines.next() else { throw RenderError.malformedCSV(line: 1, reason: "no header row") }
    header = first.element.split(separator: ",", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    var rows = [[Double]]()
    while let (index, line) = lines.next() {
      let cells = line.split(separator: ",", omittingEmptySubsequences: false)
      guard cells.count == header.count else {
        throw RenderError.malformedCSV(line: index + 1, reason: "\(cells.count) cells, header has \(header.count)")
      }
      rows.append(
        try cells.map { cell in
          let t = cell.trimmingCharacters(in: .whitespaces)
          if t.isEmpty { return .nan }
          guard let v = Double(t) else {
            throw RenderError.malformedCSV(line: index + 1, reason: "'\(t)' is not a number")
          }
          return v
        })
    }
    self.rows = rows
  }

  /// The values of column `name`.
  /// - Throws: ``RenderError/missingColumn(_:available:)``.
  public func column(_ name: String) throws -> [Double] {
    guard let i = header.firstIndex(of: name) else { throw RenderError.missingColumn(name, available: header) }
    return rows.map { $0[i] }
  }
}
