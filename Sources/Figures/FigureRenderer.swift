import CairoGraphics
import Foundation

/// Draws a laid-out figure onto a Cairo context whose user space is in points.
struct FigureRenderer {
  let figure: Figure
  let layout: FigureLayout
  let context: Context
  let rasterScale: Double
  let pointMode: PointMode

  private var sizes: (title: Double, panelTitle: Double, subtitle: Double, tick: Double, axisLabel: Double, legend: Double, caption: Double) {
    FigureLayout.fontSizes
  }

  func draw() throws {
    context.setSource(figure.background)
    context.paint()
    if let title = figure.title, let baseline = layout.titleBaseline {
      drawText(title, font: font(sizes.title, bold: true), centeredAt: baseline.x, baseline: baseline.y)
    }
    for frame in layout.panels {
      guard let panel = figure.panels[frame.index] else { continue }
      try drawPanel(panel, frame: frame)
    }
    if let box = layout.legendBox {
      drawLegend(figure.sharedLegendEntries, title: figure.legendTitle, in: box)
    }
    context.setSource(.gray(0.25))
    context.setFont(Font(family: "DejaVu Sans Mono", size: sizes.caption))
    for (k, line) in layout.captionLines.enumerated() {
      context.showText(line, at: Point(x: layout.captionOrigin.x, y: layout.captionOrigin.y + Double(k) * FigureLayout.captionLineHeight + sizes.caption))
    }
    try context.checkStatus("draw figure")
  }

  private func font(_ size: Double, bold: Bool = false) -> Font {
    Font(family: figure.fontFamily, size: size, isBold: bold)
  }

  private func drawText(_ text: String, font: Font, centeredAt x: Double, baseline: Double, color: Color = .black) {
    context.setFont(font)
    context.setSource(color)
    let e = context.textExtents(text)
    context.showText(text, at: Point(x: x - e.advanceX / 2, y: baseline))
  }

  private func drawPanel(_ panel: Panel, frame: FigureLayout.PanelFrame) throws {
    let m = frame.mapping
    let box = m.box
    let canvas = PlotCanvas(context: context, mapping: m, rasterScale: rasterScale, pointMode: pointMode, fontFamily: figure.fontFamily)
    let xTicks = ticks(m.limits.x, m.xScale)
    let yTicks = ticks(m.limits.y, m.yScale)

    if panel.showsGrid {
      context.withSavedState {
        context.newPath()
        for t in xTicks {
          let x = m.device(Point(x: t.value, y: m.limits.y.lower)).x
          context.move(to: Point(x: x, y: box.minY))
          context.line(to: Point(x: x, y: box.maxY))
        }
        for t in yTicks {
          let y = m.device(Point(x: m.limits.x.lower, y: t.value)).y
          context.move(to: Point(x: box.minX, y: y))
          context.line(to: Point(x: box.maxX, y: y))
        }
        context.setSource(.gray(0.9))
        context.lineWidth = 0.5
        context.stroke()
      }
    }

    try context.withSavedState {
      context.newPath()
      context.addRectangle(box)
      context.clip()
      for layer in panel.layers { try layer.draw(in: canvas) }
    }

    if panel.showsAxes {
      context.withSavedState {
        context.newPath()
        context.addRectangle(box)
        for t in xTicks {
          let x = m.device(Point(x: t.value, y: m.limits.y.lower)).x
          context.move(to: Point(x: x, y: box.maxY))
          context.line(to: Point(x: x, y: box.maxY + 3))
        }
        for t in yTicks {
          let y = m.device(Point(x: m.limits.x.lower, y: t.value)).y
          context.move(to: Point(x: box.minX, y: y))
          context.line(to: Point(x: box.minX - 3, y: y))
        }
        context.setSource(.black)
        context.lineWidth = 0.7
        context.lineCap = .square
        context.stroke()
      }
      let tickFont = font(sizes.tick)
      for t in xTicks {
        drawText(t.label, font: tickFont, centeredAt: m.device(Point(x: t.value, y: m.limits.y.lower)).x, baseline: box.maxY + 3 + sizes.tick + 1)
      }
      context.setFont(tickFont)
      for t in yTicks {
        let e = context.textExtents(t.label)
        let y = m.device(Point(x: m.limits.x.lower, y: t.value)).y
        context.showText(t.label, at: Point(x: box.minX - 5 - e.advanceX, y: y + sizes.tick * 0.36))
      }
    }

    var below = box.maxY + (panel.showsAxes ? FigureLayout.tickLabelHeight : 2)
    if let xLabel = panel.xLabel {
      drawText(xLabel, font: font(sizes.axisLabel), centeredAt: box.center.x, baseline: below + sizes.axisLabel + 1)
      below += FigureLayout.axisLabelSize
    }
    if let yLabel = panel.yLabel {
      context.withSavedState {
        context.setFont(font(sizes.axisLabel))
        let e = context.textExtents(yLabel)
        context.translate(x: box.minX - (panel.showsAxes ? FigureLayout.tickLabelWidth : 4) - 2, y: box.center.y)
        context.rotate(by: -Double.pi / 2)
        context.setSource(.black)
        context.showText(yLabel, at: Point(x: -e.advanceX / 2, y: 0))
      }
    }
    if let title = panel.title {
      drawText(title, font: font(sizes.panelTitle), centeredAt: box.center.x, baseline: box.minY - 5)
    }
    if let subtitle = panel.subtitle {
      drawText(subtitle, font: font(sizes.subtitle), centeredAt: box.center.x, baseline: below + sizes.subtitle + 2)
    }
    if let note = panel.cornerNote {
      context.setFont(font(sizes.tick + 0.5))
      context.setSource(.gray(0.2))
      context.showText(note, at: Point(x: box.minX + 4, y: box.minY + 11))
    }
    if case .inside(let corner) = panel.legend {
      let entries = panel.layers.flatMap(\.legendEntries)
      if !entries.isEmpty {
        context.setFont(font(sizes.legend))
        let w = (entries.map { context.textExtents($0.label).advanceX }.max() ?? 0) + 36
        let h = Double(entries.count) * FigureLayout.legendRowHeight + 8
        let x = (corner == .topLeft || corner == .bottomLeft) ? box.minX + 5 : box.maxX - 5 - w
        let y = (corner == .topLeft || corner == .topRight) ? box.minY + 5 : box.maxY - 5 - h
        drawLegend(entries, title: nil, in: Rect(x: x, y: y, width: w, height: h))
      }
    }
  }

