import CCairo

/// An error reported by Cairo or by the file system while writing Cairo's output.
///
/// Cairo errors are sticky: once a surface or context enters an error state every later call is a
/// no-op, so the wrapper checks the status where it matters (creation, `finish`, writing files)
/// and turns it into this error. The description always says what was being done and, for file
/// operations, which path was involved.
public struct CairoError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The Cairo status code (mirrors `cairo_status_t`).
  public let code: Code
  /// What the wrapper was doing, e.g. "write PNG" or "create SVG surface".
  public let operation: String
  /// The file involved, if any.
  public let path: String?
  /// Extra detail, such as the `errno` text of a failed write.
  public let detail: String?

  public init(code: Code, operation: String, path: String? = nil, detail: String? = nil) {
    self.code = code
    self.operation = operation
    self.path = path
    self.detail = detail
  }

  init(status: cairo_status_t, operation: String, path: String? = nil) {
    self.init(code: Code(status), operation: operation, path: path)
  }

  public var description: String {
    var text = "cairo: \(operation) failed"
    if let path { text += " for '\(path)'" }
    text += ": \(code.message)"
    if let detail { text += " (\(detail))" }
    return text
  }

  /// Mirrors `cairo_status_t` (cairo 1.16); the raw values are Cairo's.
  public enum Code: UInt32, Sendable, CaseIterable {
    case noMemory = 1, invalidRestore, invalidPopGroup, noCurrentPoint, invalidMatrix, invalidStatus
    case nullPointer, invalidString, invalidPathData, readError, writeError, surfaceFinished
    case surfaceTypeMismatch, patternTypeMismatch, invalidContent, invalidFormat, invalidVisual
    case fileNotFound, invalidDash, invalidDSCComment, invalidIndex, clipNotRepresentable
    case tempFileError, invalidStride, fontTypeMismatch, userFontImmutable, userFontError
    case negativeCount, invalidClusters, invalidSlant, invalidWeight, invalidSize
    case userFontNotImplemented, deviceTypeMismatch, deviceError, invalidMeshConstruction
    case deviceFinished, jbig2GlobalMissing, pngError, freetypeError, win32GDIError, tagError

    /// Maps a C status; a status newer than this table becomes `.invalidStatus`, which is what
    /// Cairo itself reports for values it does not know.
    init(_ status: cairo_status_t) {
      self = Code(rawValue: status.rawValue) ?? .invalidStatus
    }

    /// Cairo's own wording, from `cairo_status_to_string`.
    public var message: String {
      String(cString: cairo_status_to_string(cairo_status_t(rawValue: rawValue)))
    }
  }
}

extension cairo_status_t {
  /// Throws unless the status is `CAIRO_STATUS_SUCCESS`.
  func check(_ operation: String, path: String? = nil) throws(CairoError) {
    guard self == CAIRO_STATUS_SUCCESS else {
      throw CairoError(status: self, operation: operation, path: path)
    }
  }
}
