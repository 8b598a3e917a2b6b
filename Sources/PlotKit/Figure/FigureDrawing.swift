import Foundation

extension Figure {
  /// The layout for text measured by `renderer`.
  public func layout(measuringWith renderer: any Renderer) throws -> FigureLayout {
    try FigureLayout(figure: self) { renderer.measureText($0, font: $1) }
  }

  /// Draws the figure onto `renderer`, whose device space is in points.
  /// - Parameters:
  ///   - rasterScale: device pixels per point for raster layers (DPI / 72).
  ///   - pointMode: how scatters are drawn.
  public func draw(on renderer: any Renderer, layout: FigureLayout, rasterScale: Double, pointMode: PointMode) throws {
    try FigureDrawing(
      figure: layout.figure, layout: layout, renderer: renderer, rasterScale: rasterScale, pointMode: pointMode
    ).draw()
  }
}

/// Draws a laid-out figure through a ``Renderer``: backgrounds, axes, ticks, texts and legends
/// here; the panels' contents through their layers.
struct FigureDrawing {
  let figure: Figure
  let layout: FigureLayout
  let renderer: any Renderer
  let rasterScale: Double
  let pointMode: PointMode

  private var style: FigureStyle { layout.style }
  private var u: Double { style.unit }

  func draw() throws {
    renderer.drawPath(
      .rectangle(Rect(x: 0, y: 0, width: layout.width, height: layout.height)), style: .filled(figure.background),
      clip: [])
    if let title = figure.title, let baseline = layout.titleBaseline {
      text(title, font: style.font(style.titleSize, bold: true), centeredAt: baseline.x, baseline: baseline.y)
    }
    for frame in layout.panels {
      guard let panel = figure.panels[frame.index] else { continue }
      try drawPanel(panel, frame: frame)
    }
    if let box = layout.legendBox, let bar = layout.figure.colorBar, let frame = layout.colorBarFrame {
      drawColorBar(bar, title: figure.legendTitle, box: box, frame: frame, titleOrigin: layout.legendTitleOrigin)
    } else if let box = layout.legendBox {
      drawLegend(
        figure.sharedLegendEntries, title: figure.legendTitle, box: box, centers: layout.legendEntryCenters,
        titleOrigin: layout.legendTitleOrigin)
    }
    for (k, line) in layout.captionLines.enumerated() {
      renderer.drawText(
        line,
        at: Point(
          x: layout.captionOrigin.x,
          y: layout.captionOrigin.y + Double(k) * layout.captionLineHeight + style.captionSize),
        style: TextStyle(font: style.captionFont, color: .gray(0.25)), clip: [])
    }
  }

  private func text(_ s: String, font: Font, centeredAt x: Double, baseline: Double, color: Color = .black) {
    let m = renderer.measureText(s, font: font)
    renderer.drawText(
      s, at: Point(x: x - m.advance / 2, y: baseline), style: TextStyle(font: font, color: color), clip: [])
  }

