import CairoGraphics
import Foundation
import _TestSupport
import Testing

@Suite("Image surfaces, PNG files and error reporting", .noLeakedCairoObjects)
struct SurfaceTests {
  @Test func imageSurfaceHasRequestedSizeAndStartsTransparent() throws {
    let (pixel, leaked) = try CairoHandles.trackingLeaks {
      let image = try ImageSurface(width: 40, height: 30)
      #expect(image.width == 40 && image.height == 30)
      #expect(image.premultipliedARGB().count == 1200)
      return image.pixel(x: 5, y: 5)
    }
    #expect(pixel == Pixel(red: 0, green: 0, blue: 0, alpha: 0))
    #expect(leaked == 0)
  }

  @Test(arguments: [(0, 10), (10, 0), (-3, 4)])
  func nonPositiveSizesAreRejected(width: Int, height: Int) {
    #expect(throws: CairoError.self) { try ImageSurface(width: width, height: height) }
  }

  @Test func filledRectangleReadsBackInItsColour() throws {
    let image = try ImageSurface(width: 20, height: 20)
    let context = try Context(surface: image)
    context.setSource(.white)
    context.paint()
    context.addRectangle(Rect(x: 5, y: 5, width: 10, height: 10))
    context.setSource(Color(red255: 200, green255: 30, blue255: 90))
    context.fill()
    try context.checkStatus("draw")
    #expect(image.pixel(x: 10, y: 10) == Pixel(red: 200, green: 30, blue: 90))
    #expect(image.pixel(x: 1, y: 1) == Pixel(red: 255, green: 255, blue: 255))
    #expect(image.pixel(x: 20, y: 0) == nil)
  }

  @Test func pngRoundTripKeepsSizeAndPixels() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let ((before, after), leaked) = try CairoHandles.trackingLeaks {
      let image = try ImageSurface(width: 17, height: 9)
      let context = try Context(surface: image)
      context.setSource(Color(red: 0.2, green: 0.4, blue: 0.8, alpha: 0.5))
      context.paint()
      context.addRectangle(Rect(x: 0, y: 0, width: 5, height: 9))
      context.setSource(.black)
      context.fill()
      try image.writePNG(to: directory.file("a.png"))
      let decoded = try ImageSurface(contentsOfPNG: directory.file("a.png"))
      #expect(decoded.width == 17 && decoded.height == 9)
      return (image.premultipliedARGB(), decoded.premultipliedARGB())
    }
    #expect(before == after)
    #expect(leaked == 0)
    #expect(directory.contents() == ["a.png"], "no temporary files are left next to the output")
  }

  @Test func unwritablePNGPathThrowsNamingThePathAndLeavesNoFile() throws {
    let path = "/nonexistent/dir/x.png"
    let image = try ImageSurface(width: 4, height: 4)
    do {
      try image.writePNG(to: path)
      Issue.record("writing to \(path) should fail")
    } catch {
      #expect(error.code == .writeError)
      #expect(error.path == path)
      #expect(error.description.contains(path))
    }
    #expect(!FileManager.default.fileExists(atPath: path))
  }

  @Test func pathThatIsADirectoryCannotBeReplacedAndNothingIsLeft() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try FileManager.default.createDirectory(atPath: directory.file("taken"), withIntermediateDirectories: false)
    let image = try ImageSurface(width: 4, height: 4)
    #expect(throws: CairoError.self) { try image.writePNG(to: directory.file("taken")) }
    #expect(directory.contents() == ["taken"])
  }

  @Test func missingPNGIsReportedAsFileNotFound() {
    let path = "/nonexistent/missing.png"
    do {
      _ = try ImageSurface(contentsOfPNG: path)
      Issue.record("reading \(path) should fail")
    } catch {
      #expect(error.code == .fileNotFound)
      #expect(error.description.contains(path))
    }
  }

  @Test func malformedPNGIsRejected() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try Data("not a png at all".utf8).write(to: URL(fileURLWithPath: directory.file("bad.png")))
    #expect(throws: CairoError.self) { try ImageSurface(contentsOfPNG: directory.file("bad.png")) }
  }

  @Test func premultipliedInitializerRoundTrips() throws {
    let words: [UInt32] = [0xFF00_00FF, 0x8040_0000, 0x0000_0000, 0xFFFF_FFFF]
    let image = try ImageSurface(width: 2, height: 2, premultipliedARGB: words)
    #expect(image.premultipliedARGB() == words)
    #expect(image.pixel(x: 1, y: 0) == Pixel(red: 128, green: 0, blue: 0, alpha: 128))
    #expect(throws: CairoError.self) { try ImageSurface(width: 3, height: 2, premultipliedARGB: words) }
  }

  @Test func drawingOnAFinishedSurfaceIsReportedAtTheNextCheck() throws {
    let image = try ImageSurface(width: 4, height: 4)
    let context = try Context(surface: image)
    try image.finish()
    context.setSource(.black)
    context.paint()
    do {
      try context.checkStatus("paint after finish")
      Issue.record("painting on a finished surface should put the context in an error state")
    } catch {
      #expect(error.code == .surfaceFinished)
    }
  }

  @Test func errorDescriptionsUseCairosWording() {
    let error = CairoError(code: .noMemory, operation: "test")
    #expect(error.description == "cairo: test failed: out of memory")
  }
}
