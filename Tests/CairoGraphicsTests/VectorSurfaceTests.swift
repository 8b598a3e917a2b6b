import CairoGraphics
import Foundation
import FoundationXML
import _TestSupport
import Testing

@Suite("SVG and PDF surfaces", .noLeakedCairoObjects)
struct VectorSurfaceTests {
  @Test func svgHasSizeViewBoxPathsAndGlyphs() throws {
    let (bytes, leaked) = try CairoHandles.trackingLeaks {
      let svg = try SVGSurface(widthInPoints: 200, heightInPoints: 100)
      let context = try Context(surface: svg)
      context.addRectangle(Rect(x: 10, y: 10, width: 50, height: 30))
      context.setSource(.black)
      context.stroke()
      context.setFont(Font(size: 12))
      context.showText("Testing Set", at: Point(x: 20, y: 80))
      return try svg.finishedData()
    }
    #expect(leaked == 0)
    let summary = try #require(SVGSummary.parse(bytes))
    #expect(summary.rootAttributes["width"] == "200pt")
    #expect(summary.rootAttributes["height"] == "100pt")
    #expect(summary.rootAttributes["viewBox"] == "0 0 200 100")
    #expect((summary.counts["path"] ?? 0) >= 1)
    // Cairo 1.16 writes text as glyph symbols referenced by <use>: one per glyph drawn.
    #expect((summary.counts["use"] ?? 0) >= "TestingSet".count)
  }

  @Test func pdfStartsWithTheMagicAndEndsWithEOF() throws {
    let pdf = try PDFSurface(widthInPoints: 100, heightInPoints: 100)
    pdf.setTitle("test")
    let context = try Context(surface: pdf)
    context.addCircle(center: Point(x: 50, y: 50), radius: 20)
    context.setSource(.black)
    context.fill()
    context.showPage()
    let bytes = try pdf.finishedData()
    #expect(bytes.starts(with: Array("%PDF".utf8)))
    #expect(String(decoding: bytes.suffix(8), as: UTF8.self).contains("%%EOF"))
  }

  @Test func vectorOutputIsWrittenAtomically() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let svg = try SVGSurface(widthInPoints: 10, heightInPoints: 10)
    try svg.finish(writingTo: directory.file("a.svg"))
    #expect(directory.contents() == ["a.svg"])
    let failing = try SVGSurface(widthInPoints: 10, heightInPoints: 10)
    #expect(throws: CairoError.self) { try failing.finish(writingTo: "/nonexistent/dir/a.svg") }
  }

  @Test func textExtentsGrowWithTheString() throws {
    let context = try Context(surface: ImageSurface(width: 1, height: 1))
    context.setFont(Font(size: 10))
    let short = context.textExtents("99")
    let long = context.textExtents("99.22%")
    #expect(short.width > 0 && long.advanceX > short.advanceX)
    #expect(context.fontExtents().ascent > 5)
  }
}
