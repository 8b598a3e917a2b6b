import CairoGraphics

/// Something drawn inside a panel's axes box, in data coordinates.
///
/// A layer reports the data it covers (so automatic limits never clip it), the legend entries it
/// contributes, and draws itself through a ``PlotCanvas``. Layers are drawn in order, clipped to
/// the axes box.
public protocol PlotLayer {
  /// The data rectangle the layer needs visible, or `nil` if it adapts to any limits.
  var dataBounds: AxisLimits? { get }
  /// Legend entries (class names, curve names); empty for unlabelled layers.
  var legendEntries: [LegendEntry] { get }
  /// Draws the layer. Errors come from Cairo (e.g. an image surface for a raster layer).
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

/// What a layer draws with: the Cairo context, the data-to-device mapping of its panel, and the
/// output's raster resolution.
public struct PlotCanvas {
  public let context: Context
  public let mapping: DeviceMapping
  /// Device pixels per point used for raster layers (DPI / 72).
  public let rasterScale: Double
  /// How point layers should be drawn on this output.
  public let pointMode: PointMode
  /// Font family for text inside the panel.
  public let fontFamily: String

  public init(context: Context, mapping: DeviceMapping, rasterScale: Double, pointMode: PointMode, fontFamily: String) {
    self.context = context
    self.mapping = mapping
    self.rasterScale = rasterScale
    self.pointMode = pointMode
    self.fontFamily = fontFamily
  }

  /// Fills the data-space polygon `points` with `color`.
  public func fillPolygon(_ points: [Point], color: Color) {
    context.newPath()
    context.addPolyline(points.map(mapping.device), closed: true)
    context.setSource(color)
    context.fill()
  }

  /// Strokes the data-space polyline `points`.
  public func strokePolyline(_ points: [Point], color: Color, width: Double, dash: [Double] = []) {
    context.withSavedState {
      context.newPath()
      context.addPolyline(points.map(mapping.device))
      context.setSource(color)
      context.lineWidth = width
      context.lineJoin = .round
      context.setDash(dash)
      context.stroke()
    }
  }

  /// Draws `text` centred on the data point `at`, with a white halo so it stays legible on points.
  public func drawHaloText(_ text: String, at p: Point, size: Double, color: Color, bold: Bool = true) {
    let d = mapping.device(p)
    context.withSavedState {
      context.setFont(Font(family: fontFamily, size: size, isBold: bold))
      let e = context.textExtents(text)
      let origin = Point(x: d.x - e.width / 2 - e.bearingX, y: d.y - e.height / 2 - e.bearingY)
      context.newPath()
      context.addTextPath(text, at: origin)
      context.setSource(.white)
      context.lineWidth = size * 0.28
      context.lineJoin = .round
      context.stroke(preserve: true)
      context.setSource(color)
      context.fill()
    }
  }
}

/// One row of a legend.
public struct LegendEntry: Hashable, Sendable {
  public enum Symbol: Hashable, Sendable {
    case dot
    case line(dash: [Double])
    case patch
    case hatchedPatch
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