  private func drawPanel(_ panel: Panel, frame: FigureLayout.PanelFrame) throws {
    let m = frame.mapping
    let box = m.box
    let tickFont = style.font(style.tickSize)
    let xTicks = AxisTicks.fitting(
      m.limits.x, m.xScale, length: box.width, gap: 2.5 * u,
      overhang: (
        frame.xTickOverhang.left + (layout.panelWidth - box.width) / 2,
        frame.xTickOverhang.right + (layout.panelWidth - box.width) / 2
      )
    ) {
      renderer.measureText($0, font: tickFont).advance
    }
    let yTicks = AxisTicks.fitting(m.limits.y, m.yScale, length: box.height, gap: 0.4 * style.tickSize) { _ in
      style.tickSize * 0.8
    }
    let tickLength = 3 * u

    if panel.showsGrid {
      var grid = Path()
      for t in xTicks {
        let x = m.device(Point(x: t.value, y: m.limits.y.lower)).x
        grid.move(to: Point(x: x, y: box.minY))
        grid.line(to: Point(x: x, y: box.maxY))
      }
      for t in yTicks {
        let y = m.device(Point(x: m.limits.x.lower, y: t.value)).y
        grid.move(to: Point(x: box.minX, y: y))
        grid.line(to: Point(x: box.maxX, y: y))
      }
      renderer.drawPath(grid, style: .stroked(.gray(0.9), width: 0.5), clip: [])
    }

    let canvas = PlotCanvas(
      renderer: renderer, mapping: m, rasterScale: rasterScale, pointMode: pointMode, fontFamily: figure.fontFamily,
      clip: [.rectangle(box)])
    for layer in panel.layers { try layer.draw(in: canvas) }

    if panel.showsAxes {
      var axes = Path.rectangle(box)
      for t in xTicks {
        let x = m.device(Point(x: t.value, y: m.limits.y.lower)).x
        axes.move(to: Point(x: x, y: box.maxY))
        axes.line(to: Point(x: x, y: box.maxY + tickLength))
      }
      for t in yTicks {
        let y = m.device(Point(x: m.limits.x.lower, y: t.value)).y
        axes.move(to: Point(x: box.minX, y: y))
        axes.line(to: Point(x: box.minX - tickLength, y: y))
      }
      renderer.drawPath(
        axes, style: PathStyle(stroke: Stroke(color: .black, width: 0.7, cap: .square, join: .miter)), clip: [])
      for t in xTicks where frame.showsXTickLabels {
        text(
          t.label, font: tickFont, centeredAt: m.device(Point(x: t.value, y: m.limits.y.lower)).x,
          baseline: box.maxY + tickLength + style.tickSize * 1.05)
      }
      for t in yTicks where frame.showsYTickLabels {
        let e = renderer.measureText(t.label, font: tickFont)
        let y = m.device(Point(x: m.limits.x.lower, y: t.value)).y
        renderer.drawText(
          t.label, at: Point(x: box.minX - tickLength - 2 * u - e.advance, y: y + style.tickSize * 0.36),
          style: TextStyle(font: tickFont), clip: [])
      }
    }

    var below =
      box.maxY
      + (panel.showsAxes ? (frame.rowShowsXTickLabels ? tickLength + style.tickSize * 1.35 : tickLength + u) : 2 * u)
    if let xLabel = panel.xLabel {
      text(
        xLabel, font: style.font(style.axisLabelSize), centeredAt: box.center.x,
        baseline: below + style.axisLabelSize * 1.05)
      below += style.axisLabelSize * 1.4
    }
    if let yLabel = panel.yLabel {
      let font = style.font(style.axisLabelSize)
      let e = renderer.measureText(yLabel, font: font)
      renderer.drawText(
        yLabel, at: Point(x: frame.gutterLeft + style.axisLabelSize * 0.95, y: box.center.y + e.advance / 2),
        style: TextStyle(font: font, rotation: .pi / 2), clip: [])
    }
    let titleLine = style.panelTitleSize * 1.25
    for (k, line) in frame.titleLines.enumerated() {
      let fromBottom = Double(frame.titleLines.count - 1 - k)
      text(
        line, font: style.font(style.panelTitleSize), centeredAt: box.center.x,
        baseline: box.minY - 2 * u - style.panelTitleSize * 0.3 - fromBottom * titleLine)
    }
    for (k, line) in frame.subtitleLines.enumerated() {
      text(
        line, font: style.font(style.subtitleSize), centeredAt: box.center.x,
        baseline: below + style.subtitleSize * 1.1 + Double(k) * style.subtitleSize * 1.25)
    }
    if let note = panel.cornerNote {
      renderer.drawText(
        note, at: Point(x: box.minX + 4 * u, y: box.minY + style.tickSize * 1.5),
        style: TextStyle(font: style.font(style.tickSize + 0.5), color: .gray(0.2)), clip: [])
    }
    if panel.legend == .below, let box = frame.legendBox {
      drawLegend(
        panel.layers.flatMap(\.legendEntries), title: nil, box: box, centers: frame.legendEntryCenters, titleOrigin: nil
      )
    }
    if case .inside(let corner) = panel.legend {
      let entries = panel.layers.flatMap(\.legendEntries)
      if !entries.isEmpty {
        let font = style.font(style.legendSize)
        let row = style.legendSize * 1.5
        let w = (entries.map { renderer.measureText($0.label, font: font).advance }.max() ?? 0) + 30 * u
        let h = Double(entries.count) * row + 6 * u
        let x = (corner == .topLeft || corner == .bottomLeft) ? box.minX + 5 * u : box.maxX - 5 * u - w
        let y = (corner == .topLeft || corner == .topRight) ? box.minY + 5 * u : box.maxY - 5 * u - h
        let legendBox = Rect(x: x, y: y, width: w, height: h)
        let centers = entries.indices.map { Point(x: x + 6 * u + 6 * u, y: y + 3 * u + (Double($0) + 0.5) * row) }
        drawLegend(entries, title: nil, box: legendBox, centers: centers, titleOrigin: nil)
      }
    }
  }

