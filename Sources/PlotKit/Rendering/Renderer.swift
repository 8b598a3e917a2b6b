import Foundation

/// Premultiplied native-endian `0xAARRGGBB` pixels, row-major: what raster layers (point clouds,
/// predicate masks) hand a backend.
public struct RasterImage: Hashable, Sendable {
  public let width: Int
  public let height: Int
  public let premultipliedARGB: [UInt32]

  public init(width: Int, height: Int, premultipliedARGB: [UInt32]) {
    precondition(
      width >= 0 && height >= 0 && premultipliedARGB.count == width * height, "RasterImage needs width × height pixels")
    self.width = width
    self.height = height
    self.premultipliedARGB = premultipliedARGB
  }
}

/// The size of a string in a font, in points.
public struct TextMetrics: Hashable, Sendable {
  /// How far the pen moves: the width used for centring and alignment.
  public var advance: Double
  /// The ink box relative to the baseline origin (y down, so `inkTop` is negative above the baseline).
  public var inkLeft: Double
  public var inkTop: Double
  public var inkWidth: Double
  public var inkHeight: Double

  public init(advance: Double, inkLeft: Double, inkTop: Double, inkWidth: Double, inkHeight: Double) {
    self.advance = advance
    self.inkLeft = inkLeft
    self.inkTop = inkTop
    self.inkWidth = inkWidth
    self.inkHeight = inkHeight
  }
}

/// How a string is drawn: font, colour, rotation about its origin, and an optional halo (an
/// outline in another colour under the glyphs, so labels stay legible on top of points).
public struct TextStyle: Hashable, Sendable {
  public var font: Font
  public var color: Color
  /// Radians, counter-clockwise on the page (−π/2 would read downwards; y labels use +π/2).
  public var rotation: Double
  public var halo: Stroke?

  public init(font: Font, color: Color = .black, rotation: Double = 0, halo: Stroke? = nil) {
    self.font = font
    self.color = color
    self.rotation = rotation
    self.halo = halo
  }
}

/// A drawing backend, in the spirit of matplotlib's `RendererBase`: device space is in points
/// with y down, and every operation takes the clip paths in force (their intersection).
///
/// Only ``drawPath(_:style:clip:)`` and ``measureText(_:font:)`` are required. Markers and images
/// have default implementations in terms of `drawPath` (correct, but one path per marker or per
/// pixel run); a backend overrides them as fast paths. Text has a default too, which draws each
/// string's measured ink box ("greeked" text) for backends that cannot draw glyphs.
public protocol Renderer: AnyObject {
  func drawPath(_ path: Path, style: PathStyle, clip: [Path])
  /// Round markers of one colour, centred at `centers`.
  func drawMarkers(at centers: [Point], diameter: Double, color: Color, clip: [Path])
  /// `image` scaled to fill `frame` (pixels are nearest-neighbour sampled).
  func drawImage(_ image: RasterImage, in frame: Rect, clip: [Path])
  /// `text` with its baseline starting at `origin`.
  func drawText(_ text: String, at origin: Point, style: TextStyle, clip: [Path])
  func measureText(_ text: String, font: Font) -> TextMetrics
}

extension Renderer {
  public func drawMarkers(at centers: [Point], diameter: Double, color: Color, clip: [Path]) {
    var path = Path()
    for c in centers { path.append(.circle(center: c, radius: diameter / 2)) }
    drawPath(path, style: .filled(color), clip: clip)
  }

  public func drawImage(_ image: RasterImage, in frame: Rect, clip: [Path]) {
    guard image.width > 0, image.height > 0 else { return }
    let sx = frame.width / Double(image.width), sy = frame.height / Double(image.height)
    for row in 0..<image.height {
      var column = 0
      while column < image.width {
        let word = image.premultipliedARGB[row * image.width + column]
        var end = column + 1
        while end < image.width, image.premultipliedARGB[row * image.width + end] == word { end += 1 }
        if word >> 24 != 0 {
          let rect = Rect(
            x: frame.minX + Double(column) * sx, y: frame.minY + Double(row) * sy, width: Double(end - column) * sx,
            height: sy)
          drawPath(.rectangle(rect), style: .filled(Self.straightColor(word)), clip: clip)
        }
        column = end
      }
    }
  }

  public func drawText(_ text: String, at origin: Point, style: TextStyle, clip: [Path]) {
    let m = measureText(text, font: style.font)
    guard m.inkWidth > 0, m.inkHeight > 0 else { return }
    let corners = m.inkCorners(at: origin, rotation: style.rotation)
    drawPath(
      .polyline(corners, closed: true), style: .filled(style.color.withAlpha(style.color.alpha * 0.5)), clip: clip)
  }

  /// Un-premultiplies a `0xAARRGGBB` word.
  static func straightColor(_ word: UInt32) -> Color {
    let a = Double(word >> 24) / 255
    guard a > 0 else { return .clear }
    func channel(_ shift: UInt32) -> Double { min(1, Double((word >> shift) & 0xFF) / 255 / a) }
    return Color(red: channel(16), green: channel(8), blue: channel(0), alpha: a)
  }
}

extension TextMetrics {
  /// The four corners of the ink box of text drawn at `origin`, turned by `rotation` radians
  /// (counter-clockwise on the page, y down), in drawing order.
  public func inkCorners(at origin: Point, rotation: Double) -> [Point] {
    let (c, s) = (cos(rotation), sin(rotation))
    return [
      (inkLeft, inkTop), (inkLeft + inkWidth, inkTop), (inkLeft + inkWidth, inkTop + inkHeight),
      (inkLeft, inkTop + inkHeight),
    ]
    .map { dx, dy in Point(x: origin.x + dx * c + dy * s, y: origin.y - dx * s + dy * c) }
  }
}
