import Foundation
import Testing
import _TestSupport
@testable import GIFEncoding

/// Ten class colours (Okabe–Ito and Tol tones) standing in for a figure's palette.
let classColors: [GIFColor] = [
  (0, 114, 178), (230, 159, 0), (0, 158, 115), (204, 121, 167), (86, 180, 233),
  (213, 94, 0), (240, 228, 66), (102, 17, 0), (51, 34, 136), (136, 204, 238),
].map { GIFColor(red: $0.0, green: $0.1, blue: $0.2) }

/// A fresh empty directory for one test.
func scratchDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("gif-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// A frame of vertical stripes, one per class colour, with a moving band of blended noise.
func stripes(width: Int, height: Int, shift: Int, seed: UInt64 = 1) -> GIFFrame {
  var rgba = [UInt8](repeating: 255, count: width * height * 4)
  var state = seed
  for y in 0..<height {
    for x in 0..<width {
      let p = 4 * (y * width + x)
      if (y + shift) % 8 == 0 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        rgba[p] = UInt8(truncatingIfNeeded: state >> 56)
        rgba[p + 1] = UInt8(truncatingIfNeeded: state >> 48)
        rgba[p + 2] = UInt8(truncatingIfNeeded: state >> 40)
      } else {
        let c = classColors[(x * classColors.count) / width]
        (rgba[p], rgba[p + 1], rgba[p + 2]) = (c.red, c.green, c.blue)
      }
    }
  }
  return GIFFrame(width: width, height: height, rgba: rgba)
}

func contents(of directory: URL) throws -> [String] {
  try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
}

