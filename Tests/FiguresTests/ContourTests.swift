import CairoGraphics
import Foundation
import _TestSupport
import Testing

import CairoBackend
@testable import Figures
@testable import PlotKit

@Suite("Zero-level contours and predicate regions", .noLeakedCairoObjects)
struct ContourTests {
  @Test func aStraightBoundaryIsOneOpenLineOnTheBoundary() {
    let lines = Contour.zeroLevel(
      of: { $0.x - 0.5 * $0.y - 0.2 }, in: AxisLimits(xMin: 0, xMax: 1, yMin: 0, yMax: 1), resolution: 50)
    #expect(lines.count == 1)
    let line = lines[0]
    #expect(line.count > 40)
    for p in line { #expect(abs(p.x - 0.5 * p.y - 0.2) < 1e-9) }
    let ys = line.map(\.y)
    #expect(abs(ys.min()! - 0) < 1e-9 && abs(ys.max()! - 1) < 1e-9)
  }

  @Test(arguments: [1, 2])
  func circlesBecomeClosedLoops(count: Int) {
    let centres = [Point(x: -0.5, y: 0), Point(x: 0.5, y: 0)].prefix(count)
    let f: (Point) -> Double = { p in
      centres.map { 0.3 - ((p.x - $0.x) * (p.x - $0.x) + (p.y - $0.y) * (p.y - $0.y)).squareRoot() }.max()!
    }
    let loops = Contour.zeroLevel(of: f, in: AxisLimits(xMin: -1, xMax: 1, yMin: -1, yMax: 1), resolution: 120)
    #expect(loops.count == count)
    for loop in loops {
      #expect(loop.first == loop.last, "closed")
      for p in loop { #expect(abs(f(p)) < 0.01) }
    }
  }

  @Test func sphereFaceDiagramShadesTheMarginBetweenItsBoundaries() throws {
    let m = 2.0
    var figure = Figure(rows: 1, columns: 1)
    figure[0, 0] = .decisionBoundaries(
      title: "SphereFace (m=2)", space: .angles(degrees: true),
      boundaryFunctions: [{ m * $0.x - $0.y }, { m * $0.y - $0.x }],
      inMargin: { m * $0.x >= $0.y && m * $0.y >= $0.x })
    let panel = try #require(figure[0, 0])
    let lines = panel.layers.compactMap { $0 as? CurveLayer }.flatMap(\.curves)
    #expect(lines.count == 2 && lines.allSatisfy { $0.dash == Polyline.boundaryDash })
    let dpi = 144.0
    let image = try figure.renderImage(dpi: dpi)
    let mapping = try #require(try figure.layout().frame(row: 0, column: 0)).mapping
    func pixel(_ degrees: Point) throws -> Pixel {
      let d = mapping.device(degrees)
      return try #require(image.pixel(x: Int(d.x * dpi / 72), y: Int(d.y * dpi / 72)))
    }
    let grey = try pixel(Point(x: 90, y: 100))
    #expect(grey.distance(to: Pixel(red: 199, green: 199, blue: 199)) <= 3, "inside the margin: \(grey)")
    #expect(try pixel(Point(x: 20, y: 150)) == Pixel(red: 255, green: 255, blue: 255))
    #expect(try pixel(Point(x: 150, y: 20)) == Pixel(red: 255, green: 255, blue: 255))
  }
}
