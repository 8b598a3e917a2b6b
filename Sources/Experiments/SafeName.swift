/// The rule for names that become path components (experiment and run names): a letter or digit,
/// then letters, digits, `.`, `_` or `-`, at most 100 characters, never `..`. So a name read from a
/// file can neither climb out of the runs directory nor name a hidden file or an option.
public enum SafeName {
  public static let maximumLength = 100

  /// Why `name` is not a safe path component, or nil when it is.
  public static func problem(with name: String) -> String? {
    guard let first = name.unicodeScalars.first else { return "a name must not be empty" }
    guard name.unicodeScalars.count <= maximumLength else {
      return "a name must be at most \(maximumLength) characters"
    }
    func isAlphanumeric(_ c: Unicode.Scalar) -> Bool {
      c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c))
    }
    guard isAlphanumeric(first) else { return "a name must start with a letter or digit (found '\(first)')" }
    if let bad = name.unicodeScalars.first(where: { !isAlphanumeric($0) && !"._-".unicodeScalars.contains($0) }) {
      return "'\(bad.escaped(asASCII: true))' is not allowed in a name (letters, digits, '.', '_' and '-' are)"
    }
    if name.contains("..") { return "a name must not contain '..'" }
    return nil
  }
}
