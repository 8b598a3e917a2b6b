import CairoBackend
import CairoGraphics
import Foundation
import Testing

@testable import PlotKit
import _SyntheticFeatures

@Suite("Report-size layout")
struct ReportSizeTests {
  private func figure(width: Double?, fontSize: Double) -> Figure {
    let cloud = SyntheticFeatures.star(count: 300, classCount: 4)
    var figure = Figure(rows: 1, columns: 2)
    figure[0, 0] = .scatter(title: "HHHH", cloud: cloud)
    figure[0, 1] = .scatter(title: "HHHH", cloud: cloud)
    figure.width = width
    figure.style.fontSize = fontSize
    figure.caption = [("run", "x")]
    return figure
  }

  /// The height in pixels of the dark ink above the first panel's axes (its title).
  private func titleInkHeight(_ figure: Figure, dpi: Double) throws -> Int {
    let image = try figure.renderImage(dpi: dpi)
    let box = try #require(try figure.layout().frame(row: 0, column: 0)).mapping.box
    var rows = [Int]()
    for y in 0..<Int(box.minY * dpi / 72) - 1 {
      for x in Int(box.minX * dpi / 72)..<Int(box.maxX * dpi / 72) {
        if let p = image.pixel(x: x, y: y), p.red < 100 { rows.append(y); break }
      }
    }
    return (rows.max() ?? 0) - (rows.min() ?? 0) + 1
  }

  @Test func widthSetsTheImageWidthAtTheDPI() throws {
    for (points, dpi) in [(468.0, 150.0), (300.0, 100.0)] {
      let image = try figure(width: points, fontSize: 8).renderImage(dpi: dpi)
      #expect(image.width == Int((points * dpi / 72).rounded(.up)))
    }
    let narrow = try figure(width: 300, fontSize: 8).renderImage(dpi: 100)
    let wide = try figure(width: 600, fontSize: 8).renderImage(dpi: 100)
    #expect(wide.height > narrow.height, "panels keep their aspect ratio")
  }

  @Test func fontSizeScalesTheMeasuredTextHeight() throws {
    let small = try titleInkHeight(figure(width: 468, fontSize: 8), dpi: 200)
    let large = try titleInkHeight(figure(width: 468, fontSize: 16), dpi: 200)
    #expect(small > 5)
    #expect(abs(Double(large) / Double(small) - 2) < 0.25, "cap height \(small) px at 8 pt, \(large) px at 16 pt")
  }

  @Test func defaultsReadAtSevenPointsOrMoreAtSixAndAHalfInches() throws {
    let f = figure(width: 6.5 * 72, fontSize: FigureStyle.defaultFontSize)
    let layout = try f.layout()
    #expect(abs(layout.width - 6.5 * 72) < 1e-6, "the figure prints at its own size")
    #expect(layout.style.smallestTextSize >= 7)
  }

  @Test func tickLabelsNeverRunOffTheFigure() throws {
    var f = Figure(rows: 1, columns: 1)
    let cloud = FeatureCloud(xs: [-123456, 123456], ys: [-123456, 123456], labels: [0, 1], classNames: ["a", "b"])
    f[0, 0] = .scatter(cloud: cloud)
    f.width = 300
    let layout = try f.layout()
    let box = layout.panels[0].mapping.box
    // The y tick labels ("−120000") sit in a gutter measured from their widest label.
    let renderer = try CairoRenderer.measuring()
    let widest = renderer.measureText("\u{2212}120000", font: layout.style.font(layout.style.tickSize)).advance
    #expect(box.minX - widest > 0)
  }
}
