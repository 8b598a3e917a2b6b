import Foundation
import Testing

@testable import PlotKit

@Suite("Shared legends of many classes")
struct LegendColumnsTests {
  static func figure(classes: Int) -> Figure {
    let names = (0..<classes).map { "class \($0)" }
    let cloud = FeatureCloud(
      xs: (0..<classes).map { Float($0) }, ys: (0..<classes).map { Float($0 % 7) },
      labels: (0..<classes).map { UInt8($0) }, classNames: names)
    var figure = Figure(rows: 1, columns: 1)
    figure[0, 0] = .scatter(title: "t", cloud: cloud)
    figure.legendTitle = "class"
    figure.width = 6.5 * 72
    return figure
  }

  @Test func twentyClassesAreOneColumnAndAHundredAreFiveColumnsOfTwenty() throws {
    let few = try Self.figure(classes: 20).layout(measuringWith: RecordingRenderer())
    #expect(Set(few.legendEntryCenters.map(\.x)).count == 1)
    let many = try Self.figure(classes: 100).layout(measuringWith: RecordingRenderer())
    let columns = Set(many.legendEntryCenters.map { ($0.x * 1000).rounded() })
    #expect(columns.count == 5)
    #expect(many.legendEntryCenters.count == 100)
    let box = try #require(many.legendBox)
    let perColumn = Dictionary(grouping: many.legendEntryCenters) { ($0.x * 1000).rounded() }.values.map(\.count)
    #expect(perColumn.allSatisfy { $0 == FigureLayout.legendRowsPerColumn })
    // One column of 100 rows would be about 100 × 1.5 font sizes tall: 1,200 pt at 8 pt.
    #expect(box.height < 300)
    // Every entry's symbol lies inside the box, and no two share a place.
    #expect(many.legendEntryCenters.allSatisfy { box.contains($0) })
    #expect(Set(many.legendEntryCenters.map { "\($0.x),\($0.y)" }).count == 100)
  }
}
