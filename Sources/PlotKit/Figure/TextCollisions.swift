import Foundation

/// A string as placed on a figure: its ink box in device points (the bounding box of the rotated
/// ink for rotated text).
public struct PlacedText: Hashable, Sendable {
  public var text: String
  public var box: Rect

  public init(text: String, box: Rect) {
    self.text = text
    self.box = box
  }
}

extension Figure {
  /// Every string the figure draws, where it lands, and the layout it was drawn with: what the
  /// layout and the layers place, measured by `renderer` but not drawn (nothing is rasterised), so
  /// a test can check that no text runs off the canvas or into other text.
  public func placedTexts(measuringWith renderer: any Renderer) throws -> (layout: FigureLayout, texts: [PlacedText]) {
    let recorder = TextPlacementRecorder(measuring: renderer)
    let layout = try layout(measuringWith: recorder)
    try draw(on: recorder, layout: layout, rasterScale: 1, pointMode: .vector)
    return (layout, recorder.texts)
  }
}

/// Texts that overlap each other or leave the canvas, as readable pairs ("'W4' overlaps 'W1'").
public enum TextCollisions {
  /// Problems among `texts` on a canvas of `width` × `height` points; ink boxes may touch within
  /// `tolerance` points (antialiasing and glyph side bearings).
  public static func problems(in texts: [PlacedText], width: Double, height: Double, tolerance: Double = 0.3)
    -> [String]
  {
    var result: [String] = []
    for t in texts
    where t.box.minX < -tolerance || t.box.minY < -tolerance || t.box.maxX > width + tolerance
      || t.box.maxY > height + tolerance
    {
      result.append(
        String(
          format: "'%@' leaves the %.1f x %.1f pt canvas at (%.1f, %.1f, %.1f, %.1f)", t.text, width, height,
          t.box.minX, t.box.minY, t.box.maxX, t.box.maxY))
    }
    let sorted = texts.sorted { $0.box.minX < $1.box.minX }
    for (i, a) in sorted.enumerated() {
      for b in sorted[(i + 1)...] {
        if b.box.minX >= a.box.maxX - tolerance { break }
        let dx = min(a.box.maxX, b.box.maxX) - max(a.box.minX, b.box.minX)
        let dy = min(a.box.maxY, b.box.maxY) - max(a.box.minY, b.box.minY)
        if dx > tolerance, dy > tolerance {
          result.append(
            String(
              format: "'%@' overlaps '%@' by %.1f x %.1f pt at (%.1f, %.1f)", a.text, b.text, dx, dy,
              max(a.box.minX, b.box.minX), max(a.box.minY, b.box.minY)))
        }
      }
    }
    return result
  }
}

/// A renderer that measures with another and records where text goes, drawing nothing.
final class TextPlacementRecorder: Renderer {
  let base: any Renderer
  private(set) var texts: [PlacedText] = []

  init(measuring base: any Renderer) { self.base = base }

  func drawPath(_ path: Path, style: PathStyle, clip: [Path]) {}
  func drawMarkers(at centers: [Point], diameter: Double, color: Color, clip: [Path]) {}
  func drawImage(_ image: RasterImage, in frame: Rect, clip: [Path]) {}
  func measureText(_ text: String, font: Font) -> TextMetrics { base.measureText(text, font: font) }

  func drawText(_ text: String, at origin: Point, style: TextStyle, clip: [Path]) {
    let m = base.measureText(text, font: style.font)
    guard m.inkWidth > 0, m.inkHeight > 0 else { return }
    let corners = m.inkCorners(at: origin, rotation: style.rotation)
    let xs = corners.map(\.x), ys = corners.map(\.y)
    texts.append(
      PlacedText(
        text: text, box: Rect(x: xs.min()!, y: ys.min()!, width: xs.max()! - xs.min()!, height: ys.max()! - ys.min()!)))
  }
}
