/// A fixed global palette of at most 256 colours shared by every frame, so colours never flicker.
///
/// Pixels are mapped to the nearest entry (squared RGB distance), which keeps every palette colour
/// exact: the class colours are entries, so a class's points come out in exactly its colour.
public struct GIFPalette: Sendable, Equatable {
  public static let maximumCount = 256

  /// The entries; entry 0 is the background (the logical screen's background colour).
  public let colors: [GIFColor]

  /// A palette of `colors` (duplicates removed, order kept; the first is the background).
  public init(colors: [GIFColor]) throws {
    var seen = Set<GIFColor>()
    let unique = colors.filter { seen.insert($0).inserted }
    guard !unique.isEmpty else { throw GIFEncodingError.palette("a palette needs at least one colour") }
    guard unique.count <= Self.maximumCount else {
      throw GIFEncodingError.palette("\(unique.count) distinct colours given; a GIF palette holds at most \(Self.maximumCount)")
    }
    self.colors = unique
  }

  /// The palette for feature figures: `background`, black, `extra` colours (axes, shading, text), the
  /// class colours, `greyLevels` greys from black to white, and then, filling the rest evenly, every class
  /// colour blended towards the background and towards mid-grey (the tints translucent and dimmed points
  /// and antialiased edges produce). At most 255 entries, so the writer has an index left for transparency.
  public static func figure(
    classColors: [GIFColor], background: GIFColor = .white, extra: [GIFColor] = [], greyLevels: Int = 24
  ) throws -> GIFPalette {
    precondition(greyLevels >= 2, "need at least two grey levels (black and white)")
    let greys = (0..<greyLevels).map { k -> GIFColor in
      let v = UInt8((255 * Double(k) / Double(greyLevels - 1)).rounded())
      return GIFColor(red: v, green: v, blue: v)
    }
    var base = [background, .black] + extra + classColors
    let fixedCount = Set(base).count
    guard fixedCount <= maximumCount - 1 else {
      throw GIFEncodingError.palette("\(classColors.count) class colours and \(extra.count) extra colours exceed \(maximumCount - 1) palette entries")
    }
    base += greys
    let targets = [background, GIFColor(red: 128, green: 128, blue: 128)]
    let free = maximumCount - 1 - Set(base).count
    let perTarget = classColors.isEmpty ? 0 : max(0, free / (classColors.count * targets.count))
    var blends: [GIFColor] = []
    if perTarget > 0 {
      for target in targets {
        for f in 1...perTarget {
          for color in classColors { blends.append(color.blended(towards: target, fraction: Double(f) / Double(perTarget + 1))) }
        }
      }
    }
    var seen = Set<GIFColor>()
    let all = (base + blends).filter { seen.insert($0).inserted }
    return try GIFPalette(colors: Array(all.prefix(maximumCount - 1)))
  }

  /// The index of the entry nearest `color`.
  public func nearestIndex(to color: GIFColor) -> Int {
    var best = 0
    var bestDistance = Int.max
    for (i, entry) in colors.enumerated() {
      let dr = Int(entry.red) - Int(color.red)
      let dg = Int(entry.green) - Int(color.green)
      let db = Int(entry.blue) - Int(color.blue)
      let d = dr * dr + dg * dg + db * db
      if d < bestDistance {
        best = i
        bestDistance = d
        if d == 0 { break }
      }
    }
    return best
  }
}

/// Maps RGBA pixels to palette indices, remembering every colour it has seen (a lazily filled 2²⁴ table),
/// so a frame costs one search per distinct colour rather than per pixel.
final class PaletteQuantizer {
  let palette: GIFPalette
  private let background: GIFColor
  private var table: [UInt8]
  private var known: [UInt64]

  init(palette: GIFPalette) {
    self.palette = palette
    background = palette.colors[0]
    table = Array(repeating: 0, count: 1 << 24)
    known = Array(repeating: 0, count: (1 << 24) / 64)
  }

  /// Quantises straight-alpha RGBA bytes (composited over the background where alpha < 255) into `indices`.
  func quantize(rgba: UnsafeBufferPointer<UInt8>, into indices: UnsafeMutableBufferPointer<UInt8>) {
    let bgR = Int(background.red), bgG = Int(background.green), bgB = Int(background.blue)
    table.withUnsafeMutableBufferPointer { table in
      known.withUnsafeMutableBufferPointer { known in
        for p in 0..<indices.count {
          var r = Int(rgba[4 * p]), g = Int(rgba[4 * p + 1]), b = Int(rgba[4 * p + 2])
          let a = Int(rgba[4 * p + 3])
          if a != 255 {
            r = (r * a + bgR * (255 - a) + 127) / 255
            g = (g * a + bgG * (255 - a) + 127) / 255
            b = (b * a + bgB * (255 - a) + 127) / 255
          }
          let key = r << 16 | g << 8 | b
          let bit = UInt64(1) << UInt64(key & 63)
          if known[key >> 6] & bit == 0 {
            table[key] = UInt8(palette.nearestIndex(to: GIFColor(red: UInt8(r), green: UInt8(g), blue: UInt8(b))))
            known[key >> 6] |= bit
          }
          indices[p] = table[key]
        }
      }
    }
  }
}
