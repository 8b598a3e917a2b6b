import CairoGraphics

/// Errors from building or writing a figure.
public enum RenderError: Error, Equatable, CustomStringConvertible {
  /// Cairo (or the file system under it) failed; the wrapped error names the operation and path.
  case cairo(CairoError)
  case malformedCSV(line: Int, reason: String)
  case missingColumn(String, available: [String])
  /// The figure has no panels or a non-positive size.
  case emptyFigure(String)
  /// An input file (a run log, say) is missing or unreadable.
  case unreadableFile(path: String)

  public var description: String {
    switch self {
    case .cairo(let e): e.description
    case .malformedCSV(let line, let reason): "malformed CSV at line \(line): \(reason)"
    case .missingColumn(let name, let available): "no column '\(name)' (columns: \(available.joined(separator: ", ")))"
    case .emptyFigure(let why): "cannot render figure: \(why)"
    case .unreadableFile(let path): "\(path): missing or unreadable"
    }
  }
}
