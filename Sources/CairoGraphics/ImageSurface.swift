import CCairo
import FileFormats

/// An in-memory ARGB32 raster surface; it can be written as PNG and read back pixel by pixel.
public final class ImageSurface: Surface {
  /// Width in pixels.
  public let width: Int
  /// Height in pixels.
  public let height: Int

  /// A transparent ARGB32 image of `width` × `height` pixels.
  public init(width: Int, height: Int) throws(CairoError) {
    guard width > 0, height > 0 else {
      throw CairoError(code: .invalidSize, operation: "create image surface", detail: "\(width)x\(height) pixels")
    }
    let handle = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))
    self.width = width
    self.height = height
    try super.init(adopting: handle, operation: "create image surface")
  }

  /// Decodes a PNG file through `cairo_image_surface_create_from_png`.
  /// - Throws: ``CairoError`` naming `path` (`.fileNotFound`, `.readError`, `.pngError`, ...).
  public init(contentsOfPNG path: String) throws(CairoError) {
    let handle = cairo_image_surface_create_from_png(path)
    let status = handle.map { cairo_surface_status($0) } ?? CAIRO_STATUS_NULL_POINTER
    if let handle, status != CAIRO_STATUS_SUCCESS {
      cairo_surface_destroy(handle)
    }
    guard let handle, status == CAIRO_STATUS_SUCCESS else {
      throw CairoError(status: status, operation: "read PNG", path: path)
    }
    width = Int(cairo_image_surface_get_width(handle))
    height = Int(cairo_image_surface_get_height(handle))
    // Ensure the decoded image is ARGB32 so pixel access has one layout; RGB24 converts losslessly.
    let format = cairo_image_surface_get_format(handle)
    guard format == CAIRO_FORMAT_ARGB32 || format == CAIRO_FORMAT_RGB24 else {
      cairo_surface_destroy(handle)
      throw CairoError(code: .invalidFormat, operation: "read PNG", path: path, detail: "unsupported pixel format")
    }
    try super.init(adopting: handle, operation: "read PNG", path: path)
    isOpaqueFormat = format == CAIRO_FORMAT_RGB24
  }

  /// An image initialised from premultiplied `0xAARRGGBB` words, row-major, `width` per row.
  ///
  /// This is how a point layer rasterised in plain Swift buffers enters Cairo.
  public convenience init(width: Int, height: Int, premultipliedARGB pixels: [UInt32]) throws(CairoError) {
    guard pixels.count == width * height else {
      throw CairoError(
        code: .invalidStride, operation: "create image surface",
        detail: "\(pixels.count) pixels for \(width)x\(height)")
    }
    try self.init(width: width, height: height)
    flush()
    let stride = Int(cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, Int32(width)))
    guard let data = cairo_image_surface_get_data(handle) else {
      throw CairoError(code: .nullPointer, operation: "create image surface")
    }
    pixels.withUnsafeBytes { source in
      guard let base = source.baseAddress else { return }
      for row in 0..<height {
        UnsafeMutableRawPointer(data + row * stride).copyMemory(from: base + row * width * 4, byteCount: width * 4)
      }
    }
    cairo_surface_mark_dirty(handle)
  }

  private var isOpaqueFormat = false

  /// All pixels as premultiplied native-endian `0xAARRGGBB` words, row-major.
  public func premultipliedARGB() -> [UInt32] {
    flush()
    guard let data = cairo_image_surface_get_data(handle) else { return [] }
    let stride = Int(cairo_image_surface_get_stride(handle))
    var result = [UInt32](repeating: 0, count: width * height)
    result.withUnsafeMutableBufferPointer { target in
      for row in 0..<height {
        let source = UnsafeRawPointer(data + row * stride).assumingMemoryBound(to: UInt32.self)
        for column in 0..<width {
          let word = source[column]
          target[row * width + column] = isOpaqueFormat ? (word | 0xFF00_0000) : word
        }
      }
    }
    return result
  }

  /// Straight (un-premultiplied) RGBA bytes of a `width` × `height` window at the top left, in one pass
  /// over Cairo's data: cropped where the image is larger, padded with opaque white where it is smaller
  /// (what an animation frame needs when a layout comes out a pixel different).
  public func straightRGBA(width w: Int, height h: Int) -> [UInt8] {
    flush()
    var out = [UInt8](repeating: 255, count: w * h * 4)
    guard let data = cairo_image_surface_get_data(handle) else { return out }
    let stride = Int(cairo_image_surface_get_stride(handle))
    let opaque = isOpaqueFormat
    out.withUnsafeMutableBufferPointer { target in
      for row in 0..<min(h, height) {
        let source = UnsafeRawPointer(data + row * stride).assumingMemoryBound(to: UInt32.self)
        var o = row * w * 4
        for column in 0..<min(w, width) {
          let word = source[column]
          let a = opaque ? 255 : word >> 24
          var r = (word >> 16) & 0xFF, g = (word >> 8) & 0xFF, b = word & 0xFF
          if a != 255 && a != 0 {
            r = min(255, (r * 255 + a / 2) / a)
            g = min(255, (g * 255 + a / 2) / a)
            b = min(255, (b * 255 + a / 2) / a)
          }
          target[o] = UInt8(r)
          target[o + 1] = UInt8(g)
          target[o + 2] = UInt8(b)
          target[o + 3] = UInt8(a)
          o += 4
        }
      }
    }
    return out
  }

  /// The pixel at column `x`, row `y` (row 0 at the top), or `nil` outside the image.
  public func pixel(x: Int, y: Int) -> Pixel? {
    guard x >= 0, y >= 0, x < width, y < height else { return nil }
    flush()
    guard let data = cairo_image_surface_get_data(handle) else { return nil }
    let stride = Int(cairo_image_surface_get_stride(handle))
    let word = UnsafeRawPointer(data + y * stride).load(fromByteOffset: x * 4, as: UInt32.self)
    return Pixel(premultipliedARGB: isOpaqueFormat ? (word | 0xFF00_0000) : word)
  }

  /// The image encoded as PNG bytes.
  public func pngData() throws(CairoError) -> [UInt8] {
    let sink = ByteSink()
    flush()
    let status = cairo_surface_write_to_png_stream(handle, ByteSink.write, sink.opaque)
    try status.check("encode PNG")
    return withExtendedLifetime(sink) { sink.bytes }
  }

  /// The image as PNG bytes carrying a pHYs chunk for `dotsPerInch`, so word processors and viewers
  /// place it at its intended size (Cairo writes none: a 300 dpi figure would land at 72 or 96 dpi).
  public func pngData(dotsPerInch: Double) throws(CairoError) -> [UInt8] {
    var bytes = try pngData()
    // The 8-byte signature, then IHDR (4 length + 4 type + 13 data + 4 CRC): pHYs must precede IDAT.
    let afterHeader = 8 + 25
    guard bytes.count > afterHeader, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return bytes }
    let perMetre = UInt32((dotsPerInch / 0.0254).rounded())
    var chunk = Array("pHYs".utf8)
    for value in [perMetre, perMetre] { chunk += withUnsafeBytes(of: value.bigEndian, Array.init) }
    chunk.append(1)  // unit: metre
    var encoded = withUnsafeBytes(of: UInt32(9).bigEndian, Array.init) + chunk
    encoded += withUnsafeBytes(of: Checksum.crc32(chunk).bigEndian, Array.init)
    bytes.insert(contentsOf: encoded, at: afterHeader)
    return bytes
  }

  /// Encodes the image as PNG with its resolution and writes it atomically to `path`.
  public func writePNG(to path: String, dotsPerInch: Double) throws(CairoError) {
    let bytes: [UInt8]
    do {
      bytes = try pngData(dotsPerInch: dotsPerInch)
    } catch {
      throw CairoError(code: error.code, operation: "write PNG", path: path, detail: error.detail)
    }
    try FileOutput.write(bytes, to: path)
  }

  /// Encodes the image as PNG and writes it atomically to `path`.
  /// - Throws: ``CairoError`` naming `path` if encoding or writing fails; no file is left behind.
  public func writePNG(to path: String) throws(CairoError) {
    let bytes: [UInt8]
    do {
      bytes = try pngData()
    } catch {
      throw CairoError(code: error.code, operation: "write PNG", path: path, detail: error.detail)
    }
    try FileOutput.write(bytes, to: path)
  }
}
