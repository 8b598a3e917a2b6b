import MarginMath

/// A colour with straight alpha, components in [0, 1].
public struct SceneColor: Sendable, Equatable, Hashable, Codable {
  public var red: Double
  public var green: Double
  public var blue: Double
  public var alpha: Double

  public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
    self.red = red
    self.green = green
    self.blue = blue
    self.alpha = alpha
  }

  /// The colour of 8-bit components (`0x0072B2` style palettes).
  public init(hex: UInt32, alpha: Double = 1) {
    self.init(
      red: Double((hex >> 16) & 0xff) / 255, green: Double((hex >> 8) & 0xff) / 255, blue: Double(hex & 0xff) / 255,
      alpha: alpha)
  }

  public func withAlpha(_ a: Double) -> SceneColor { SceneColor(red: red, green: green, blue: blue, alpha: a) }

  /// `self` moved the fraction `f` of the way towards `other` (alpha kept).
  public func mixed(with other: SceneColor, fraction f: Double) -> SceneColor {
    SceneColor(
      red: red + (other.red - red) * f, green: green + (other.green - green) * f, blue: blue + (other.blue - blue) * f,
      alpha: alpha)
  }

  public static let black = SceneColor(red: 0, green: 0, blue: 0)
  public static let white = SceneColor(red: 1, green: 1, blue: 1)
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
  public var stroke: SceneColor
  public var width: Double
  /// Dash and gap lengths in points; empty for a solid line.
  public var dash: [Double]
  public var role: SceneRole
}

/// A filled (and optionally stroked) region of one or more closed rings, filled by the even-odd rule,
/// so a ring inside another cuts a hole (a margin zone is the decision region minus the acceptance region).
public struct ScenePolygon: Sendable, Equatable {
  public var rings: [[Point2]]
  public var fill: SceneColor?
  public var stroke: SceneColor?
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
  public var color: SceneColor
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
  public var palette: [SceneColor]
  /// Facts the figure should state (features without a direction left out, no weights given, ...).
  public var notes: [String]

  public func primitives(_ role: SceneRole) -> [ScenePrimitive] { primitives.filter { $0.role == role } }
}