@Suite struct GIFWriterTests {
  @Test func headerScreenFramesDelaysAndLoopReadBack() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("a.gif").path
    let palette = try GIFPalette.figure(classColors: classColors)
    let frames = (0..<3).map { stripes(width: 64, height: 48, shift: $0) }
    try GIFWriter.write(
      frames, to: path, palette: palette, options: GIFOptions(delayCentiseconds: 7, finalDelayCentiseconds: 50))
    let gif = try GIFReader(data: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    #expect(gif.version == "GIF89a")
    #expect(gif.width == 64 && gif.height == 48)
    #expect(gif.globalColors.count == 256)
    #expect(gif.loopCount == 0)
    #expect(gif.frames.count == 3)
    #expect(gif.frames.map(\.delay) == [7, 7, 57])
    #expect(gif.frames[0].width == 64 && gif.frames[0].height == 48 && gif.frames[0].transparent == nil)
    #expect(
      gif.frames.allSatisfy {
        $0.indices.count == $0.width * $0.height && $0.left + $0.width <= 64 && $0.top + $0.height <= 48
      })
    #expect(gif.sawTrailer)
    // Later frames hold only what changed, yet every screen shows its whole frame quantised.
    #expect(gif.frames[1].transparent != nil)
    for (frame, screen) in zip(frames, gif.screens()) {
      let expected = (0..<64 * 48).map { p in
        palette.nearestIndex(
          to: GIFColor(red: frame.rgba[4 * p], green: frame.rgba[4 * p + 1], blue: frame.rgba[4 * p + 2]))
      }
      #expect(screen.map { Int($0) } == expected)
    }
    #expect(try contents(of: dir) == ["a.gif"])
  }

  @Test func unchangedFramesAndFullFramesBothReadBack() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let palette = try GIFPalette.figure(classColors: classColors)
    let frames = [
      stripes(width: 20, height: 10, shift: 0), stripes(width: 20, height: 10, shift: 0),
      stripes(width: 20, height: 10, shift: 5),
    ]
    for onlyChanged in [true, false] {
      let path = dir.appendingPathComponent("same-\(onlyChanged).gif").path
      try GIFWriter.write(frames, to: path, palette: palette, options: GIFOptions(onlyChangedPixels: onlyChanged))
      let gif = try GIFReader(data: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
      let screens = gif.screens()
      #expect(screens.count == 3 && screens[0] == screens[1] && screens[1] != screens[2])
      #expect(gif.frames[1].width * gif.frames[1].height == (onlyChanged ? 1 : 200))
    }
  }

  @Test func playingOnceWritesNoLoopingExtension() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("once.gif").path
    try GIFWriter.write(
      [stripes(width: 8, height: 8, shift: 0)], to: path, palette: try GIFPalette.figure(classColors: classColors),
      options: GIFOptions(loopCount: nil))
    let gif = try GIFReader(data: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    #expect(gif.loopCount == nil && gif.frames.count == 1)
  }

  @Test func everyClassColourSurvivesQuantisationExactly() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("colours.gif").path
    let palette = try GIFPalette.figure(classColors: classColors)
    #expect(palette.colors.count <= 256)
    let frame = stripes(width: 100, height: 40, shift: 3)
    try GIFWriter.write([frame], to: path, palette: palette)
    let gif = try GIFReader(data: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    var exact = 0
    for (p, index) in gif.frames[0].indices.enumerated() {
      let decoded = gif.globalColors[Int(index)]
      let source = GIFColor(red: frame.rgba[4 * p], green: frame.rgba[4 * p + 1], blue: frame.rgba[4 * p + 2])
      if classColors.contains(source) {
        #expect(decoded == [source.red, source.green, source.blue])
        exact += 1
      } else {
        // Any other colour becomes its nearest palette entry.
        let nearest = palette.colors[palette.nearestIndex(to: source)]
        #expect(decoded == [nearest.red, nearest.green, nearest.blue])
      }
    }
    #expect(exact == 100 * 35)
  }

  @Test func translucentPixelsAreCompositedOverTheBackground() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("alpha.gif").path
    let background = GIFColor(red: 250, green: 248, blue: 240)
    let palette = try GIFPalette.figure(classColors: classColors, background: background)
    let c = classColors[0]
    let rgba: [UInt8] = [c.red, c.green, c.blue, 0, c.red, c.green, c.blue, 255]
    try GIFWriter.write([GIFFrame(width: 2, height: 1, rgba: rgba)], to: path, palette: palette)
    let gif = try GIFReader(data: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    #expect(gif.globalColors[gif.backgroundIndex] == [250, 248, 240])
    #expect(gif.frames[0].indices.map { gif.globalColors[Int($0)] } == [[250, 248, 240], [c.red, c.green, c.blue]])
  }

  @Test func framesOfDifferingSizesFailAndLeaveNoFile() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("mixed.gif").path
    let frames = [stripes(width: 16, height: 16, shift: 0), stripes(width: 16, height: 17, shift: 0)]
    #expect(throws: GIFEncodingError.sizeMismatch(file: path, frame: 1, expected: "16 × 16", found: "16 × 17")) {
      try GIFWriter.write(frames, to: path, palette: try GIFPalette.figure(classColors: classColors))
    }
    #expect(try contents(of: dir).isEmpty)
  }

  @Test func moreFramesThanTheLimitFailAndLeaveNoFile() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("long.gif").path
    let writer = try GIFWriter(
      path: path, width: 1, height: 1, palette: try GIFPalette.figure(classColors: classColors))
    let pixel = GIFFrame(width: 1, height: 1, rgba: [0, 0, 0, 255])
    for _ in 0..<GIFOptions.maximumFrames { try writer.add(pixel) }
    #expect(throws: GIFEncodingError.tooManyFrames(file: path, limit: GIFOptions.maximumFrames)) {
      try writer.add(pixel)
    }
    #expect(try contents(of: dir).isEmpty)
    #expect(throws: GIFEncodingError.finished(file: path)) { try writer.finish() }
  }

  @Test func oversizedFramesBadBuffersAndEmptyAnimationsAreRejected() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("bad.gif").path
    let palette = try GIFPalette.figure(classColors: classColors)
    #expect(throws: GIFEncodingError.frameTooLarge(file: path, width: 5000, height: 10, limit: GIFOptions.maximumSide))
    {
      try GIFWriter(path: path, width: 5000, height: 10, palette: palette)
    }
    #expect(throws: GIFEncodingError.emptyAnimation(file: path)) { try GIFWriter.write([], to: path, palette: palette) }
    #expect(throws: GIFEncodingError.pixelCount(file: path, frame: 0, expectedBytes: 16, foundBytes: 12)) {
      try GIFWriter.write(
        [GIFFrame(width: 2, height: 2, rgba: [UInt8](repeating: 0, count: 12))], to: path, palette: palette)
    }
    #expect(throws: GIFEncodingError.self) {
      try GIFWriter.write(
        [stripes(width: 2, height: 2, shift: 0)], to: path, palette: palette, options: GIFOptions(delayCentiseconds: 0))
    }
    #expect(try contents(of: dir).isEmpty)
  }

  @Test func aDroppedUnfinishedWriterRemovesItsTemporaryFile() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    do {
      let writer = try GIFWriter(
        path: dir.appendingPathComponent("dropped.gif").path, width: 4, height: 4,
        palette: try GIFPalette.figure(classColors: classColors))
      try writer.add(stripes(width: 4, height: 4, shift: 0))
      #expect(try contents(of: dir).count == 1)
    }
    #expect(try contents(of: dir).isEmpty)
  }

  @Test func aMissingDirectoryIsAClearError() throws {
    let path = "/nonexistent-\(UUID().uuidString)/x.gif"
    #expect {
      try GIFWriter(path: path, width: 4, height: 4, palette: try GIFPalette.figure(classColors: classColors))
    } throws: { error in
      "\(error)".contains(path)
    }
  }

  @Test func figurePaletteHoldsBackgroundClassColoursGreysAndBlends() throws {
    let palette = try GIFPalette.figure(classColors: classColors, extra: [GIFColor(red: 200, green: 210, blue: 230)])
    #expect(palette.colors[0] == .white)
    #expect(palette.colors.count <= 255 && palette.colors.count > 255 - 2 * classColors.count)
    #expect(Set(palette.colors).count == palette.colors.count)
    for c in classColors { #expect(palette.colors[palette.nearestIndex(to: c)] == c) }
    // Tints of a class colour (translucent points over white or grey shading) stay close to the true tint.
    for c in classColors {
      for target in [GIFColor.white, GIFColor(red: 128, green: 128, blue: 128)] {
        for f in [0.2, 0.5, 0.8] {
          let tint = c.blended(towards: target, fraction: f)
          let q = palette.colors[palette.nearestIndex(to: tint)]
          #expect(
            max(abs(Int(q.red) - Int(tint.red)), abs(Int(q.green) - Int(tint.green)), abs(Int(q.blue) - Int(tint.blue)))
              <= 12)
        }
      }
    }
    #expect(throws: GIFEncodingError.self) {
      try GIFPalette(colors: (0..<300).map { GIFColor(red: UInt8($0 % 256), green: UInt8($0 / 256), blue: 0) })
    }
  }
}
