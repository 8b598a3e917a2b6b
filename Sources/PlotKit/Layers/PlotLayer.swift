import Graphics2D

/// Something drawn inside a panel's axes box, in data coordinates.
///
/// A layer reports the data it covers (so automatic limits never clip it), the legend entries it
/// contributes, and draws itself through a ``PlotCanvas`` (any ``Renderer``). Layers are drawn in order, clipped to
/// the axes box.
public protocol PlotLayer {
  /// The data rectangle the layer needs visible, or `nil` if it adapts to any limits.
  var dataBounds: AxisLimits? { get }
  /// Legend entries (class names, curve names); empty for unlabelled layers.
  var legendEntries: [LegendEntry] { get }
  /// Draws the layer through the canvas's renderer.
  func draw(in canvas: PlotCanvas) throws
}

/// How dense point layers (scatters) are written to vector outputs.
public enum PointMode: String, Hashable, Sendable, CaseIterable {
  /// Points are stamped into an image at the raster DPI and embedded (PNG inside SVG/PDF), with
  /// axes, text and sectors still vector. Size is independent of the point count.
  case raster
  /// Each class is one vector path of dots (one `<path>` per class in SVG). Points that fall on
  /// the same 0.25 pt cell are drawn once, which is invisible at the marker sizes used and keeps
  /// dense clouds small.
  case vector
}

/// What a layer draws with: the backend, the data-to-device mapping of its panel, the clip in
/// force (the axes box), and the output's raster resolution.
public struct PlotCanvas {
  public let renderer: any Renderer
  public let mapping: DeviceMapping
  /// Device pixels per point used for raster layers (DPI / 72).
  public let rasterScale: Double
  /// How point layers should be drawn on this output.
  public let pointMode: PointMode
  /// Font family for text inside the panel.
  public let fontFamily: String
  /// Clip paths in force (device space); their intersection is drawable.
  public let clip: [Path]

  public init(
    renderer: any Renderer, mapping: DeviceMapping, rasterScale: Double, pointMode: PointMode, fontFamily: String,
    clip: [Path] = []
  ) {
    self.renderer = renderer
    self.mapping = mapping
    self.rasterScale = rasterScale
    self.pointMode = pointMode
    self.fontFamily = fontFamily
    self.clip = clip
  }

  /// The same canvas with `points` (data space, closed) added to the clip.
  public func clipped(toPolygon points: [Point]) -> PlotCanvas {
    PlotCanvas(
      renderer: renderer, mapping: mapping, rasterScale: rasterScale, pointMode: pointMode, fontFamily: fontFamily,
      clip: clip + [.polyline(points.map(mapping.device), closed: true)])
  }

  /// Draws a device-space path with the canvas's clip.
  public func draw(devicePath path: Path, style: PathStyle) {
    renderer.drawPath(path, style: style, clip: clip)
  }

  /// Fills the data-space polygon `points` with `color`.
  public func fillPolygon(_ points: [Point], color: Color) {
    draw(devicePath: .polyline(points.map(mapping.device), closed: true), style: .filled(color))
  }

  /// Strokes the data-space polyline `points`.
  public func strokePolyline(
    _ points: [Point], color: Color, width: Double, dash: [Double] = [], cap: Stroke.Cap = .butt
  ) {
    draw(devicePath: .polyline(points.map(mapping.device)), style: .stroked(color, width: width, dash: dash, cap: cap))
  }

  /// Paints `image` over the device rectangle `frame`.
  public func drawImage(_ image: RasterImage, in frame: Rect) {
    renderer.drawImage(image, in: frame, clip: clip)
  }

  /// Draws `text` centred on the data point `at`, with a white halo so it stays legible on points.
  /// With `keepingInside`, the text is moved (not cut) so its ink stays inside the axes box.
  /// - Returns: the device rectangle of the text's ink.
  @discardableResult
  public func drawHaloText(
    _ text: String, at p: Point, size: Double, color: Color, bold: Bool = true, keepingInside: Bool = false
  ) -> Rect {
    let (origin, e, font) = haloTextPlacement(text, at: p, size: size, bold: bold, keepingInside: keepingInside)
    renderer.drawText(
      text, at: origin, style: TextStyle(font: font, color: color, halo: Stroke(color: .white, width: size * 0.28)),
      clip: clip)
    return Rect(x: origin.x + e.inkLeft, y: origin.y + e.inkTop, width: e.inkWidth, height: e.inkHeight)
  }

  /// The device rectangle ``drawHaloText(_:at:size:color:bold:keepingInside:)`` would give the ink, without drawing.
  public func haloTextRect(_ text: String, at p: Point, size: Double, bold: Bool = true, keepingInside: Bool = false)
    -> Rect
  {
    let (origin, e, _) = haloTextPlacement(text, at: p, size: size, bold: bold, keepingInside: keepingInside)
    return Rect(x: origin.x + e.inkLeft, y: origin.y + e.inkTop, width: e.inkWidth, height: e.inkHeight)
  }

  private func haloTextPlacement(_ text: String, at p: Point, size: Double, bold: Bool, keepingInside: Bool) -> (
    Point, TextMetrics, Font
  ) {
    let d = mapping.device(p)
    let font = Font(family: fontFamily, size: size, isBold: bold)
    let e = renderer.measureText(text, font: font)
    var origin = Point(x: d.x - e.inkWidth / 2 - e.inkLeft, y: d.y - e.inkHeight / 2 - e.inkTop)
    if keepingInside {
      let box = mapping.box.insetBy(dx: 1, dy: 1)
      let left = origin.x + e.inkLeft, top = origin.y + e.inkTop
      origin.x += max(0, box.minX - left) - max(0, left + e.inkWidth - box.maxX)
      origin.y += max(0, box.minY - top) - max(0, top + e.inkHeight - box.maxY)
    }
    return (origin, e, font)
  }
}

/// One row of a legend.
public struct LegendEntry: Hashable, Sendable {
  public enum Symbol: Hashable, Sendable {
    case dot
    case line(dash: [Double])
    case patch
    case hatchedPatch
    /// A patch with a dashed dark outline (margin zones).
    case outlinedPatch
  }

  public var label: String
  public var color: Color
  public var symbol: Symbol

  public init(label: String, color: Color, symbol: Symbol) {
    self.label = label
    self.color = color
    self.symbol = symbol
  }
}
