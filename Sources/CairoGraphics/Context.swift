import CCairo

/// A Cairo drawing context bound to one ``Surface``.
///
/// Owns one `cairo_t` (destroyed in `deinit`) and keeps its surface alive. Drawing calls do not
/// throw: Cairo records the first error and ignores later calls, so callers check once with
/// ``checkStatus(_:)`` at the end of a drawing pass (the figure renderer does).
public final class Context {
  /// The surface this context draws on; held strongly so it outlives the context.
  public let surface: Surface
  let handle: OpaquePointer
  private let token = LiveHandle()

  public init(surface: Surface) throws(CairoError) {
    guard let handle = cairo_create(surface.handle) else {
      throw CairoError(code: .nullPointer, operation: "create context")
    }
    let status = cairo_status(handle)
    guard status == CAIRO_STATUS_SUCCESS else {
      cairo_destroy(handle)
      throw CairoError(status: status, operation: "create context")
    }
    self.surface = surface
    self.handle = handle
  }

  deinit {
    cairo_destroy(handle)
  }

  /// Throws if any drawing call so far put the context in an error state.
  public func checkStatus(_ operation: String) throws(CairoError) {
    try cairo_status(handle).check(operation)
  }

  // MARK: - State

  public func save() { cairo_save(handle) }
  public func restore() { cairo_restore(handle) }

  /// Runs `body` between `save()` and `restore()`, so its state changes (clip, transform,
  /// colour, dash) do not leak out.
  public func withSavedState<R>(_ body: () throws -> R) rethrows -> R {
    cairo_save(handle)
    defer { cairo_restore(handle) }
    return try body()
  }

  // MARK: - Transforms

  public func translate(x: Double, y: Double) { cairo_translate(handle, x, y) }
  public func scale(x: Double, y: Double) { cairo_scale(handle, x, y) }
  public func rotate(by radians: Double) { cairo_rotate(handle, radians) }
  public func resetTransform() { cairo_identity_matrix(handle) }

  /// Maps a user-space point to device space with the current transform.
  public func deviceCoordinates(of point: Point) -> Point {
    var x = point.x
    var y = point.y
    cairo_user_to_device(handle, &x, &y)
    return Point(x: x, y: y)
  }

  // MARK: - Source and stroke style

  public func setSource(_ color: Color) {
    cairo_set_source_rgba(handle, color.red, color.green, color.blue, color.alpha)
  }

  /// Uses `image` as the source, with its top-left corner at `origin` in user space.
  public func setSource(_ image: ImageSurface, at origin: Point, filter: Filter = .good) {
    cairo_set_source_surface(handle, image.handle, origin.x, origin.y)
    if let pattern = cairo_get_source(handle) {
      cairo_pattern_set_filter(pattern, filter.cValue)
    }
  }

  public var lineWidth: Double {
    get { cairo_get_line_width(handle) }
    set { cairo_set_line_width(handle, newValue) }
  }

  public var lineCap: LineCap {
    get { LineCap(cairo_get_line_cap(handle)) }
    set { cairo_set_line_cap(handle, newValue.cValue) }
  }

  public var lineJoin: LineJoin {
    get { LineJoin(cairo_get_line_join(handle)) }
    set { cairo_set_line_join(handle, newValue.cValue) }
  }

  public var fillRule: FillRule {
    get { cairo_get_fill_rule(handle) == CAIRO_FILL_RULE_EVEN_ODD ? .evenOdd : .winding }
    set { cairo_set_fill_rule(handle, newValue == .evenOdd ? CAIRO_FILL_RULE_EVEN_ODD : CAIRO_FILL_RULE_WINDING) }
  }

  public var antialias: Bool {
    get { cairo_get_antialias(handle) != CAIRO_ANTIALIAS_NONE }
    set { cairo_set_antialias(handle, newValue ? CAIRO_ANTIALIAS_DEFAULT : CAIRO_ANTIALIAS_NONE) }
  }

  /// Sets a dash pattern (lengths in user units); an empty array draws solid lines.
  public func setDash(_ lengths: [Double], offset: Double = 0) {
    cairo_set_dash(handle, lengths, Int32(lengths.count), offset)
  }

  // MARK: - Paths

  public func newPath() { cairo_new_path(handle) }
  public func newSubpath() { cairo_new_sub_path(handle) }
  public func move(to p: Point) { cairo_move_to(handle, p.x, p.y) }
  public func line(to p: Point) { cairo_line_to(handle, p.x, p.y) }
  public func curve(to p: Point, control1 c1: Point, control2 c2: Point) {
    cairo_curve_to(handle, c1.x, c1.y, c2.x, c2.y, p.x, p.y)
  }
  public func closePath() { cairo_close_path(handle) }

