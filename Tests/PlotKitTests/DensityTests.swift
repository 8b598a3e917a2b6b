import Foundation
import Testing

@testable import PlotKit

@Suite("Density mode: counts per pixel and class", .timeLimit(.minutes(5)))
struct DensityTests {
  /// Unpremultiplied (r, g, b, a) of an ARGB32 word, each 0...1.
  static func rgba(_ word: UInt32) -> (Double, Double, Double, Double) {
    let a = Double(word >> 24) / 255
    guard a > 0 else { return (0, 0, 0, 0) }
    func channel(_ shift: UInt32) -> Double { Double((word >> shift) & 0xFF) / 255 / a }
    return (channel(16), channel(8), channel(0), a)
  }

  /// Pixel 0: four points of class 0; pixel 1: two of class 0 and two of class 1; pixel 2: none.
  static let cloud = FeatureCloud(
    xs: [0.5, 0.5, 0.5, 0.5, 1.5, 1.5, 1.5, 1.5], ys: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
    labels: [0, 0, 0, 0, 0, 1, 0, 1], classNames: ["A", "B"])

  @Test func oneClassIsItsColourAnEqualMixIsTheMeanAndEmptyIsBackground() throws {
    let grid = try DensityGrid.counting(
      CloudDensitySource(cloud: Self.cloud), width: 3, height: 1, classCount: 2, transform: (1, 0, 1, 0))
    #expect(grid.count(column: 0, row: 0, classIndex: 0) == 4)
    #expect(grid.count(column: 1, row: 0, classIndex: 1) == 2)
    let palette = Palette.colorBlindSafe
    let image = grid.shaded(palette: palette)
    let a = palette.color(forClass: 0), b = palette.color(forClass: 1)
    let only = Self.rgba(image.premultipliedARGB[0])
    #expect(abs(only.0 - a.red) < 0.01 && abs(only.1 - a.green) < 0.01 && abs(only.2 - a.blue) < 0.01 && only.3 == 1)
    let mixed = Self.rgba(image.premultipliedARGB[1])
    #expect(abs(mixed.0 - (a.red + b.red) / 2) < 0.01)
    #expect(abs(mixed.1 - (a.green + b.green) / 2) < 0.01)
    #expect(abs(mixed.2 - (a.blue + b.blue) / 2) < 0.01)
    #expect(image.premultipliedARGB[2] == 0)
  }

  @Test func theMixDoesNotDependOnTheOrderOfTheRows() throws {
    let c = Self.cloud
    let reversed = FeatureCloud(
      xs: c.xs.reversed(), ys: c.ys.reversed(), labels: c.labels.reversed(), classNames: c.classNames)
    let palette = Palette.colorBlindSafe
    let one = try DensityGrid.counting(
      CloudDensitySource(cloud: Self.cloud), width: 3, height: 1, classCount: 2, transform: (1, 0, 1, 0)
    ).shaded(palette: palette)
    let other = try DensityGrid.counting(
      CloudDensitySource(cloud: reversed), width: 3, height: 1, classCount: 2, transform: (1, 0, 1, 0)
    ).shaded(palette: palette)
    #expect(one.premultipliedARGB[1] == other.premultipliedARGB[1])
  }

  @Test func twoThreadsCountWhatOneCounts() throws {
    var generator = SystemRandomNumberGenerator()
    let n = 150_000
    let cloud = FeatureCloud(
      xs: (0..<n).map { _ in Float.random(in: -1...1, using: &generator) },
      ys: (0..<n).map { _ in Float.random(in: -1...1, using: &generator) },
      labels: (0..<n).map { _ in UInt8.random(in: 0..<5, using: &generator) }, classNames: ["0", "1", "2", "3", "4"])
    let transform = (ax: 20.0, bx: 20.0, ay: -20.0, by: 20.0)
    let one = try DensityGrid.counting(
      CloudDensitySource(cloud: cloud), width: 40, height: 40, classCount: 5, transform: transform, threads: 1)
    let two = try DensityGrid.counting(
      CloudDensitySource(cloud: cloud), width: 40, height: 40, classCount: 5, transform: transform, threads: 2)
    #expect(one.counts == two.counts)
    #expect(two.counts.reduce(0) { $0 + Int($1) } == n)
  }

  @Test func automaticModeSwitchesAboveTheThreshold() {
    #expect(!DensityMode.auto.aggregates(count: DensityLayer.defaultThreshold))
    #expect(DensityMode.auto.aggregates(count: DensityLayer.defaultThreshold + 1))
    #expect(DensityMode.auto.aggregates(count: 301, threshold: 300))
    #expect(DensityMode.always.aggregates(count: 1))
    #expect(!DensityMode.never.aggregates(count: 10_000_000))
    #expect(DensityLayer.captionValue(pointCount: 10_000_000) == "10,000,000 points aggregated per pixel and class")
  }

  @Test func aDensityPanelPaintsOneImageAndNoMarkers() throws {
    var figure = Figure(rows: 1, columns: 1)
    figure[0, 0] = Panel(title: "t", layers: [DensityLayer(cloud: Self.cloud)], limits: .forFeatures(Self.cloud.bounds))
    let renderer = ImageRecorder()
    let layout = try figure.layout(measuringWith: renderer)
    try figure.draw(on: renderer, layout: layout, rasterScale: 1, pointMode: .raster)
    #expect(renderer.images.count == 1)
    let image = try #require(renderer.images.first)
    #expect(image.premultipliedARGB.contains { $0 != 0 })
    #expect(image.premultipliedARGB.contains { $0 == 0 })
  }

  @Test func limitsAreFittedUnlessTheFeaturesAreCentred() {
    let relu = AxisLimits(xMin: 0, xMax: 12, yMin: 0.5, yMax: 9)
    #expect(LimitsPolicy.forFeatures(relu) == .nice)
    let star = AxisLimits(xMin: -30, xMax: 25, yMin: -18, yMax: 31)
    #expect(LimitsPolicy.forFeatures(star) == .symmetric)
    let offCentre = AxisLimits(xMin: -1, xMax: 40, yMin: -2, yMax: 35)
    #expect(LimitsPolicy.forFeatures(offCentre) == .nice)
  }
}

/// Records the images a figure paints (everything else reaches `drawPath` and is dropped).
final class ImageRecorder: Renderer {
  private(set) var images: [RasterImage] = []
  func drawPath(_ path: Path, style: PathStyle, clip: [Path]) {}
  func drawImage(_ image: RasterImage, in frame: Rect, clip: [Path]) { images.append(image) }
  func measureText(_ text: String, font: Font) -> TextMetrics {
    let w = 0.6 * font.size * Double(text.count)
    return TextMetrics(advance: w, inkLeft: 0, inkTop: -0.75 * font.size, inkWidth: w, inkHeight: 0.75 * font.size)
  }
}
