import Graphics2D

/// Errors from building or writing a figure.
public enum RenderError: Error, Equatable, CustomStringConvertible {
  case malformedCSV(line: Int, reason: String)
  case missingColumn(String, available: [String])
  /// The figure has no panels or a non-positive size.
  case emptyFigure(String)
  /// An input file (a run log, say) is missing or unreadable.
  case unreadableFile(path: String)

  public var description: String {
    switch self {
    case .malformedCSV(let line, let reason): "malformed CSV at line \(line): \(reason)"
    case .missingColumn(let name, let available): "no column '\(name)' (columns: \(available.joined(separator: ", ")))"
    case .emptyFigure(let why): "cannot render figure: \(why)"
    case .unreadableFile(let path): "\(path): missing or unreadable"
    }
  }
}