  private struct Tick {
    let value: Double
    let label: String
  }

  private func ticks(_ range: AxisRange, _ scale: AxisScale) -> [Tick] {
    switch scale {
    case .linear:
      let step = NiceTicks.step(forSpan: range.span)
      return NiceTicks.ticks(in: range).map { Tick(value: $0, label: NiceTicks.label($0, step: step)) }
    case .log10:
      return NiceTicks.logTicks(in: range).map { Tick(value: $0, label: NiceTicks.logLabel($0)) }
    }
  }

  private func drawLegend(_ entries: [LegendEntry], title: String?, in box: Rect) {
    context.withSavedState {
      context.newPath()
      context.addRectangle(box)
      context.setSource(.white.withAlpha(0.92))
      context.fill(preserve: true)
      context.setSource(.gray(0.3))
      context.lineWidth = 0.6
      context.stroke()
    }
    var y = box.minY + 4
    if let title {
      context.setFont(font(sizes.legend, bold: true))
      context.setSource(.black)
      context.showText(title, at: Point(x: box.minX + 7, y: y + 8.5))
      y += FigureLayout.legendRowHeight
    }
    context.setFont(font(sizes.legend))
    for entry in entries {
      let mid = Point(x: box.minX + 14, y: y + FigureLayout.legendRowHeight / 2)
      context.withSavedState {
        context.newPath()
        switch entry.symbol {
        case .dot:
          context.addCircle(center: mid, radius: 2.8)
          context.setSource(entry.color.withAlpha(1))
          context.fill()
        case .line(let dash):
          context.move(to: Point(x: mid.x - 8, y: mid.y))
          context.line(to: Point(x: mid.x + 8, y: mid.y))
          context.setDash(dash)
          context.setSource(entry.color)
          context.lineWidth = 1.3
          context.stroke()
        case .patch, .hatchedPatch:
          let r = Rect(x: mid.x - 7, y: mid.y - 4, width: 14, height: 8)
          context.addRectangle(r)
          context.setSource(entry.color)
          context.fill(preserve: true)
          context.clip()
          if entry.symbol == .hatchedPatch {
            context.newPath()
            var o = -8.0
            while o < 16 {
              context.move(to: Point(x: r.minX + o, y: r.maxY))
              context.line(to: Point(x: r.minX + o + 8, y: r.minY))
              o += 3
            }
            context.setSource(.gray(0.5))
            context.lineWidth = 0.45
            context.stroke()
          }
        }
      }
      context.setSource(.black)
      context.showText(entry.label, at: Point(x: box.minX + 27, y: mid.y + sizes.legend * 0.36))
      y += FigureLayout.legendRowHeight
    }
  }
}
