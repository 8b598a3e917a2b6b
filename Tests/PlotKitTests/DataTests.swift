import Foundation
import Testing

@testable import PlotKit

@Suite("Plain input types: clouds, histograms, CSV logs, palettes")
struct DataTests {
  @Test func projectionPutsPointsOnTheUnitCircleAndDropsZeros() {
    let cloud = FeatureCloud(
      xs: [3, 0, -2, 0], ys: [4, 0, 0, 5], labels: [0, 1, 2, 3], classNames: ["a", "b", "c", "d"])
    let projected = cloud.projectedOntoUnitCircle()
    #expect(projected.count == 3)
    #expect(projected.labels == [0, 2, 3])
    for i in 0..<projected.count {
      #expect(abs(projected.xs[i] * projected.xs[i] + projected.ys[i] * projected.ys[i] - 1) < 1e-6)
    }
    let rings = cloud.projectedOntoUnitCircle(radialOffsetPerClass: 0.1)
    #expect(abs(rings.xs[1] + 1.2) < 1e-6, "class 2 sits at radius 1.2")
  }

  @Test func interleavedInputAndMediansAndAngles() {
    let cloud = FeatureCloud(interleaved: [1, 0, 3, 0, 2, 0, 0, -1], labels: [0, 0, 0, 1], classNames: ["0", "1"])
    #expect(cloud.xs == [1, 3, 2, 0] && cloud.ys == [0, 0, 0, -1])
    #expect(cloud.classMedians() == [Point(x: 2, y: 0), Point(x: 0, y: -1)])
    let angles = cloud.anglesToOwnClass(directions: [Point(x: 0, y: 1), Point(x: 0, y: -1)])
    #expect(angles.count == 4)
    #expect(abs(angles[0] - 90) < 1e-9 && abs(angles[3]) < 1e-9)
  }

  @Test func histogramCountsAndDensity() {
    let h = Histogram(values: [0, 1, 1.5, 9.99, 10, 11, -1], binCount: 5, range: 0...10)
    #expect(h.edges == [0, 2, 4, 6, 8, 10])
    #expect(h.counts == [3, 0, 0, 0, 2])
    let d = h.density()
    let area = d.counts.indices.map { d.counts[$0] * (d.edges[$0 + 1] - d.edges[$0]) }.reduce(0, +)
    #expect(abs(area - 1) < 1e-12)
  }

  @Test func csvColumnsBecomeCurves() throws {
    let table = try CSVTable(parsing: "iteration,loss,accuracy\n0,2.30,0.1\n100,1.2,\n\n200,0.5,0.9\n")
    #expect(try table.column("loss") == [2.3, 1.2, 0.5])
    #expect(try table.column("accuracy")[1].isNaN)
    let curve = try Polyline(table: table, x: "iteration", y: "loss")
    #expect(curve.points.map(\.x) == [0, 100, 200] && curve.name == "loss")
  }

  @Test(arguments: [
    ("", 1), ("a,b\n1,2,3\n", 2), ("a,b\n1,x\n", 2), ("a\n1\n2\nnan?\n", 4),
  ])
  func malformedCSVNamesTheLine(text: String, line: Int) {
    do {
      _ = try CSVTable(parsing: text)
      Issue.record("'\(text)' should not parse")
    } catch let RenderError.malformedCSV(errorLine, _) {
      #expect(errorLine == line)
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  @Test func missingColumnListsTheAvailableOnes() throws {
    let table = try CSVTable(parsing: "a,b\n1,2\n")
    #expect(throws: RenderError.missingColumn("c", available: ["a", "b"])) { try table.column("c") }
  }

  @Test func palettesHaveTenDistinctColoursAndAFallback() {
    for palette in [Palette.colorBlindSafe, .lSoftmaxPaper, .seabornColorblind] {
      #expect(Set((0..<10).map(palette.color(forClass:))).count == 10, "\(palette.name)")
    }
    #expect(Palette.lSoftmaxPaper.color(forClass: 0) == Color(red255: 255, green255: 0, blue255: 255))
    #expect(Palette.lSoftmaxPaper.color(forClass: 7) == Color(red255: 0, green255: 113, blue255: 188))
    let extra = Set((0..<40).map(Palette.colorBlindSafe.color(forClass:)))
    #expect(extra.count == 40)
  }

  @Test(arguments: [100, 1_000, 10_000, 70_000, 1_000_000])
  func markerSizeAndAlphaShrinkWithTheCount(count: Int) {
    let d = ScatterLayer.markerDiameter(forCount: count), a = ScatterLayer.markerAlpha(forCount: count)
    #expect(d >= 0.9 && d <= 4 && a >= 0.3 && a <= 1)
    #expect(ScatterLayer.markerDiameter(forCount: count * 2) <= d)
    #expect(ScatterLayer.markerAlpha(forCount: count * 2) <= a)
  }
}

@Suite("Angle histograms")
struct AngleHistogramTests {
  @Test func perClassSeriesCountEachClassAgainstItsOwnDirection() {
    let cloud = FeatureCloud(xs: [1, 1, 0, -1], ys: [0, 1, 1, 0], labels: [0, 0, 1, 1], classNames: ["a", "b"])
    let directions = [Point(x: 1, y: 0), Point(x: 0, y: 1)]
    let series = HistogramSeries.anglesPerClass(
      of: cloud, directions: directions, binCount: 4, range: 0...180, density: false)
    #expect(series.map(\.name) == ["a", "b"])
    // 45° bins; a value on an edge goes to the bin above it.
    #expect(series[0].histogram.counts == [1, 1, 0, 0], "0° and 45°")
    #expect(series[1].histogram.counts == [1, 0, 1, 0], "0° and 90°")
    let pooled = HistogramSeries.anglesPooled(
      of: cloud, directions: directions, name: "train", color: .black, binCount: 4, range: 0...180, density: false)
    #expect(pooled.histogram.counts == [2, 1, 1, 0])
  }
}
