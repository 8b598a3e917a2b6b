import CairoGraphics
import Foundation

extension Figure {
  /// Computes the layout (measuring text with Cairo's toy font API on a 1 × 1 surface).
  public func layout() throws -> FigureLayout {
    do {
      let probe = try Context(surface: ImageSurface(width: 1, height: 1))
      return try FigureLayout(figure: self) { text, font in
        probe.setFont(font)
        return probe.textExtents(text).advanceX
      }
    } catch let error as CairoError {
      throw RenderError.cairo(error)
    }
  }

  /// Renders the figure into an image of (size in inches × `dpi`) pixels. Point layers are
  /// stamped at the same resolution (`.raster`, the fast path) or drawn as Cairo paths (`.vector`,
  /// which previews what the vector outputs contain).
  public func renderImage(dpi: Double = 150, pointMode: PointMode = .raster) throws -> ImageSurface {
    let layout = try layout()
    let scale = dpi / 72
    do {
      let image = try ImageSurface(width: Int((layout.width * scale).rounded(.up)), height: Int((layout.height * scale).rounded(.up)))
      let context = try Context(surface: image)
      context.scale(x: scale, y: scale)
      try FigureRenderer(figure: self, layout: layout, context: context, rasterScale: scale, pointMode: pointMode).draw()
      image.flush()
      return image
    } catch let error as CairoError {
      throw RenderError.cairo(error)
    }
  }

  /// PNG bytes at `dpi`.
  public func pngData(dpi: Double = 150) throws -> [UInt8] {
    do {
      return try renderImage(dpi: dpi).pngData()
    } catch let error as CairoError {
      throw RenderError.cairo(error)
    }
  }

  /// Writes a PNG at `dpi` atomically.
  /// - Throws: ``RenderError/cairo(_:)`` naming `path` if it cannot be written; no file is left.
  public func writePNG(to path: String, dpi: Double = 150) throws {
    let image = try renderImage(dpi: dpi)
    do {
      try image.writePNG(to: path)
    } catch {
      throw RenderError.cairo(error)
    }
  }

  /// The default ``PointMode`` for vector outputs: raster. Both modes meet the anchor budget
  /// (2 × 4 panels of 70,000 points: SVG < 2 s and < 10 MB), but only the raster layer's size is
  /// independent of how many points there are and how widely they spread (`.vector` gave 5.3 MB
  /// against 1.5 MB on the anchor); see `Sources/Figures/README.md`.
  public static let defaultVectorPointMode = PointMode.raster

  /// SVG bytes. `rasterDPI` is the resolution of raster point layers.
  public func svgData(pointMode: PointMode = Figure.defaultVectorPointMode, rasterDPI: Double = 300) throws -> [UInt8] {
    try vectorData(pointMode: pointMode, rasterDPI: rasterDPI) { (w, h) throws(CairoError) in try SVGSurface(widthInPoints: w, heightInPoints: h) }
  }

  /// Writes an SVG atomically (see ``svgData(pointMode:rasterDPI:)``).
  public func writeSVG(to path: String, pointMode: PointMode = Figure.defaultVectorPointMode, rasterDPI: Double = 300) throws {
    try write(svgData(pointMode: pointMode, rasterDPI: rasterDPI), to: path)
  }

  /// PDF bytes (one page). `rasterDPI` is the resolution of raster point layers.
  public func pdfData(pointMode: PointMode = Figure.defaultVectorPointMode, rasterDPI: Double = 300) throws -> [UInt8] {
    try vectorData(pointMode: pointMode, rasterDPI: rasterDPI) { (w, h) throws(CairoError) in try PDFSurface(widthInPoints: w, heightInPoints: h) }
  }

  /// Writes a PDF atomically (see ``pdfData(pointMode:rasterDPI:)``).
  public func writePDF(to path: String, pointMode: PointMode = Figure.defaultVectorPointMode, rasterDPI: Double = 300) throws {
    try write(pdfData(pointMode: pointMode, rasterDPI: rasterDPI), to: path)
  }

  private func vectorData(
    pointMode: PointMode, rasterDPI: Double, makeSurface: (Double, Double) throws(CairoError) -> VectorSurface
  ) throws -> [UInt8] {
    let layout = try layout()
    do {
      let surface = try makeSurface(layout.width, layout.height)
      let context = try Context(surface: surface)
      try FigureRenderer(figure: self, layout: layout, context: context, rasterScale: rasterDPI / 72, pointMode: pointMode).draw()
      context.showPage()
      return try surface.finishedData()
    } catch let error as CairoError {
      throw RenderError.cairo(error)
    }
  }

  private func write(_ bytes: [UInt8], to path: String) throws {
    do {
      try AtomicFile.write(bytes, to: path)
    } catch {
      throw RenderError.cairo(error)
    }
  }
}
