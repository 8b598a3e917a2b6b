import Graphics2D

/// A closed filled region in data space: a margin band, a class region.
public struct Polygon: Sendable {
  public var points: [Point]
  public var name: String?
  public var fill: Color

  public init(points: [Point], name: String? = nil, fill: Color = .gray(0.78)) {
    self.points = points
    self.name = name
    self.fill = fill
  }
}
