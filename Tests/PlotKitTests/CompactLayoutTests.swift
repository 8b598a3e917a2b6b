import Foundation
import Testing

@testable import PlotKit
import _SyntheticFeatures

@Suite("Compact form, outer ticks, placed text")
struct CompactLayoutTests {
  /// Two rows of four scatters with one shared scale and a right legend, like L-Softmax Fig. 2.
  static func grid(width: Double?, mode: Figure.CompactMode) -> Figure {
    var figure = Figure(rows: 2, columns: 4)
    let cloud = FeatureCloud(xs: [-30, 30, 0], ys: [-30, 30, 10], labels: [0, 1, 2], classNames: ["0", "1", "2"])
    for r in 0..<2 {
      for c in 0..<4 {
        var panel = Panel.scatter(title: "Testing Set (m=\(c + 1))", subtitle: "Testing Accuracy: 99.00%", cloud: cloud)
        panel.compactTitle = "m=\(c + 1)"
        panel.compactSubtitle = "99.00%"
        figure[r, c] = panel
      }
    }
    figure.limitSharing = .all
    figure.width = width
    figure.compactMode = mode
    return figure
  }

  func layout(_ figure: Figure) throws -> FigureLayout {
    try figure.layout(measuringWith: RecordingRenderer())
  }

  @Test func automaticModeIsCompactOnlyWhenPanelsWouldBeNarrow() throws {
    let wide = try layout(Self.grid(width: 12 * 72, mode: .automatic))
    #expect(!wide.isCompact)
    #expect(wide.figure.style.legend == .right)
    let narrow = try layout(Self.grid(width: 3.25 * 72, mode: .automatic))
    #expect(narrow.isCompact)
    #expect(narrow.figure.style.legend == .bottom)
    #expect(narrow.figure.rows == 2 && narrow.figure.columns == 4)
    #expect(narrow.panels.allSatisfy { $0.titleLines == ["m=\($0.column + 1)"] })
    #expect(narrow.figure[1, 0]?.subtitle == "99.00%")
    // Without the compact form four columns and a right legend do not fit a column.
    #expect(throws: RenderError.self) { try layout(Self.grid(width: 3.25 * 72, mode: .never)) }
  }

  @Test func outerTickLabelsOnlyWhereTheLimitsRepeat() throws {
    let compact = try layout(Self.grid(width: 3.25 * 72, mode: .always))
    for frame in compact.panels {
      #expect(frame.showsYTickLabels == (frame.column == 0))
      #expect(frame.showsXTickLabels == (frame.row == 1))
    }
    // A panel whose limits differ from its neighbours' keeps its own tick labels.
    var figure = Self.grid(width: 3.25 * 72, mode: .always)
    figure.limitSharing = .independent
    figure[0, 2] = .scatter(
      cloud: FeatureCloud(xs: [-300, 300], ys: [-300, 300], labels: [0, 1], classNames: ["0", "1"]))
    let mixed = try layout(figure)
    let odd = try #require(mixed.frame(row: 0, column: 2))
    #expect(odd.showsYTickLabels && odd.showsXTickLabels)
    #expect(try #require(mixed.frame(row: 0, column: 3)).showsYTickLabels)
  }

  @Test func reflowingCompactFormsTakeTheirReadingOrder() {
    var figure = Figure(rows: 2, columns: 2)
    for k in 0..<4 { figure.panels[k] = Panel(title: "p\(k)") }
    figure.compactColumns = 1
    #expect(figure.compactForm().panels.map { $0?.title } == ["p0", "p2", "p1", "p3"])
    figure.compactReflowsByRow = true
    #expect(figure.compactForm().panels.map { $0?.title } == ["p0", "p1", "p2", "p3"])
    #expect(figure.compactForm(reflowing: false).columns == 2)
  }

  @Test func logAxisLabelsUseOneNotation() {
    #expect(NiceTicks.logLabels([0.001, 0.01, 0.1, 1, 10]) == ["0.001", "0.01", "0.1", "1", "10"])
    #expect(NiceTicks.logLabels([1e-6, 1e-3, 1]) == ["10⁻⁶", "10⁻³", "10⁰"])
  }

  @Test func fittedTickLabelsKeepApartAndInsideTheirRoom() {
    let range = AxisRange(-40, 40)
    let width: (String) -> Double = { Double($0.count) * 5 }
    let wide = AxisTicks.fitting(range, .linear, length: 200, gap: 3, extent: width)
    #expect(wide.map(\.value) == [-40, -20, 0, 20, 40])
    let narrow = AxisTicks.fitting(range, .linear, length: 40, gap: 3, overhang: (4, 4), extent: width)
    #expect(narrow.count >= 2)
    let positions = narrow.map { ($0.value + 40) / 80 * 40 }
    for (a, b) in zip(zip(narrow, positions), zip(narrow, positions).dropFirst()) {
      #expect(b.1 - a.1 >= (width(a.0.label) + width(b.0.label)) / 2 + 3)
    }
    #expect(positions.first! - width(narrow.first!.label) / 2 >= -4)
    #expect(positions.last! + width(narrow.last!.label) / 2 <= 44)
  }

  @Test func placedTextsFindOverlapsAndTextOffTheCanvas() throws {
    let texts = [
      PlacedText(text: "W4", box: Rect(x: 10, y: 10, width: 12, height: 8)),
      PlacedText(text: "W1", box: Rect(x: 18, y: 12, width: 12, height: 8)),
      PlacedText(text: "far", box: Rect(x: 95, y: 50, width: 10, height: 8)),
      PlacedText(text: "ok", box: Rect(x: 40, y: 40, width: 10, height: 8)),
    ]
    let problems = TextCollisions.problems(in: texts, width: 100, height: 100)
    #expect(problems.count == 2)
    #expect(problems.contains { $0.contains("'W4' overlaps 'W1'") })
    #expect(problems.contains { $0.contains("'far' leaves") })
    // A whole figure: every title, tick label, legend entry and caption line is recorded.
    var figure = Self.grid(width: 3.25 * 72, mode: .always)
    figure.caption = [("data", "two rows")]
    let placed = try figure.placedTexts(measuringWith: RecordingRenderer())
    #expect(placed.texts.contains { $0.text == "m=4" })
    #expect(placed.texts.contains { $0.text == "data: two rows" })
    #expect(placed.texts.filter { $0.text == "99.00%" }.count == 8)
  }

  @Test func densityBandCountsPointsPerBinAndClass() {
    let cloud = FeatureCloud(
      xs: [1, 1, 0, -1], ys: [0.001, 0.002, 1, 0], labels: [0, 1, 1, 0], classNames: ["a", "b"])
    let counts = AngularDensityLayer(cloud: cloud, binDegrees: 90).counts()
    #expect(counts == [[1, 1], [0, 1], [1, 0], [0, 0]])
  }

  @Test func radialJitterIsSeededAndBounded() {
    let cloud = SyntheticFeatures.star(count: 500)
    let a = cloud.projectedOntoUnitCircle(radialJitter: 0.05), b = cloud.projectedOntoUnitCircle(radialJitter: 0.05)
    #expect(a.xs == b.xs && a.ys == b.ys)
    let radii = zip(a.xs, a.ys).map { ($0 * $0 + $1 * $1).squareRoot() }
    #expect(radii.allSatisfy { $0 >= 0.95 - 1e-5 && $0 <= 1.05 + 1e-5 })
    #expect(radii.max()! - radii.min()! > 0.05)
  }
}
