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
      throw GIFEncodingError.palette(
        "\(unique.count) distinct colours given; a GIF palette holds at most \(Self.maximumCount)")
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
      throw GIFEncodingError.palette(
        "\(classColors.count) class colours and \(extra.count) extra colours exceed \(maximumCount - 1) palette entries"
      )
    }
    base += greys
    let targets = [background, GIFColor(red: 128, green: 128, blue: 128)]
    let free = maximumCount - 1 - Set(base).count
    let perTarget = classColors.isEmpty ? 0 : max(0, free / (classColors.count * targets.count))
    var blends: [GIFColor] = []
    if perTarget > 0 {
      for target in targets {
        for f in 1...perTarget {
          for color in classColors {
            blends.append(color.blended(towards: target, fraction: Double(f) / Double(perTarget + 1)))
          }
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
/// so a frame costs one search per distinct colour rather than per pixel, and a run of equal pixels one
/// comparison each.
///
/// The search is exact (the same entry `GIFPalette.nearestIndex` picks, ties to the lower index) but looks
/// only at the candidates of the colour's 8 × 8 × 8 cell: the entries within `d + 2h` of the cell's centre,
/// where d is the centre's distance to its nearest entry and h the cell's half-diagonal. By the triangle
/// inequality no other entry can be nearest to any colour of the cell. Antialiased frames hold tens of
/// thousands of distinct colours; a cell has a handful of candidates instead of 255.
final class PaletteQuantizer {
  let palette: GIFPalette
  private let background: GIFColor
  private var table: [UInt8]
  private var known: [UInt64]
  /// Candidate entries per cell (index r/8 · 1024 + g/8 · 32 + b/8), filled on first use.
  private var candidates: [[UInt8]?]

  init(palette: GIFPalette) {
    self.palette = palette
    background = palette.colors[0]
    table = Array(repeating: 0, count: 1 << 24)
    known = Array(repeating: 0, count: (1 << 24) / 64)
    candidates = Array(repeating: nil, count: 1 << 15)
  }

  /// The cell's candidates, in palette order (so a strict `<` scan keeps the lower index on ties).
  private func cellCandidates(_ cell: Int) -> [UInt8] {
    if let list = candidates[cell] { return list }
    let centre = (Double(cell >> 10) * 8 + 3.5, Double((cell >> 5) & 31) * 8 + 3.5, Double(cell & 31) * 8 + 3.5)
    let distances = palette.colors.map { c -> Double in
      let dr = Double(c.red) - centre.0, dg = Double(c.green) - centre.1, db = Double(c.blue) - centre.2
      return (dr * dr + dg * dg + db * db).squareRoot()
    }
    // Half-diagonal of the cell's colours (0...7 per channel around 3.5), with a hair for rounding.
    let reach = distances.min()! + 2 * (3 * 3.5 * 3.5).squareRoot() + 1e-9
    let list = distances.indices.filter { distances[$0] <= reach }.map { UInt8($0) }
    candidates[cell] = list
    return list
  }

  /// The exact nearest entry of (r, g, b).
  func nearest(_ r: Int, _ g: Int, _ b: Int) -> UInt8 {
    var best: UInt8 = 0
    var bestDistance = Int.max
    for i in cellCandidates((r >> 3) << 10 | (g >> 3) << 5 | b >> 3) {
      let entry = palette.colors[Int(i)]
      let dr = Int(entry.red) - r, dg = Int(entry.green) - g, db = Int(entry.blue) - b
      let d = dr * dr + dg * dg + db * db
      if d < bestDistance {
        best = i
        bestDistance = d
      }
    }
    return best
  }

  /// Quantises straight-alpha RGBA bytes (composited over the background where alpha < 255) into `indices`.
  func quantize(rgba: UnsafeBufferPointer<UInt8>, into indices: UnsafeMutableBufferPointer<UInt8>) {
    let bgR = UInt32(background.red), bgG = UInt32(background.green), bgB = UInt32(background.blue)
    guard let base = rgba.baseAddress, !indices.isEmpty else { return }
    let raw = UnsafeRawPointer(base)
    var lastWord: UInt32 = 0
    var lastIndex: UInt8 = 0
    var haveLast = false
    table.withUnsafeMutableBufferPointer { table in
      known.withUnsafeMutableBufferPointer { known in
        for p in 0..<indices.count {
          // The pixel's four bytes as one word (r in the low byte), so equal neighbours cost one compare.
          let word = raw.loadUnaligned(fromByteOffset: 4 * p, as: UInt32.self).littleEndian
          if haveLast && word == lastWord {
            indices[p] = lastIndex
            continue
          }
          var r = word & 0xFF, g = (word >> 8) & 0xFF, b = (word >> 16) & 0xFF
          let a = word >> 24
          if a != 255 {
            r = (r * a + bgR * (255 - a) + 127) / 255
            g = (g * a + bgG * (255 - a) + 127) / 255
            b = (b * a + bgB * (255 - a) + 127) / 255
          }
          let key = Int(r << 16 | g << 8 | b)
          let bit = UInt64(1) << UInt64(key & 63)
          if known[key >> 6] & bit == 0 {
            table[key] = nearest(Int(r), Int(g), Int(b))
            known[key >> 6] |= bit
          }
          lastWord = word
          lastIndex = table[key]
          haveLast = true
          indices[p] = lastIndex
        }
      }
    }
  }
}
