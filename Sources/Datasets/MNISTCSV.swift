import Foundation

/// Converts MNIST as shipped in CSV form (`label,1x1,...,28x28` header, one image per
/// row, pixel values 0...255) into the standard pair of IDX files.
public enum MNISTCSV {
  /// Parses CSV bytes into (images, labels) IDX files of `rows` x `columns` images.
  /// - Parameter path: names the source in errors (line numbers are 1-based, header included).
  public static func idxFiles(fromCSV data: Data, rows: Int = 28, columns: Int = 28, path: String) throws -> (
    images: IDXFile, labels: IDXFile
  ) {
    let fields = 1 + rows * columns
    var pixels: [UInt8] = []
    var labels: [UInt8] = []
    pixels.reserveCapacity(data.count / 3)
    try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
      let bytes = raw.bindMemory(to: UInt8.self)
      var position = 0
      var line = 1
      // The header row names the columns; check it is the expected layout, then skip it.
      guard let headerEnd = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
        throw DatasetError.badCSV(path: path, line: 1, reason: "no header row")
      }
      let header = String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<headerEnd]), as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
      let headerFields = header.split(separator: ",")
      guard headerFields.count == fields, headerFields.first == "label" else {
        throw DatasetError.badCSV(
          path: path, line: 1,
          reason:
            "expected a header 'label,1x1,...,\(rows)x\(columns)' of \(fields) fields, found \(headerFields.count) fields"
        )
      }
      position = headerEnd + 1
      while position < bytes.count {
        line += 1
        var field = 0
        var value = 0
        var digits = 0
        var rowPixels = [UInt8](repeating: 0, count: fields)
        while position < bytes.count {
          let byte = bytes[position]
          position += 1
          if byte >= 48 && byte <= 57 {
            value = value * 10 + Int(byte - 48)
            digits += 1
            if value > 255 {
              throw DatasetError.badCSV(path: path, line: line, reason: "field \(field + 1) exceeds 255")
            }
          } else if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\n") {
            guard digits > 0 else {
              throw DatasetError.badCSV(path: path, line: line, reason: "field \(field + 1) is empty")
            }
            guard field < fields else {
              throw DatasetError.badCSV(path: path, line: line, reason: "more than \(fields) fields")
            }
            rowPixels[field] = UInt8(value)
            field += 1
            value = 0
            digits = 0
            if byte == UInt8(ascii: "\n") { break }
          } else if byte == UInt8(ascii: "\r") {
            continue
          } else {
            throw DatasetError.badCSV(
              path: path, line: line, reason: "unexpected character \(Character(UnicodeScalar(byte)))")
          }
        }
        // A final row without a newline.
        if digits > 0 && field < fields {
          rowPixels[field] = UInt8(value)
          field += 1
        }
        if field == 0 { continue }  // a trailing blank line
        guard field == fields else {
          throw DatasetError.badCSV(path: path, line: line, reason: "expected \(fields) fields, found \(field)")
        }
        labels.append(rowPixels[0])
        pixels.append(contentsOf: rowPixels[1...])
      }
    }
    let count = labels.count
    return (
      IDXFile(dimensions: [count, rows, columns], bytes: pixels),
      IDXFile(dimensions: [count], bytes: labels)
    )
  }
}
