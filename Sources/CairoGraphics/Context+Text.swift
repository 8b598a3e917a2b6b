import CCairo

/// The ink and advance of a string, in user units (`cairo_text_extents_t`).
public struct TextExtents: Hashable, Sendable {
  /// Offset from the reference point to the left edge of the ink.
  public var bearingX: Double
  /// Offset from the baseline to the top of the ink (negative: above the baseline).
  public var bearingY: Double
  public var width: Double
  public var height: Double
  /// How far the current point moves after drawing the text.
  public var advanceX: Double
  public var advanceY: Double
}

/// Vertical metrics of the current font (`cairo_font_extents_t`).
public struct FontExtents: Hashable, Sendable {
  public var ascent: Double
  public var descent: Double
  public var height: Double
}

extension Context {
  /// Selects `font` for subsequent text, with metric hinting off: advances then scale exactly with the
  /// device scale, so a layout measured on a 1 × 1 surface holds on a 150 dpi image (hinted, a 7 pt
  /// monospace glyph advances 4 pt when measured but 9 px = 4.3 pt when drawn, and long lines overran).
  public func setFont(_ font: Font) {
    cairo_select_font_face(
      handle, font.family, font.isItalic ? CAIRO_FONT_SLANT_ITALIC : CAIRO_FONT_SLANT_NORMAL,
      font.isBold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
    cairo_set_font_size(handle, font.size)
    if let options = cairo_font_options_create() {
      cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
      cairo_set_font_options(handle, options)
      cairo_font_options_destroy(options)
    }
  }

  /// Draws `text` with its baseline starting at `origin` in the current colour.
  public func showText(_ text: String, at origin: Point) {
    cairo_move_to(handle, origin.x, origin.y)
    cairo_show_text(handle, text)
  }

  /// Measures `text` in the current font without drawing it.
  public func textExtents(_ text: String) -> TextExtents {
    var e = cairo_text_extents_t()
    cairo_text_extents(handle, text, &e)
    return TextExtents(
      bearingX: e.x_bearing, bearingY: e.y_bearing, width: e.width, height: e.height,
      advanceX: e.x_advance, advanceY: e.y_advance)
  }

  public func fontExtents() -> FontExtents {
    var e = cairo_font_extents_t()
    cairo_font_extents(handle, &e)
    return FontExtents(ascent: e.ascent, descent: e.descent, height: e.height)
  }
}

extension Context {
  /// Adds the outline of `text` (baseline at `origin`) to the current path, e.g. to stroke a halo.
  public func addTextPath(_ text: String, at origin: Point) {
    cairo_move_to(handle, origin.x, origin.y)
    cairo_text_path(handle, text)
  }
}
