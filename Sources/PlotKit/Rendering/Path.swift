import Foundation

/// A backend-neutral outline in device coordinates (points, y down): the one thing every
/// ``Renderer`` must be able to draw.
public struct Path: Hashable, Sendable {
  public enum Element: Hashable, Sendable {
    case move(Point)
    case line(Point)
    /// A cubic Bézier segment to `to` with two control points.
    case curve(to: Point, control1: Point, control2: Point)
    case close
  }

  public private(set) var elements: [Element]

  public init(elements: [Element] = []) {
    self.elements = elements
  }

  public var isEmpty: Bool { elements.isEmpty }

  public mutating func move(to p: Point) { elements.append(.move(p)) }
  public mutating func line(to p: Point) { elements.append(.line(p)) }
  public mutating func curve(to p: Point, control1: Point, control2: Point) {
    elements.append(.curve(to: p, control1: control1, control2: control2))
  }
  public mutating func close() { elements.append(.close) }

  /// Appends all of `other`'s elements (its subpaths stay separate).
  public mutating func append(_ other: Path) { elements += other.elements }

  /// A polyline through `points`, closed when `closed`.
  public static func polyline(_ points: [Point], closed: Bool = false) -> Path {
    var path = Path()
    guard let first = points.first else { return path }
    path.elements.reserveCapacity(points.count + 1)
    path.move(to: first)
    for p in points.dropFirst() { path.line(to: p) }
    if closed { path.close() }
    return path
  }

  public static func rectangle(_ r: Rect) -> Path {
    polyline(
      [
        Point(x: r.minX, y: r.minY), Point(x: r.maxX, y: r.minY), Point(x: r.maxX, y: r.maxY),
        Point(x: r.minX, y: r.maxY),
      ],
      closed: true)
  }

  /// A circle as four cubic Béziers (the usual 4/3·tan(π/8) control distance).
  public static func circle(center c: Point, radius r: Double) -> Path {
    let k = 4.0 / 3.0 * tan(Double.pi / 8) * r
    var path = Path()
    path.move(to: Point(x: c.x + r, y: c.y))
    path.curve(
      to: Point(x: c.x, y: c.y + r), control1: Point(x: c.x + r, y: c.y + k), control2: Point(x: c.x + k, y: c.y + r))
    path.curve(
      to: Point(x: c.x - r, y: c.y), control1: Point(x: c.x - k, y: c.y + r), control2: Point(x: c.x - r, y: c.y + k))
    path.curve(
      to: Point(x: c.x, y: c.y - r), control1: Point(x: c.x - r, y: c.y - k), control2: Point(x: c.x - k, y: c.y - r))
    path.curve(
      to: Point(x: c.x + r, y: c.y), control1: Point(x: c.x + k, y: c.y - r), control2: Point(x: c.x + r, y: c.y - k))
    path.close()
    return path
  }

  /// The bounding box of the path's points (control points included), or `nil` when empty.
  public var bounds: Rect? {
    var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
    func add(_ p: Point) {
      minX = min(minX, p.x); maxX = max(maxX, p.x)
      minY = min(minY, p.y); maxY = max(maxY, p.y)
    }
    for e in elements {
      switch e {
      case .move(let p), .line(let p): add(p)
      case .curve(let p, let c1, let c2): add(p); add(c1); add(c2)
      case .close: break
      }
    }
    return minX <= maxX ? Rect(x: minX, y: minY, width: maxX - minX, height: maxY - minY) : nil
  }
}

/// How a path's outline is stroked.
public struct Stroke: Hashable, Sendable {
  public enum Cap: Hashable, Sendable { case butt, round, square }
  public enum Join: Hashable, Sendable { case miter, round, bevel }

  public var color: Color
  public var width: Double
  /// Dash lengths in points; empty is solid.
  public var dash: [Double]
  public var cap: Cap
  public var join: Join

  public init(color: Color, width: Double, dash: [Double] = [], cap: Cap = .butt, join: Join = .round) {
    self.color = color
    self.width = width
    self.dash = dash
    self.cap = cap
    self.join = join
  }
}

/// What ``Renderer/drawPath(_:style:clip:)`` does with a path: fill it, stroke it, or both
/// (fill first).
public struct PathStyle: Hashable, Sendable {
  public var fill: Color?
  public var stroke: Stroke?

  public init(fill: Color? = nil, stroke: Stroke? = nil) {
    self.fill = fill
    self.stroke = stroke
  }

  public static func filled(_ color: Color) -> PathStyle { PathStyle(fill: color) }
  public static func stroked(_ color: Color, width: Double, dash: [Double] = [], cap: Stroke.Cap = .butt) -> PathStyle {
    PathStyle(stroke: Stroke(color: color, width: width, dash: dash, cap: cap))
  }
}
