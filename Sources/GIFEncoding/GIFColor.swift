/// An opaque 8-bit sRGB colour, as a GIF palette stores it.
public struct GIFColor: Sendable, Hashable, Codable, CustomStringConvertible {
  public var red: UInt8
  public var green: UInt8
  public var blue: UInt8

  public init(red: UInt8, green: UInt8, blue: UInt8) {
    self.red = red
    self.green = green
    self.blue = blue
  }

  /// The colour of components in [0, 1] (rounded, clamped).
  public init(unitRed red: Double, green: Double, blue: Double) {
    func byte(_ v: Double) -> UInt8 { UInt8(max(0, min(255, (v * 255).rounded()))) }
    self.init(red: byte(red), green: byte(green), blue: byte(blue))
  }

  public static let white = GIFColor(red: 255, green: 255, blue: 255)
  public static let black = GIFColor(red: 0, green: 0, blue: 0)

  /// `self` moved the fraction `f` ∈ [0, 1] of the way towards `other` (what a translucent mark leaves).
  public func blended(towards other: GIFColor, fraction f: Double) -> GIFColor {
    func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) + (Double(b) - Double(a)) * f).rounded()) }
    return GIFColor(red: mix(red, other.red), green: mix(green, other.green), blue: mix(blue, other.blue))
  }

  /// The 24-bit key 0xRRGGBB.
  var key: Int { Int(red) << 16 | Int(green) << 8 | Int(blue) }

  public var description: String {
    "#" + [red, green, blue].map { String($0, radix: 16).leftPadded(to: 2) }.joined()
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    String(repeating: "0", count: max(0, width - count)) + self
  }
}
