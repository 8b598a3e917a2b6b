import Graphics2D

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
