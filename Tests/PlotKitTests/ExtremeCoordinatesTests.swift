import Foundation
import Testing

@testable import PlotKit

/// Limits and data at the ends of the Double and Float ranges: the mapping stays finite and
/// exact, and the raster layers draw or skip their points instead of trapping in a conversion.
@Suite("Extreme limits and data")
struct ExtremeCoordinatesTests {
  static let box = Rect(x: 10, y: 20, width: 200, height: 100)

  @Test(arguments: [1e308, Double.greatestFiniteMagnitude])
  func limitsWhoseSpanOverflowsStillMapEndToEnd(_ limit: Double) {
    let limits = AxisLimits(xMin: -limit, xMax: limit, yMin: -limit, yMax: limit)
    let m = DeviceMapping(limits: limits, available: Self.box, equalAspect: true)
    #expect(m.box.minX.isFinite && m.box.width.isFinite && m.box.height.isFinite)
    #expect(m.box.width == 100 && m.box.height == 100)
    #expect(m.device(Point(x: -limit, y: -limit)) == Point(x: m.box.minX, y: m.box.maxY))
    #expect(m.device(Point(x: limit, y: limit)) == Point(x: m.box.maxX, y: m.box.minY))
    #expect(m.device(.zero) == Point(x: m.box.minX + m.box.width / 2, y: m.box.minY + m.box.height / 2))
    let back = m.data(m.device(Point(x: limit / 2, y: -limit / 4)))
    #expect(abs(back.x / (limit / 2) - 1) < 1e-12 && abs(back.y / (-limit / 4) - 1) < 1e-12)
    #expect(m.pointsPerUnitX > 0 && m.pointsPerUnitX.isFinite)
  }

  @Test func pixelGridsOfNonFiniteOrHugeBoxesAreNotMade() {
    #expect(PixelGrid(covering: Rect(x: .nan, y: 0, width: 10, height: 10), scale: 2) == nil)
    #expect(PixelGrid(covering: Rect(x: 0, y: 0, width: .infinity, height: 10), scale: 2) == nil)
    #expect(PixelGrid(covering: Rect(x: 0, y: 0, width: 1e300, height: 10), scale: 2) == nil)
    #expect(PixelGrid(covering: Rect(x: 0, y: 0, width: 0, height: 10), scale: 2) == nil)
    let grid = PixelGrid(covering: Rect(x: 0.2, y: 0.7, width: 10, height: 5), scale: 2)
    #expect(grid?.width == 21 && grid?.height == 11)
  }

  static let extremeCloud = FeatureCloud(
    xs: [0, Float.greatestFiniteMagnitude, -Float.greatestFiniteMagnitude, .infinity, .nan, 1e-45],
    ys: [0, -Float.greatestFiniteMagnitude, Float.greatestFiniteMagnitude, 1, 2, -1e-45],
    labels: [0, 1, 0, 1, 0, 1], classNames: ["a", "b"])

  static let extremeLimits: [AxisLimits] = [
    AxisLimits(xMin: -1e308, xMax: 1e308, yMin: -1e308, yMax: 1e308),
    AxisLimits(
      xMin: -.greatestFiniteMagnitude, xMax: .greatestFiniteMagnitude, yMin: -.greatestFiniteMagnitude,
      yMax: .greatestFiniteMagnitude),
    AxisLimits(xMin: 0, xMax: 1e-320, yMin: -1, yMax: 1),
    AxisLimits(xMin: 1e300, xMax: 1e308, yMin: -1e-300, yMax: 1e-300),
    AxisLimits(xMin: -1e15, xMax: 1e15, yMin: -1e15, yMax: 1e15),
  ]

  /// Every raster and vector point path, and the density path, with each set of limits.
  @Test(arguments: extremeLimits)
  func extremePanelsDrawWithoutTrapping(_ limits: AxisLimits) throws {
    var figure = Figure(rows: 1, columns: 3)
    figure.width = 6.5 * 72
    var scatter = Panel.scatter(title: "points", cloud: Self.extremeCloud)
    scatter.limits = .exactly(limits)
    var density = Panel(title: "density", layers: [DensityLayer(cloud: Self.extremeCloud, threads: 1)])
    density.limits = .exactly(limits)
    density.equalAspect = true
    var colored = Panel(
      title: "colored",
      layers: [
        ColoredPointsLayer(
          positions: [Point(x: 0, y: 0), Point(x: 1e308, y: -1e308), Point(x: .nan, y: 1)], colorIndices: [0, 1, 0],
          palette: [.black, .gray(0.5)], alpha: 1, diameter: 3)
      ])
    colored.limits = .exactly(limits)
    figure[0, 0] = scatter
    figure[0, 1] = density
    figure[0, 2] = colored
    for mode in PointMode.allCases {
      let renderer = RecordingRenderer()
      let layout = try figure.layout(measuringWith: renderer)
      try figure.draw(on: renderer, layout: layout, rasterScale: 0.25, pointMode: mode)
      #expect(!renderer.calls.isEmpty)
    }
  }

  /// With limits of ±1e308 the point at the origin is stamped at the middle of the raster.
  @Test func theOriginLandsInTheMiddleUnderHugeLimits() throws {
    let limits = AxisLimits(xMin: -1e308, xMax: 1e308, yMin: -1e308, yMax: 1e308)
    let m = DeviceMapping(limits: limits, available: Rect(x: 0, y: 0, width: 40, height: 40), equalAspect: true)
    let grid = try #require(PixelGrid(covering: m.box, scale: 1))
    var raster = PointRaster(width: grid.width, height: grid.height)
    let d = m.device(.zero)
    raster.stamp(PointRaster.Marker(radius: 1), x: d.x, y: d.y, rgb: (1, 0, 0), alpha: 1)
    let words = raster.premultipliedARGB()
    #expect(words[20 * 40 + 20] != 0)
    #expect(words.filter { $0 != 0 }.count < 20)
  }
}
