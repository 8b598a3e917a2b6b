import Graphics2D

/// An open line through data points: a curve, a decision boundary.
public struct Polyline: Sendable {
  public var points: [Point]
  /// Legend text; `nil` keeps the line out of legends.
  public var name: String?
  public var color: Color
  public var lineWidth: Double
  /// Dash lengths in points; empty is solid.
  public var dash: [Double]

  public init(points: [Point], name: String? = nil, color: Color = .black, lineWidth: Double = 1.2, dash: [Double] = [])
  {
    self.points = points
    self.name = name
    self.color = color
    self.lineWidth = lineWidth
    self.dash = dash
  }

  /// A curve y = f(x) sampled from arrays of equal length.
  public init(
    xs: [Double], ys: [Double], name: String? = nil, color: Color = .black, lineWidth: Double = 1.2, dash: [Double] = []
  ) {
    precondition(xs.count == ys.count, "Polyline expects equal counts, got \(xs.count) and \(ys.count)")
    self.init(
      points: zip(xs, ys).map { Point(x: $0, y: $1) }, name: name, color: color, lineWidth: lineWidth, dash: dash)
  }

  /// The dash pattern the papers use for decision boundaries.
  public static let boundaryDash: [Double] = [4, 2.5]
}
