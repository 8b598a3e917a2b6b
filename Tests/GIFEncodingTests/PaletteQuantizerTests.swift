import Foundation
import Testing
@testable import GIFEncoding

@Suite struct PaletteQuantizerTests {
  /// The cell search must pick exactly the entry the full scan picks (ties to the lower index), for the
  /// palette's own colours, their neighbours and a spread of arbitrary colours, with and without alpha.
  @Test func cellSearchEqualsTheFullScan() throws {
    let palette = try GIFPalette.figure(classColors: classColors, extra: [GIFColor(red: 0xB8, green: 0xC4, blue: 0xD6)])
    let quantizer = PaletteQuantizer(palette: palette)
    var colours: [(Int, Int, Int)] = []
    for c in palette.colors {
      for d in [-9, -4, -1, 0, 1, 4, 9] {
        colours.append((Int(c.red) + d, Int(c.green) - d, Int(c.blue) + d / 2))
      }
    }
    var state: UInt64 = 42
    for _ in 0..<20_000 {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      colours.append((Int(state >> 56), Int((state >> 48) & 0xFF), Int((state >> 40) & 0xFF)))
    }
    for (r, g, b) in colours.map({ (max(0, min(255, $0.0)), max(0, min(255, $0.1)), max(0, min(255, $0.2))) }) {
      let expected = palette.nearestIndex(to: GIFColor(red: UInt8(r), green: UInt8(g), blue: UInt8(b)))
      #expect(Int(quantizer.nearest(r, g, b)) == expected, "(\(r), \(g), \(b))")
    }
    // Through `quantize`: runs of equal pixels, and a translucent pixel composited over the background.
    let pixels: [UInt8] = [10, 20, 30, 255, 10, 20, 30, 255, 200, 100, 50, 255, 0, 114, 178, 128, 0, 114, 178, 255]
    var indices = [UInt8](repeating: 0, count: 5)
    pixels.withUnsafeBufferPointer { rgba in
      indices.withUnsafeMutableBufferPointer { quantizer.quantize(rgba: rgba, into: $0) }
    }
    func over(_ v: Int) -> UInt8 { UInt8((v * 128 + 255 * 127 + 127) / 255) }
    let translucent = GIFColor(red: over(0), green: over(114), blue: over(178))
    let dark = palette.nearestIndex(to: GIFColor(red: 10, green: 20, blue: 30))
    let orange = palette.nearestIndex(to: GIFColor(red: 200, green: 100, blue: 50))
    let expected: [Int] = [
      dark, dark, orange, palette.nearestIndex(to: translucent), palette.nearestIndex(to: classColors[0]),
    ]
    #expect(indices.map(Int.init) == expected)
    #expect(palette.colors[Int(indices[4])] == classColors[0])
  }
}
