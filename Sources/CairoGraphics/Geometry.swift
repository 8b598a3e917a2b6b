/// A position in a Cairo coordinate space (user space unless stated otherwise).
public struct Point: Hashable, Sendable {
  public var x: Double
  public var y: Double

  public init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }

  public static let zero = Point(x: 0, y: 0)
}

/// An axis-aligned rectangle in a Cairo coordinate space; `origin` is the top-left corner
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

/// One ARGB32 pixel read back from an image surface, un-premultiplied to 0–255 components.
public struct Pixel: Hashable, Sendable, CustomStringConvertible {
  public var red: UInt8
  public var green: UInt8
  public var blue: UInt8
  public var alpha: UInt8

  public init(red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8 = 255) {
    self.red = red
    self.green = green
    self.blue = blue
    self.alpha = alpha
  }

  /// Decodes Cairo's native-endian premultiplied `0xAARRGGBB` word.
  public init(premultipliedARGB word: UInt32) {
    let a = UInt8((word >> 24) & 0xFF)
    func channel(_ shift: UInt32) -> UInt8 {
      let c = Int((word >> shift) & 0xFF)
      guard a > 0 else { return 0 }
      return UInt8(min(255, (c * 255 + Int(a) / 2) / Int(a)))
    }
    self.init(red: channel(16), green: channel(8), blue: channel(0), alpha: a)
  }

  /// Largest per-channel difference to `other`, alpha included.
  public func distance(to other: Pixel) -> Int {
    max(
      abs(Int(red) - Int(other.red)), abs(Int(green) - Int(other.green)),
      abs(Int(blue) - Int(other.blue)), abs(Int(alpha) - Int(other.alpha)))
  }

  /// The colour as an opaque-or-not `Color`, for comparisons with palette entries.
  public var color: Color {
    Color(red: Double(red) / 255, green: Double(green) / 255, blue: Double(blue) / 255, alpha: Double(alpha) / 255)
  }

  public var description: String { "rgba(\(red), \(green), \(blue), \(alpha))" }
}
