import Foundation

/// The training-code fingerprint: a digest of what the training modules' sources say, blind to
/// how they are laid out.
///
/// Every file is reduced to its tokens (comments dropped, whitespace dropped except where it
/// separates two words) and digested; the digests are sorted and digested once more. So editing a
/// comment, re-indenting, or moving or renaming a file leaves the fingerprint alone, while any
/// change to code (a literal, an operator, a call) changes it. Shipped results record the
/// fingerprint of the code that trained them: a different one makes them stale unless the ledger
/// of reproduced fingerprints lists it (`TrainingCode.reproduced`).
public enum SourceFingerprint {
  /// The modules whose sources can change what training computes.
  public static let trainingModules = [
    "CDNNL", "Datasets", "Engine", "Experiments", "Losses", "MarginMath", "Randomness", "Training",
  ]
  /// Files of those modules that training never runs: MarginMath's sphere geometry (drawing only).
  public static func isOutsideTraining(module: String, fileName: String) -> Bool {
    module == "MarginMath" && fileName.hasPrefix("Sphere")
  }
  /// The file kinds whose contents are code.
  public static let codeSuffixes = [".swift", ".h", ".c", ".modulemap"]

  /// The source files of the training modules under `sourcesDirectory` (`Sources/`), as paths.
  public static func trainingFiles(in sourcesDirectory: URL) throws -> [URL] {
    var files: [URL] = []
    for module in trainingModules {
      let directory = sourcesDirectory.appendingPathComponent(module)
      guard
        let enumerator = FileManager.default.enumerator(
          at: directory, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
      else { continue }
      for case let url as URL in enumerator where codeSuffixes.contains(where: url.lastPathComponent.hasSuffix) {
        guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
        if isOutsideTraining(module: module, fileName: url.lastPathComponent) { continue }
        files.append(url)
      }
    }
    return files
  }

  /// The fingerprint of `files` (any order): 16 hex digits.
  public static func fingerprint(of files: [URL]) throws -> String {
    let digests = try files.map { try digest(of: normalized(String(decoding: Data(contentsOf: $0), as: UTF8.self))) }
    return String(digest(of: digests.sorted().joined(separator: "\n")).prefix(16))
  }

  static func digest(of text: String) -> String { sha256Hex(Array(text.utf8)) }

  /// `source` without comments, without whitespace that separates nothing and without trailing
  /// commas before a closing bracket: string and character literals are kept verbatim (Swift's
  /// multi-line and raw strings included).
  public static func normalized(_ source: String) -> String {
    let characters = Array(source.unicodeScalars)
    var output = String.UnicodeScalarView()
    var index = 0
    var pendingSpace = false

    func isWord(_ c: Unicode.Scalar) -> Bool {
      c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "$" || c == "@" || c == "#" || c == "`"
    }
    var literalEnd = 0  // output position after the last literal, whose commas are its own
    func emit(_ c: Unicode.Scalar, literal: Bool = false) {
      if pendingSpace, let last = output.last, isWord(last), isWord(c) { output.append(" ") }
      pendingSpace = false
      // A trailing comma before a closing bracket is layout too (formatters add and remove it).
      if !literal, c == "]" || c == ")", output.count > literalEnd, output.last == "," { output.removeLast() }
      output.append(c)
      if literal { literalEnd = output.count }
    }
    func starts(_ text: String, at position: Int) -> Bool {
      let scalars = Array(text.unicodeScalars)
      guard position + scalars.count <= characters.count else { return false }
      return (0..<scalars.count).allSatisfy { characters[position + $0] == scalars[$0] }
    }

    while index < characters.count {
      let c = characters[index]
      if starts("//", at: index) {
        while index < characters.count, characters[index] != "\n" { index += 1 }
        pendingSpace = true
        continue
      }
      if starts("/*", at: index) {
        // Swift's block comments nest.
        var depth = 0
        repeat {
          if starts("/*", at: index) {
            depth += 1
            index += 2
          } else if starts("*/", at: index) {
            depth -= 1
            index += 2
          } else {
            index += 1
          }
        } while depth > 0 && index < characters.count
        pendingSpace = true
        continue
      }
      if c == " " || c == "\t" || c == "\n" || c == "\r" {
        pendingSpace = true
        index += 1
        continue
      }
      if c == "#" || c == "\"" {
        // A string literal: `#`s before the quote make it raw (escapes and the closing quote then
        // need as many `#`s after them); three quotes open a multi-line literal.
        var hashes = 0
        while index + hashes < characters.count, characters[index + hashes] == "#" { hashes += 1 }
        if index + hashes < characters.count, characters[index + hashes] == "\"" {
          let quote = starts("\"\"\"", at: index + hashes) ? "\"\"\"" : "\""
          let closing = quote + String(repeating: "#", count: hashes)
          let escape = "\\" + String(repeating: "#", count: hashes)
          var end = index + hashes + quote.unicodeScalars.count
          while end < characters.count, !starts(closing, at: end) {
            end += starts(escape, at: end) ? escape.unicodeScalars.count + 1 : 1
          }
          end = min(characters.count, end + closing.unicodeScalars.count)
          for position in index..<end { emit(characters[position], literal: true) }
          index = end
          continue
        }
      }
      if c == "'" {
        // A C character literal ('"' must not open a string).
        var end = index + 1
        while end < characters.count, characters[end] != "'", characters[end] != "\n" {
          end += characters[end] == "\\" ? 2 : 1
        }
        end = min(characters.count, end + 1)
        for position in index..<end { emit(characters[position], literal: true) }
        index = end
        continue
      }
      emit(c)
      index += 1
    }
    return String(output)
  }
}
