import CairoGraphics
import Foundation
import Testing

import CairoBackend
@testable import Figures
@testable import PlotKit
import _SyntheticFeatures

@Suite("Figure layout")
struct LayoutTests {
  private func overlaps(_ a: Rect, _ b: Rect) -> Bool {
    a.minX < b.maxX && b.minX < a.maxX && a.minY < b.maxY && b.minY < a.maxY
  }

  @Test func panelsLegendAndCaptionFitInsideTheFigureWithoutOverlapping() throws {
    var figure = Gallery.allPanelKinds(points: 200)
    figure.caption = (0..<12).map { ("key\($0)", String(repeating: "v", count: 20)) }
    let layout = try figure.layout()
    let page = Rect(x: 0, y: 0, width: layout.width, height: layout.height)
    let boxes = layout.panels.map(\.mapping.box)
    #expect(boxes.count == 8)
    for (i, a) in boxes.enumerated() {
      #expect(page.contains(a.origin) && page.contains(Point(x: a.maxX, y: a.maxY)))
      for b in boxes[(i + 1)...] { #expect(!overlaps(a, b)) }
    }
    let legend = try #require(layout.legendBox)
    #expect(page.contains(Point(x: legend.maxX, y: legend.maxY)))
    #expect(boxes.allSatisfy { $0.maxX < legend.minX }, "the legend sits right of the grid")
    #expect(layout.captionLines.count > 1, "a long caption wraps")
    #expect(layout.captionLines.joined().contains("key11: "))
    #expect(layout.captionOrigin.y > boxes.map(\.maxY).max()!)
    #expect(layout.captionOrigin.y + Double(layout.captionLines.count) * 9.5 <= layout.height)
  }

  @Test func equalAspectPanelsAreSquareForSymmetricLimitsAndWideOtherwise() throws {
    var figure = Figure(rows: 1, columns: 2, panelWidth: 200, panelHeight: 150)
    figure[0, 0] = .scatter(cloud: SyntheticFeatures.star(count: 100))
    figure[0, 1] = .curves(curves: [Polyline(xs: [0, 1, 2], ys: [0, 10, 5])])
    let layout = try figure.layout()
    let square = try #require(layout.frame(row: 0, column: 0)).mapping.box
    let wide = try #require(layout.frame(row: 0, column: 1)).mapping.box
    #expect(abs(square.width - square.height) < 1e-9 && abs(square.height - 150) < 1e-9)
    #expect(wide.width == 200 && wide.height == 150)
  }

  // L-Softmax Fig. 2's layout: four columns of equal titles and a legend on the right. The last
  // column's titles wrap like the others' (they used to get 4 units of room on the legend's side),
  // and the legend stays clear of them.
  @Test func lastColumnTitlesWrapLikeTheOthersBesideARightLegend() throws {
    var figure = Figure(rows: 2, columns: 4)
    let cloud = FeatureCloud(
      xs: [-100, 100, 0], ys: [-100, 100, 50], labels: [0, 1, 2], classNames: ["0", "1", "2"])
    for row in 0..<2 {
      for column in 0..<4 {
        figure[row, column] = .scatter(
          title: "Testing Set (m=\(column + 1), λ=9.08e-08 (→ 0))", subtitle: "Testing Accuracy: 98.99%", cloud: cloud)
      }
    }
    figure.legendTitle = "digit"
    figure.width = 6.5 * 72  // `margins render`'s default width
    let layout = try figure.layout()
    let frames = (0..<4).map { layout.frame(row: 1, column: $0) }.compactMap { $0 }
    #expect(frames.count == 4)
    #expect(Set(frames.map(\.titleLines.count)).count == 1, "\(frames.map(\.titleLines))")
    #expect(Set(frames.map(\.subtitleLines.count)).count == 1, "\(frames.map(\.subtitleLines))")
    let legend = try #require(layout.legendBox)
    let last = frames[3].mapping.box
    #expect(last.maxX < legend.minX)
  }

  @Test func sharedLegendCollectsUniqueEntriesInOrder() {
    var figure = Figure(rows: 1, columns: 2)
    let cloud = FeatureCloud(xs: [0, 1], ys: [0, 1], labels: [0, 1], classNames: ["zero", "one"])
    figure[0, 0] = .scatter(cloud: cloud)
    figure[0, 1] = .angular(
      cloud: cloud, directions: [Point(x: 1, y: 0), Point(x: 0, y: 1)],
      sectors: [AngularSector(start: 0, end: 0.1, classIndex: 0, kind: .marginZone)])
    #expect(figure.sharedLegendEntries.map(\.label) == ["zero", "one", "margin zone"])
    figure.legendEntries = []
    #expect(figure.sharedLegendEntries.isEmpty)
  }
}
