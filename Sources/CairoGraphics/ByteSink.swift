import CCairo

/// Collects the bytes Cairo streams out (PNG, SVG, PDF) so the file can be written atomically
/// afterwards instead of being left half-written when something fails.
final class ByteSink {
  var bytes: [UInt8] = []

  /// The `closure` argument for Cairo's stream functions. The sink must outlive every call Cairo
  /// makes through it; the owning surface keeps a strong reference to guarantee that.
  var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

  /// Cairo's write callback: appends to the sink behind `closure`.
  static let write: cairo_write_func_t = { closure, data, length in
    guard let closure else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
    if let data, length > 0 {
      sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    }
    return CAIRO_STATUS_SUCCESS
  }
}