  /// One stripe per class in class order, a thin frame, and the tick classes' names: right of a bar
  /// that runs down, under one that runs across.
  private func drawColorBar(_ bar: ColorBar, title: String?, box: Rect, frame: Rect, titleOrigin: Point?) {
    renderer.drawPath(
      .rectangle(box), style: PathStyle(fill: .white.withAlpha(0.92), stroke: Stroke(color: .gray(0.3), width: 0.6)),
      clip: [])
    if let title, let titleOrigin {
      renderer.drawText(
        title, at: titleOrigin, style: TextStyle(font: style.font(style.legendSize, bold: true)), clip: [])
    }
    let n = bar.colors.count
    guard n > 0 else { return }
    let vertical = layout.colorBarIsVertical
    let pitch = (vertical ? frame.height : frame.width) / Double(n)
    for (k, color) in bar.colors.enumerated() {
      // Each stripe reaches a little into the next, so no hairline of background shows between them.
      let overlap = k + 1 < n ? min(0.3, pitch / 2) : 0
      let stripe =
        vertical
        ? Rect(x: frame.minX, y: frame.minY + Double(k) * pitch, width: frame.width, height: pitch + overlap)
        : Rect(x: frame.minX + Double(k) * pitch, y: frame.minY, width: pitch + overlap, height: frame.height)
      renderer.drawPath(.rectangle(stripe), style: .filled(color.withAlpha(1)), clip: [])
    }
    renderer.drawPath(.rectangle(frame), style: .stroked(.gray(0.3), width: 0.5), clip: [])
    let font = style.font(style.legendSize)
    let tick = 2 * u
    var ticks = Path()
    for k in layout.colorBarTicks where k < n {
      let centre = (Double(k) + 0.5) * pitch
      let label = bar.labels[k]
      if vertical {
        let y = frame.minY + centre
        ticks.move(to: Point(x: frame.maxX, y: y))
        ticks.line(to: Point(x: frame.maxX + tick, y: y))
        renderer.drawText(
          label, at: Point(x: frame.maxX + 2 * tick, y: y + style.legendSize * 0.36), style: TextStyle(font: font),
          clip: [])
      } else {
        let x = frame.minX + centre
        ticks.move(to: Point(x: x, y: frame.maxY))
        ticks.line(to: Point(x: x, y: frame.maxY + tick))
        let width = renderer.measureText(label, font: font).advance
        renderer.drawText(
          label, at: Point(x: x - width / 2, y: frame.maxY + tick + style.legendSize * 1.0),
          style: TextStyle(font: font), clip: [])
      }
    }
    renderer.drawPath(ticks, style: .stroked(.gray(0.3), width: 0.5), clip: [])
  }

  private func drawLegend(_ entries: [LegendEntry], title: String?, box: Rect, centers: [Point], titleOrigin: Point?) {
    let frame = Path.rectangle(box)
    renderer.drawPath(
      frame, style: PathStyle(fill: .white.withAlpha(0.92), stroke: Stroke(color: .gray(0.3), width: 0.6)), clip: [])
    if let title, let titleOrigin {
      renderer.drawText(
        title, at: titleOrigin, style: TextStyle(font: style.font(style.legendSize, bold: true)), clip: [])
    }
    let font = style.font(style.legendSize)
    for (entry, mid) in zip(entries, centers) {
      switch entry.symbol {
      case .dot:
        renderer.drawPath(.circle(center: mid, radius: 2.8 * u), style: .filled(entry.color.withAlpha(1)), clip: [])
      case .line(let dash):
        renderer.drawPath(
          .polyline([Point(x: mid.x - 8 * u, y: mid.y), Point(x: mid.x + 8 * u, y: mid.y)]),
          style: .stroked(entry.color, width: 1.3, dash: dash), clip: [])
      case .patch, .hatchedPatch, .outlinedPatch:
        let r = Rect(x: mid.x - 7 * u, y: mid.y - 4 * u, width: 14 * u, height: 8 * u)
        renderer.drawPath(.rectangle(r), style: .filled(entry.color), clip: [])
        if entry.symbol == .outlinedPatch {
          renderer.drawPath(
            .rectangle(r), style: .stroked(SectorLayer.marginOutline, width: 0.55, dash: [2, 1.2]), clip: [])
        }
        if entry.symbol == .hatchedPatch {
          var hatch = Path()
          var o = -r.height
          while o < r.width {
            hatch.move(to: Point(x: r.minX + o, y: r.maxY))
            hatch.line(to: Point(x: r.minX + o + r.height, y: r.minY))
            o += 3
          }
          renderer.drawPath(hatch, style: .stroked(.gray(0.5), width: 0.45), clip: [.rectangle(r)])
        }
      }
      renderer.drawText(
        entry.label, at: Point(x: mid.x + 11 * u, y: mid.y + style.legendSize * 0.36), style: TextStyle(font: font),
        clip: [])
    }
  }
}
