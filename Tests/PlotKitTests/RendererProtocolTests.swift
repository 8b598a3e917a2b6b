import Foundation
import PlotKit
import Testing

/// The kit draws through any `Renderer`; these run without Cairo.
@Suite("Renderer protocol (no backend)")
struct RendererProtocolTests {
  private func cloudFigure(points: Int) -> Figure {
    let xs = (0..<points).map { Float($0 % 10) - 4.5 }
    let ys = (0..<points).map { Float($0 / 10 % 10) - 4.5 }
    let cloud = FeatureCloud(xs: xs, ys: ys, labels: (0..<points).map { UInt8($0 % 3) }, classNames: ["a", "b", "c"])
    var figure = Figure(rows: 1, columns: 1)
    figure[0, 0] = .scatter(title: "t", subtitle: "s", cloud: cloud)
    return figure
  }

  @Test func vectorMarkersBecomeOneCirclePathPerClassThroughTheDefault() throws {
    let renderer = RecordingRenderer()
    let figure = cloudFigure(points: 30)
    let layout = try figure.layout(measuringWith: renderer)
    try figure.draw(on: renderer, layout: layout, rasterScale: 1, pointMode: .vector)
    for c in 0..<3 {
      let color = Palette.colorBlindSafe.color(forClass: c)
      let markers = renderer.fills(color).filter { !$0.clip.isEmpty }
      #expect(markers.count == 1, "class \(c): one path")
      // Each circle is a move, four curves and a close.
      #expect(markers.first?.path.elements.count == 10 * 6)
      let box = layout.panels[0].mapping.box
      #expect(markers.first?.clip == [.rectangle(box)])
    }
  }

  @Test func rasterPointsArriveAsPixelRunsInsideTheAxes() throws {
    let renderer = RecordingRenderer()
    let figure = cloudFigure(points: 100)
    let layout = try figure.layout(measuringWith: renderer)
    try figure.draw(on: renderer, layout: layout, rasterScale: 2, pointMode: .raster)
    let box = layout.panels[0].mapping.box
    let color = Palette.colorBlindSafe.color(forClass: 0)
    let runs = renderer.calls.filter { c in
      guard let f = c.style.fill, !c.clip.isEmpty else { return false }
      return abs(f.red - color.red) < 0.02 && abs(f.green - color.green) < 0.02 && abs(f.blue - color.blue) < 0.02
        && f.alpha > 0.9
    }
    #expect(!runs.isEmpty)
    for run in runs {
      let b = try #require(run.path.bounds)
      #expect(b.minX >= box.minX - 1 && b.maxX <= box.maxX + 1 && b.minY >= box.minY - 1 && b.maxY <= box.maxY + 1)
    }
  }

  @Test func greekedTextOccupiesTheMeasuredInkBox() throws {
    let renderer = RecordingRenderer()
    renderer.drawText("abcd", at: Point(x: 10, y: 20), style: TextStyle(font: Font(size: 10)), clip: [])
    let b = try #require(renderer.calls.first?.path.bounds)
    #expect(abs(b.width - 24) < 1e-9 && abs(b.height - 7.5) < 1e-9 && abs(b.maxY - 20) < 1e-9)
  }

  @Test func fontSizeScalesTextAndWidthSetsTheFigureWidth() throws {
    var figure = cloudFigure(points: 30)
    figure.width = 400
    let small = try figure.layout(measuringWith: RecordingRenderer())
    #expect(abs(small.width - 400) < 1e-6)
    figure.style.fontSize = 12
    let large = try figure.layout(measuringWith: RecordingRenderer())
    #expect(abs(large.width - 400) < 1e-6)
    #expect(
      large.panels[0].mapping.box.width < small.panels[0].mapping.box.width, "larger text leaves less room for the axes"
    )
  }

  @Test func longPanelTitlesWrapToTheColumn() throws {
    var figure = Figure(rows: 1, columns: 2, panelWidth: 80, panelHeight: 80)
    let cloud = FeatureCloud(xs: [1, 2], ys: [1, 2], labels: [0, 1], classNames: ["a", "b"])
    figure[0, 0] = .scatter(title: "Training Set (ArcFace, m=0.5) epoch 12 of 20", cloud: cloud)
    figure[0, 1] = .scatter(title: "short", cloud: cloud)
    let layout = try figure.layout(measuringWith: RecordingRenderer())
    let lines = layout.panels[0].titleLines
    #expect(lines.count > 1)
    #expect(lines.joined(separator: " ") == "Training Set (ArcFace, m=0.5) epoch 12 of 20")
  }
}

@Suite("Labels are moved, not cut")
struct LabelPlacementTests {
  @Test func directionLabelsStayInsideTheAxes() throws {
    let cloud = FeatureCloud(xs: [1, 0, -1], ys: [0, 1, 0], labels: [0, 1, 2], classNames: ["one", "two", "three"])
    var figure = Figure(rows: 1, columns: 1, panelWidth: 120, panelHeight: 120)
    // "Wthree" points along −x, where its tip label would cross the left frame.
    figure[0, 0] = .angular(
      cloud: cloud, directions: [Point(x: 1, y: 0), Point(x: 0, y: 1), Point(x: -1, y: 0)],
      directionLabels: ["Wone", "Wtwo", "Wthree"])
    let renderer = RecordingRenderer()
    let layout = try figure.layout(measuringWith: renderer)
    try figure.draw(on: renderer, layout: layout, rasterScale: 1, pointMode: .vector)
    let box = layout.panels[0].mapping.box
    // Greeked text: half-alpha filled rectangles, the only ones drawn with alpha exactly 0.5.
    let labels = renderer.calls.filter { $0.style.fill?.alpha == 0.5 && !$0.clip.isEmpty }
    #expect(labels.count == 3)
    for label in labels {
      let b = try #require(label.path.bounds)
      #expect(
        b.minX >= box.minX && b.maxX <= box.maxX && b.minY >= box.minY && b.maxY <= box.maxY, "\(b) inside \(box)")
    }
  }
}

@Suite("Reflowing panels")
struct ReflowTests {
  @Test func panelsFlowInputByInputIntoTheRequestedColumns() {
    var figure = Figure(rows: 2, columns: 3)
    for r in 0..<2 { for c in 0..<3 { figure[r, c] = Panel(title: "file\(c) split\(r)") } }
    figure.caption = [("k", "v")]
    let reflowed = figure.reflowed(columns: 4)
    #expect(reflowed.rows == 2 && reflowed.columns == 4)
    #expect(
      reflowed.panels.compactMap { $0?.title } == [
        "file0 split0", "file0 split1", "file1 split0", "file1 split1", "file2 split0", "file2 split1",
      ])
    #expect(reflowed.caption.map(\.key) == ["k"])
  }
}