  /// Adds a circular arc, increasing angle (clockwise on screen, because device y points down).
  public func arc(center: Point, radius: Double, startAngle: Double, endAngle: Double) {
    cairo_arc(handle, center.x, center.y, radius, startAngle, endAngle)
  }

  /// Adds a circular arc with decreasing angle.
  public func arcNegative(center: Point, radius: Double, startAngle: Double, endAngle: Double) {
    cairo_arc_negative(handle, center.x, center.y, radius, startAngle, endAngle)
  }

  public func addRectangle(_ rect: Rect) {
    cairo_rectangle(handle, rect.minX, rect.minY, rect.width, rect.height)
  }

  /// Adds a closed circle as its own subpath.
  public func addCircle(center: Point, radius: Double) {
    cairo_new_sub_path(handle)
    cairo_arc(handle, center.x, center.y, radius, 0, 2 * Double.pi)
    cairo_close_path(handle)
  }

  /// Adds a polyline through `points` (a new subpath); `closed` joins the last point to the first.
  public func addPolyline(_ points: [Point], closed: Bool = false) {
    guard let first = points.first else { return }
    cairo_move_to(handle, first.x, first.y)
    for p in points.dropFirst() { cairo_line_to(handle, p.x, p.y) }
    if closed { cairo_close_path(handle) }
  }

  /// Adds a zero-length segment at `p`; stroked with round caps it draws a dot of diameter
  /// `lineWidth`. Many of these in one path make a compact vector scatter (one SVG `<path>`).
  public func addDot(at p: Point) {
    cairo_move_to(handle, p.x, p.y)
    cairo_line_to(handle, p.x, p.y)
  }

  // MARK: - Painting

  public func fill(preserve: Bool = false) {
    if preserve { cairo_fill_preserve(handle) } else { cairo_fill(handle) }
  }

  public func stroke(preserve: Bool = false) {
    if preserve { cairo_stroke_preserve(handle) } else { cairo_stroke(handle) }
  }

  /// Intersects the clip with the current path and clears the path.
  public func clip() { cairo_clip(handle) }
  public func resetClip() { cairo_reset_clip(handle) }

  /// Paints the current source everywhere inside the clip, with an optional extra alpha.
  public func paint(alpha: Double = 1) {
    if alpha >= 1 { cairo_paint(handle) } else { cairo_paint_with_alpha(handle, alpha) }
  }

  /// Ends the current page (vector surfaces), starting a new one.
  public func showPage() { cairo_show_page(handle) }
}

/// How the ends of open strokes are drawn.
public enum LineCap: Sendable {
  case butt, round, square

  init(_ c: cairo_line_cap_t) {
    switch c {
    case CAIRO_LINE_CAP_ROUND: self = .round
    case CAIRO_LINE_CAP_SQUARE: self = .square
    default: self = .butt
    }
  }

  var cValue: cairo_line_cap_t {
    switch self {
    case .butt: CAIRO_LINE_CAP_BUTT
    case .round: CAIRO_LINE_CAP_ROUND
    case .square: CAIRO_LINE_CAP_SQUARE
    }
  }
}

/// How stroke segments are joined.
public enum LineJoin: Sendable {
  case miter, round, bevel

  init(_ c: cairo_line_join_t) {
    switch c {
    case CAIRO_LINE_JOIN_ROUND: self = .round
    case CAIRO_LINE_JOIN_BEVEL: self = .bevel
    default: self = .miter
    }
  }

  var cValue: cairo_line_join_t {
    switch self {
    case .miter: CAIRO_LINE_JOIN_MITER
    case .round: CAIRO_LINE_JOIN_ROUND
    case .bevel: CAIRO_LINE_JOIN_BEVEL
    }
  }
}

/// Which points a self-intersecting path's fill covers.
public enum FillRule: Sendable {
  case winding, evenOdd
}

/// Image sampling filter used when an image source is scaled.
public enum Filter: Sendable {
  case fast, good, best, nearest, bilinear

  var cValue: cairo_filter_t {
    switch self {
    case .fast: CAIRO_FILTER_FAST
    case .good: CAIRO_FILTER_GOOD
    case .best: CAIRO_FILTER_BEST
    case .nearest: CAIRO_FILTER_NEAREST
    case .bilinear: CAIRO_FILTER_BILINEAR
    }
  }
}
