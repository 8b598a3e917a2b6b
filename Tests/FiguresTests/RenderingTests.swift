import CairoGraphics
import Foundation
import FoundationXML
import _TestSupport
import Testing

import CairoBackend
@testable import Figures
@testable import PlotKit
import _SyntheticFeatures

@Suite("Rendered figures: pixels, SVG structure, PDF, errors", .noLeakedCairoObjects)
struct RenderingTests {
  /// Two classes at known positions with big opaque markers.
  static func knownPointsFigure() -> (Figure, [Point]) {
    let points = [Point(x: -5, y: 5), Point(x: 5, y: -5), Point(x: 6, y: 6)]
    let cloud = FeatureCloud(
      xs: points.map { Float($0.x) }, ys: points.map { Float($0.y) }, labels: [0, 1, 1], classNames: ["zero", "one"])
    var figure = Figure(rows: 1, columns: 1)
    var panel = Panel.scatter(title: "known points", cloud: cloud)
    panel.layers = [ScatterLayer(cloud: cloud, markerDiameter: 8, markerAlpha: 1)]
    panel.limits = .exactly(AxisLimits(xMin: -10, xMax: 10, yMin: -10, yMax: 10))
    figure[0, 0] = panel
    return (figure, points)
  }

  @Test(arguments: [72.0, 144, 200], PointMode.allCases)
  func pngHasTheDPISizeWhiteBackgroundAndClassColouredMarkers(dpi: Double, mode: PointMode) throws {
    let (figure, points) = Self.knownPointsFigure()
    let layout = try figure.layout()
    let frame = try #require(layout.frame(row: 0, column: 0))
    let ((), leaked) = try CairoHandles.trackingLeaks {
      let image = try figure.renderImage(dpi: dpi, pointMode: mode)
      #expect(image.width == Int((layout.width * dpi / 72).rounded(.up)))
      #expect(image.height == Int((layout.height * dpi / 72).rounded(.up)))
      #expect(image.pixel(x: 1, y: 1) == Pixel(red: 255, green: 255, blue: 255))
      // Inside the axes but away from every marker.
      let empty = frame.mapping.device(Point(x: 0, y: -8))
      #expect(
        image.pixel(x: Int(empty.x * dpi / 72), y: Int(empty.y * dpi / 72)) == Pixel(red: 255, green: 255, blue: 255))
      for (i, p) in points.enumerated() {
        let d = frame.mapping.device(p)
        let pixel = try #require(image.pixel(x: Int(d.x * dpi / 72), y: Int(d.y * dpi / 72)))
        let expected = Palette.colorBlindSafe.color(forClass: i == 0 ? 0 : 1)
        let want = Pixel(
          red: UInt8(expected.red * 255), green: UInt8(expected.green * 255), blue: UInt8(expected.blue * 255))
        #expect(pixel.distance(to: want) <= 2, "\(mode) marker \(i) at \(p): \(pixel) vs \(want)")
      }
    }
    #expect(leaked == 0)
  }

  @Test func sectorsAndMarginZonesAreShadedWhereTheyLie() throws {
    let directions = [Point(x: 1, y: 0), Point(x: 0, y: 1), Point(x: -1, y: 0), Point(x: 0, y: -1)]
    let degree = Double.pi / 180
    let sectors =
      AngularSector.decisionRegions(forDirections: directions) + [
        AngularSector(start: 30 * degree, end: 45 * degree, classIndex: 0, kind: .marginZone)
      ]
    let cloud = FeatureCloud(xs: [1, 0], ys: [0, 1], labels: [0, 1], classNames: ["0", "1"])
    var figure = Figure(rows: 1, columns: 1)
    figure[0, 0] = .angular(cloud: cloud, directions: directions, sectors: sectors)
    let dpi = 144.0
    let image = try figure.renderImage(dpi: dpi)
    let mapping = try #require(try figure.layout().frame(row: 0, column: 0)).mapping
    func pixel(angle: Double, radius: Double) throws -> Pixel {
      let d = mapping.device(Point(x: radius * cos(angle * degree), y: radius * sin(angle * degree)))
      return try #require(image.pixel(x: Int(d.x * dpi / 72), y: Int(d.y * dpi / 72)))
    }
    let layer = SectorLayer(sectors: sectors)
    for (angle, c) in [(15.0, 0), (100.0, 1), (200.0, 2), (290.0, 3)] {
      let tint = layer.fillColor(of: sectors[c])
      let want = Pixel(
        red: UInt8((tint.red * 255).rounded()), green: UInt8((tint.green * 255).rounded()),
        blue: UInt8((tint.blue * 255).rounded()))
      #expect(try pixel(angle: angle, radius: 0.6).distance(to: want) <= 2, "class \(c) region at \(angle)°")
    }
    let zone = try pixel(angle: 38, radius: 0.7)
    #expect(
      zone.distance(to: Pixel(red: zone.red, green: zone.red, blue: zone.red)) <= 2, "margin zone is grey: \(zone)")
    #expect(zone.red < 235, "margin zone is shaded, not white: \(zone)")
    #expect(try pixel(angle: 38, radius: 1.45) == Pixel(red: 255, green: 255, blue: 255), "nothing beyond the wedges")
  }

  @Test(arguments: [1, 3, 10])
  func vectorSVGHasOneScatterPathPerClassAndNoImage(classCount: Int) throws {
    var figure = Figure(rows: 1, columns: 2)
    for c in 0..<2 {
      figure[0, c] = .scatter(
        title: "panel \(c)", cloud: SyntheticFeatures.star(count: 2_000, classCount: classCount, seed: UInt64(c)))
    }
    let layout = try figure.layout()
    let summary = try #require(SVGSummary.parse(try figure.svgData(pointMode: .vector)))
    #expect(summary.scatterPathCount == 2 * classCount)
    #expect(summary.counts["image"] == nil)
    // Cairo prints the size in single precision (453.541992 for 453.542): compare the numbers.
    let width = try #require(
      summary.rootAttributes["width"].flatMap { Double($0.replacingOccurrences(of: "pt", with: "")) })
    #expect(abs(width - layout.width) < 1e-3, "SVG width \(width) pt, layout \(layout.width) pt")
    let box = try #require(summary.rootAttributes["viewBox"]).split(separator: " ").compactMap { Double($0) }
    #expect(box.count == 4 && abs(box[2] - layout.width) < 1e-3 && abs(box[3] - layout.height) < 1e-3, "viewBox \(box)")
    #expect((summary.counts["use"] ?? 0) > 20, "titles, ticks and legend are drawn as glyphs")
  }

  @Test func rasterSVGEmbedsOneImagePerScatterPanel() throws {
    let figure = Gallery.allPanelKinds(points: 2_000)
    let summary = try #require(SVGSummary.parse(try figure.svgData(pointMode: .raster)))
    // Scatter panel and angular panel each have one point layer.
    #expect(summary.counts["image"] == 2)
    #expect(summary.scatterPathCount == 0)
    #expect((summary.counts["use"] ?? 0) > 100)
  }

  @Test(arguments: PointMode.allCases)
  func pdfIsNonEmptyAndStartsWithTheMagic(mode: PointMode) throws {
    let bytes = try Gallery.allPanelKinds(points: 1_000).pdfData(pointMode: mode)
    #expect(bytes.count > 1_000)
    #expect(bytes.starts(with: Array("%PDF".utf8)))
  }

  @Test func denseVectorScatterStaysSmall() throws {
    var figure = Figure(rows: 1, columns: 1)
    figure[0, 0] = .scatter(cloud: SyntheticFeatures.star(count: 70_000))
    let bytes = try figure.svgData(pointMode: .vector)
    // The anchor budget is 10 MB for 8 panels of 70,000 points.
    #expect(bytes.count < 10_000_000 / 8)
  }

  @Test func unwritableOutputPathsThrowNamingThePathAndLeaveNothing() throws {
    let (figure, _) = Self.knownPointsFigure()
    for (path, write) in [
      ("/nonexistent/dir/x.png", { try figure.writePNG(to: "/nonexistent/dir/x.png") }),
      ("/nonexistent/dir/x.svg", { try figure.writeSVG(to: "/nonexistent/dir/x.svg") }),
      ("/nonexistent/dir/x.pdf", { try figure.writePDF(to: "/nonexistent/dir/x.pdf") }),
    ] as [(String, () throws -> Void)] {
      do {
        try write()
        Issue.record("writing \(path) should fail")
      } catch let error as CairoError {
        #expect(error.path == path && error.description.contains(path))
      } catch {
        Issue.record("unexpected error \(error)")
      }
      #expect(!FileManager.default.fileExists(atPath: path))
    }
  }

  @Test func emptyFigureIsAnError() {
    #expect(throws: RenderError.self) { try Figure(rows: 1, columns: 2).renderImage() }
  }

  @Test func galleryRendersEveryFormatWithoutLeaks() throws {
    let directory = NSTemporaryDirectory() + "figures-tests-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let ((), leaked) = try CairoHandles.trackingLeaks {
      let figure = Gallery.allPanelKinds()
      try figure.writePNG(to: directory + "/gallery.png", dpi: 110)
      try figure.writeSVG(to: directory + "/gallery.svg")
      try figure.writePDF(to: directory + "/gallery.pdf")
      let decoded = try ImageSurface(contentsOfPNG: directory + "/gallery.png")
      #expect(decoded.width == Int((try figure.layout().width * 110 / 72).rounded(.up)))
      // Set RENDER_SAMPLES_DIR to keep a copy for looking at.
      if let samples = ProcessInfo.processInfo.environment["RENDER_SAMPLES_DIR"] {
        try figure.writePNG(to: samples + "/gallery.png", dpi: 150)
        var closeUp = Figure(rows: 1, columns: 3)
        closeUp[0, 2] = .decisionBoundaries(
          title: "SphereFace (m=4)", space: .angles(degrees: true),
          boundaryFunctions: [{ Self.psi4($0.x) - cos($0.y) }, { Self.psi4($0.y) - cos($0.x) }],
          inMargin: { Self.psi4($0.x) < cos($0.y) && Self.psi4($0.y) < cos($0.x) })
        closeUp[0, 0] = figure[0, 1]
        closeUp[0, 1] = .scatter(
          title: "Training Set (m=2)", cloud: SyntheticFeatures.star(count: 20_000, seed: 9), palette: .lSoftmaxPaper)
        closeUp.legendEntries =
          ScatterLayer(cloud: SyntheticFeatures.star(count: 10), palette: .lSoftmaxPaper).legendEntries
        try closeUp.writePNG(to: samples + "/close-up.png", dpi: 220)
      }
    }
    #expect(leaked == 0)
    #expect(
      Set(try FileManager.default.contentsOfDirectory(atPath: directory)) == [
        "gallery.png", "gallery.svg", "gallery.pdf",
      ])
  }

  /// L-Softmax/A-Softmax ψ(θ) = (−1)^k cos(4θ) − 2k for θ in [kπ/4, (k+1)π/4].
  static func psi4(_ theta: Double) -> Double {
    let k = min(3, Int(theta / (.pi / 4)))
    return (k % 2 == 0 ? 1 : -1) * cos(4 * theta) - 2 * Double(k)
  }

}
