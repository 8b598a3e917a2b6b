import CCairo

/// A Cairo surface: the target that a ``Context`` draws on.
///
/// Each instance owns one `cairo_surface_t` and destroys it in `deinit`. Concrete kinds are
/// ``ImageSurface`` (pixels, PNG), ``SVGSurface`` and ``PDFSurface``. Surfaces are not `Sendable`:
/// Cairo objects must be used from one thread at a time.
public class Surface {
  let handle: OpaquePointer
  private let token = LiveHandle()
  /// Keeps the stream sink alive as long as Cairo may write into it.
  let sink: ByteSink?

  /// Takes ownership of `handle`, destroying it and throwing if Cairo reports an error.
  init(adopting handle: OpaquePointer?, sink: ByteSink? = nil, operation: String, path: String? = nil)
    throws(CairoError)
  {
    guard let handle else {
      throw CairoError(code: .nullPointer, operation: operation, path: path)
    }
    let status = cairo_surface_status(handle)
    guard status == CAIRO_STATUS_SUCCESS else {
      cairo_surface_destroy(handle)
      throw CairoError(status: status, operation: operation, path: path)
    }
    self.handle = handle
    self.sink = sink
  }

  deinit {
    cairo_surface_destroy(handle)
  }

  /// Throws if the surface is in an error state (Cairo errors are sticky).
  public func checkStatus(_ operation: String) throws(CairoError) {
    try cairo_surface_status(handle).check(operation)
  }

  /// Completes pending drawing so the surface's pixels or bytes are up to date.
  public func flush() {
    cairo_surface_flush(handle)
  }

  /// Finishes the surface: vector surfaces emit their last bytes; no drawing is possible after.
  /// - Throws: ``CairoError`` if any earlier drawing or the output stream failed.
  public func finish() throws(CairoError) {
    cairo_surface_finish(handle)
    try checkStatus("finish surface")
  }
}
