import CairoGraphics

/// Where everything of a ``Figure`` goes, in points. Computed once per render; tests use it to
/// find the device position of a data point (``PanelFrame/mapping``).
public struct FigureLayout {
  public struct PanelFrame {
    /// Row-major index into ``Figure/panels``.
    public let index: Int
    public let row: Int
    public let column: Int
    /// Data-to-device mapping; `mapping.box` is the axes frame.
    public let mapping: DeviceMapping
  }

  public let width: Double
  public let height: Double
  public let panels: [PanelFrame]
  /// The shared legend's box, if the figure has a shared legend.
  public let legendBox: Rect?
  /// Baseline origin of the first caption line.
  public let captionOrigin: Point
  /// Caption lines after wrapping to the figure width.
  public let captionLines: [String]
  public let titleBaseline: Point?

  /// The panel frame at a grid position, if that cell holds a panel.
  public func frame(row: Int, column: Int) -> PanelFrame? {
    panels.first { $0.row == row && $0.column == column }
  }

  // Metrics in points; chosen for 7–9 pt text at the default 170 pt panels.
  static let margin = 10.0
  static let figureTitleHeight = 20.0
  static let panelTitleHeight = 15.0
  static let tickLabelHeight = 12.0
  static let tickLabelWidth = 26.0
  static let axisLabelSize = 12.0
  static let subtitleHeight = 13.0
  static let columnGap = 12.0
  static let rowGap = 6.0
  static let legendRowHeight = 12.0
  static let captionLineHeight = 9.5
  static let fontSizes = (title: 11.0, panelTitle: 9.0, subtitle: 8.0, tick: 7.0, axisLabel: 8.0, legend: 8.0, caption: 6.5)

  init(figure: Figure, measure: (String, Font) -> Double) throws {
    let limits = figure.resolvedLimits()
    let present = figure.panels.indices.filter { figure.panels[$0] != nil }
    guard !present.isEmpty else { throw RenderError.emptyFigure("no panels") }
    guard figure.panelWidth > 0, figure.panelHeight > 0 else { throw RenderError.emptyFigure("non-positive panel size") }

    func rowPanels(_ r: Int) -> [Panel] { (0..<figure.columns).compactMap { figure[r, $0] } }
    func columnPanels(_ c: Int) -> [Panel] { (0..<figure.rows).compactMap { figure[$0, c] } }

    // Horizontal: per column, a gutter for tick labels and the y label, then the axes.
    var x = Self.margin
    var boxLeft = [Double]()
    for c in 0..<figure.columns {
      let ps = columnPanels(c)
      x += (ps.contains { $0.showsAxes } ? Self.tickLabelWidth : 4) + (ps.contains { $0.yLabel != nil } ? Self.axisLabelSize : 0)
      boxLeft.append(x)
      x += figure.panelWidth + Self.columnGap
    }
    var right = x - Self.columnGap + Self.margin

    // Vertical: title row, axes, tick labels, x label, subtitle.
    var y = Self.margin + (figure.title != nil ? Self.figureTitleHeight : 0)
    var boxTop = [Double]()
    for r in 0..<figure.rows {
      let ps = rowPanels(r)
      y += ps.contains { $0.title != nil } ? Self.panelTitleHeight : 4
      boxTop.append(y)
      y += figure.panelHeight
      y += ps.contains { $0.showsAxes } ? Self.tickLabelHeight : 2
      y += ps.contains { $0.xLabel != nil } ? Self.axisLabelSize : 0
      y += ps.contains { $0.subtitle != nil } ? Self.subtitleHeight : 0
      y += Self.rowGap
    }
    let gridBottom = y

    panels = present.compactMap { i in
      guard let panel = figure.panels[i] else { return nil }
      let r = i / figure.columns, c = i % figure.columns
      let available = Rect(x: boxLeft[c], y: boxTop[r], width: figure.panelWidth, height: figure.panelHeight)
      return PanelFrame(
        index: i, row: r, column: c,
        mapping: DeviceMapping(
          limits: limits[i] ?? AxisLimits(xMin: -1, xMax: 1, yMin: -1, yMax: 1), available: available,
          equalAspect: panel.equalAspect, xScale: panel.xScale, yScale: panel.yScale))
    }

    // Shared legend: a box right of the grid, centred on the last row's axes (L-Softmax Fig. 2).
    let entries = figure.sharedLegendEntries
    if entries.isEmpty {
      legendBox = nil
    } else {
      let font = Font(family: figure.fontFamily, size: Self.fontSizes.legend)
      let titleWidth = figure.legendTitle.map { measure($0, Font(family: figure.fontFamily, size: Self.fontSizes.legend, isBold: true)) } ?? 0
      let labelWidth = entries.map { measure($0.label, font) }.max() ?? 0
      let w = max(titleWidth, 22 + labelWidth) + 14
      let h = Double(entries.count) * Self.legendRowHeight + (figure.legendTitle != nil ? Self.legendRowHeight : 0) + 8
      let anchorTop = boxTop[figure.rows - 1] + figure.panelHeight / 2 - h / 2
      let top = max(Self.margin, anchorTop)
      legendBox = Rect(x: right - Self.margin + 4, y: top, width: w, height: h)
      right += w + 4
    }

    // Caption: "key: value" items joined with wide spaces, wrapped to the figure width.
    let captionFont = Font(family: "DejaVu Sans Mono", size: Self.fontSizes.caption)
    var lines = [String]()
    var current = ""
    for item in figure.caption.map({ "\($0.key): \($0.value)" }) {
      let candidate = current.isEmpty ? item : current + "    " + item
      if !current.isEmpty, measure(candidate, captionFont) > right - 2 * Self.margin {
        lines.append(current)
        current = item
      } else {
        current = candidate
      }
    }
    if !current.isEmpty { lines.append(current) }
    captionLines = lines
    captionOrigin = Point(x: Self.margin, y: gridBottom + 8)
    let legendBottom = (legendBox?.maxY ?? 0) + Self.margin
    height = max(gridBottom + (lines.isEmpty ? 0 : Double(lines.count) * Self.captionLineHeight + 6) + Self.margin - Self.rowGap, legendBottom)
    width = right
    titleBaseline = figure.title != nil ? Point(x: width / 2, y: Self.margin + 13) : nil
  }
}
