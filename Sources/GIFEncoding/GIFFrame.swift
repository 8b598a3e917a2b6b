/// One frame as straight-alpha RGBA bytes, row by row from the top (4 bytes per pixel).
///
/// Pixels with alpha below 255 are composited over the palette's background colour: a GIF has no
/// partial transparency.
public struct GIFFrame: Sendable, Equatable {
  public var width: Int
  public var height: Int
  public var rgba: [UInt8]
  /// This frame's delay in hundredths of a second; nil takes `GIFOptions.delayCentiseconds`.
  public var delayCentiseconds: Int?

  public init(width: Int, height: Int, rgba: [UInt8], delayCentiseconds: Int? = nil) {
    self.width = width
    self.height = height
    self.rgba = rgba
    self.delayCentiseconds = delayCentiseconds
  }
}

/// How an animation plays, and the limits an encoder enforces.
///
/// Limits (documented in the module README): at most `maximumFrames` frames (1000), each side at most
/// `maximumSide` px (4096). At 600 × 600 px that bounds an animation's working set to one frame.
public struct GIFOptions: Sendable, Equatable {
  public static let maximumFrames = 1000
  public static let maximumSide = 4096

  /// The delay of each frame in hundredths of a second (GIF's unit), 1...65535.
  public var delayCentiseconds: Int
  /// Extra delay on the last frame, so a loop pauses on the final state.
  public var finalDelayCentiseconds: Int
  /// How often the animation repeats: 0 loops forever (NETSCAPE2.0 extension); nil plays it once.
  public var loopCount: Int?
  /// Encode each frame after the first as the changed box only, unchanged pixels transparent (see `GIFWriter`).
  public var onlyChangedPixels: Bool

  public init(
    delayCentiseconds: Int = 10, finalDelayCentiseconds: Int = 0, loopCount: Int? = 0, onlyChangedPixels: Bool = true
  ) {
    self.delayCentiseconds = delayCentiseconds
    self.finalDelayCentiseconds = finalDelayCentiseconds
    self.loopCount = loopCount
    self.onlyChangedPixels = onlyChangedPixels
  }

  func validate() throws {
    guard (1...65535).contains(delayCentiseconds) else {
      throw GIFEncodingError.badOption("delayCentiseconds must lie in 1...65535, got \(delayCentiseconds)")
    }
    guard (0...65535).contains(finalDelayCentiseconds) else {
      throw GIFEncodingError.badOption("finalDelayCentiseconds must lie in 0...65535, got \(finalDelayCentiseconds)")
    }
    if let loops = loopCount, !(0...65535).contains(loops) {
      throw GIFEncodingError.badOption("loopCount must lie in 0...65535 (0 = forever), got \(loops)")
    }
  }
}
