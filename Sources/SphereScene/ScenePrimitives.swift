import Graphics2D
import MarginMath

extension Color {
  /// `self` moved the fraction `f` of the way towards `other` (alpha kept).
  func mixed(with other: Color, fraction f: Double) -> Color {
    Color(
      red: red + (other.red - red) * f, green: green + (other.green - green) * f, blue: blue + (other.blue - blue) * f,
      alpha: alpha)
  }
}

/// What a primitive shows, so an adapter or a test can pick layers out (never needed to draw them).
public enum SceneRole: String, Sendable, Codable, CaseIterable {
  case backBoundary, backPoints, sphereShading, sphereOutline, marginZone, boundary
  case weightArrow, weightLabel, frontPoints, axis, axisLabel, points
}

/// An open (or closed) stroked line. Widths are in points (1/72 in) of the finished figure.
public struct ScenePolyline: Sendable, Equatable {
  public var points: [Point2]
  public var closed: Bool
  public var stroke: Color
  public var width: Double
  /// Dash and gap lengths in points; empty for a solid line.
  public var dash: [Double]
  public var role: SceneRole
}

/// A filled (and optionally stroked) region of one or more closed rings, filled by the even-odd rule,
/// so a ring inside another cuts a hole (a margin zone is the decision region minus the acceptance region).
public struct ScenePolygon: Sendable, Equatable {
  public var rings: [[Point2]]
  public var fill: Color?
  public var stroke: Color?
  public var width: Double
  public var role: SceneRole
}

/// Round dots of one radius (points) and one opacity, each coloured from the scene's palette, drawn in order.
public struct ScenePointBatch: Sendable, Equatable {
  public var positions: [Point2]
  /// Index into `SceneDescription.palette` per point.
  public var colorIndices: [Int]
  public var alpha: Double
  public var radius: Double
  public var role: SceneRole
}

/// Where a label's anchor point sits on the text.
public enum SceneTextAnchor: String, Sendable, Codable {
  case centre, left, right, above, below
}

/// A short text label at a position; size in points.
public struct SceneText: Sendable, Equatable {
  public var position: Point2
  public var text: String
  public var size: Double
  public var color: Color
  public var anchor: SceneTextAnchor
  public var role: SceneRole
}

/// One drawing instruction; scenes list them back to front. Positions are `Point2`s in the scene's unit
/// view coordinates: x to the right, y up; the sphere is the unit disc.
public enum ScenePrimitive: Sendable, Equatable {
  case polyline(ScenePolyline)
  case polygon(ScenePolygon)
  case points(ScenePointBatch)
  case text(SceneText)

  public var role: SceneRole {
    switch self {
    case .polyline(let p): p.role
    case .polygon(let p): p.role
    case .points(let p): p.role
    case .text(let t): t.role
    }
  }
}

/// A backend-neutral picture: primitives in drawing order over the rectangle `bounds` of view coordinates.
public struct SceneDescription: Sendable, Equatable {
  public var primitives: [ScenePrimitive]
  /// The view-coordinate rectangle the figure panel should show (x from minX to maxX, y from minY to maxY).
  public var minX: Double
  public var maxX: Double
  public var minY: Double
  public var maxY: Double
  /// The class colours `ScenePointBatch.colorIndices` refer to.
  public var palette: [Color]
  /// Facts the figure should state (features without a direction left out, no weights given, ...).
  public var notes: [String]

  public func primitives(_ role: SceneRole) -> [ScenePrimitive] { primitives.filter { $0.role == role } }
}
