/// A position in a 2-D coordinate space (device space has y growing downwards).
public struct Point: Hashable, Sendable {
  public var x: Double
  public var y: Double

  public init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }

  public static let zero = Point(x: 0, y: 0)
}

/// An axis-aligned rectangle; `origin` is the top-left corner
/// in device space, where y grows downwards.
public struct Rect: Hashable, Sendable {
  public var origin: Point
  public var width: Double
  public var height: Double

  public init(x: Double, y: Double, width: Double, height: Double) {
    origin = Point(x: x, y: y)
    self.width = width
    self.height = height
  }

  public var minX: Double { origin.x }
  public var minY: Double { origin.y }
  public var maxX: Double { origin.x + width }
  public var maxY: Double { origin.y + height }
  public var center: Point { Point(x: origin.x + width / 2, y: origin.y + height / 2) }

  /// The rectangle shrunk by `dx` on the left and right and `dy` on the top and bottom.
  public func insetBy(dx: Double, dy: Double) -> Rect {
    Rect(x: minX + dx, y: minY + dy, width: max(0, width - 2 * dx), height: max(0, height - 2 * dy))
  }

  public func contains(_ p: Point) -> Bool {
    p.x >= minX && p.x <= maxX && p.y >= minY && p.y <= maxY
  }
}

/// A colour with straight (not premultiplied) alpha, each component in 0...1.
public struct Color: Hashable, Sendable {
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

  /// A colour from 0–255 components, as palettes are usually published.
  public init(red255: Int, green255: Int, blue255: Int, alpha: Double = 1) {
    self.init(red: Double(red255) / 255, green: Double(green255) / 255, blue: Double(blue255) / 255, alpha: alpha)
  }

  /// A colour from a 24-bit `0xRRGGBB` literal.
  public init(hex: UInt32, alpha: Double = 1) {
    self.init(
      red255: Int((hex >> 16) & 0xFF), green255: Int((hex >> 8) & 0xFF), blue255: Int(hex & 0xFF),
      alpha: alpha)
  }

  public func withAlpha(_ alpha: Double) -> Color {
    Color(red: red, green: green, blue: blue, alpha: alpha)
  }

  /// The colour mixed with white; `amount` 0 keeps it, 1 gives white. Used for light fills that
  /// stay opaque, so overlapping wedges do not darken each other.
  public func lightened(by amount: Double) -> Color {
    Color(
      red: red + (1 - red) * amount, green: green + (1 - green) * amount,
      blue: blue + (1 - blue) * amount, alpha: alpha)
  }

  public static let black = Color(red: 0, green: 0, blue: 0)
  public static let white = Color(red: 1, green: 1, blue: 1)
  public static let clear = Color(red: 0, green: 0, blue: 0, alpha: 0)

  public static func gray(_ level: Double, alpha: Double = 1) -> Color {
    Color(red: level, green: level, blue: level, alpha: alpha)
  }
}

/// A font by family name, size and face; backends resolve the family (Cairo through fontconfig,
/// falling back to a default face when the family is missing).
public struct Font: Hashable, Sendable {
  public var family: String
  /// Size in user units (points on vector surfaces, and on image surfaces scaled to points).
  public var size: Double
  public var isBold: Bool
  public var isItalic: Bool

  public init(family: String = "DejaVu Sans", size: Double, isBold: Bool = false, isItalic: Bool = false) {
    self.family = family
    self.size = size
    self.isBold = isBold
    self.isItalic = isItalic
  }
}
