import CCairo

/// A vector surface (SVG or PDF) whose output is collected in memory and written only when
/// finished, so a failed render never leaves a partial file. Sizes are in points (1/72 inch).
public class VectorSurface: Surface {
  /// Page width in points.
  public let widthInPoints: Double
  /// Page height in points.
  public let heightInPoints: Double

  init(
    widthInPoints: Double, heightInPoints: Double, operation: String,
    create: (ByteSink) -> OpaquePointer?
  ) throws(CairoError) {
    guard widthInPoints > 0, heightInPoints > 0 else {
      throw CairoError(code: .invalidSize, operation: operation, detail: "\(widthInPoints)x\(heightInPoints) pt")
    }
    self.widthInPoints = widthInPoints
    self.heightInPoints = heightInPoints
    let sink = ByteSink()
    try super.init(adopting: create(sink), sink: sink, operation: operation)
  }

  /// Finishes the document and returns its bytes.
  /// - Throws: ``CairoError`` if any drawing or the stream failed.
  public func finishedData() throws(CairoError) -> [UInt8] {
    try finish()
    return sink?.bytes ?? []
  }

  /// Finishes the document and writes it atomically to `path`.
  /// - Throws: ``CairoError`` naming `path`; no partial file is left behind.
  public func finish(writingTo path: String) throws(CairoError) {
    let bytes: [UInt8]
    do {
      bytes = try finishedData()
    } catch {
      throw CairoError(code: error.code, operation: error.operation, path: path, detail: error.detail)
    }
    try FileOutput.write(bytes, to: path)
  }
}

/// An SVG document. Cairo 1.16 writes text as glyph `<symbol>`s referenced by `<use>`, and
/// images as base64 PNG `<image>` elements.
public final class SVGSurface: VectorSurface {
  public init(widthInPoints: Double, heightInPoints: Double) throws(CairoError) {
    try super.init(widthInPoints: widthInPoints, heightInPoints: heightInPoints, operation: "create SVG surface") {
      cairo_svg_surface_create_for_stream(ByteSink.write, $0.opaque, widthInPoints, heightInPoints)
    }
    // Points keep the SVG's width/height in the same unit as the PDF page and the layout.
    cairo_svg_surface_set_document_unit(handle, CAIRO_SVG_UNIT_PT)
  }
}

/// A one-page (or multi-page, through ``Context/showPage()``) PDF document.
public final class PDFSurface: VectorSurface {
  public init(widthInPoints: Double, heightInPoints: Double) throws(CairoError) {
    try super.init(widthInPoints: widthInPoints, heightInPoints: heightInPoints, operation: "create PDF surface") {
      cairo_pdf_surface_create_for_stream(ByteSink.write, $0.opaque, widthInPoints, heightInPoints)
    }
  }

  /// Sets the document title in the PDF metadata.
  public func setTitle(_ title: String) {
    cairo_pdf_surface_set_metadata(handle, CAIRO_PDF_METADATA_TITLE, title)
  }
}
