import Foundation

/// Where everything of a ``Figure`` goes, in points. Computed once per render from measured text
/// (so tick labels, titles and legends are never cut); tests use it to find the device position
/// of a data point (``PanelFrame/mapping``).
public struct FigureLayout {
  /// The most entries in one column of a right legend.
  public static let legendRowsPerColumn = 20

  public struct PanelFrame {
    /// Row-major index into ``Figure/panels``.
    public let index: Int
    public let row: Int
    public let column: Int
    /// Data-to-device mapping; `mapping.box` is the axes frame.
    public let mapping: DeviceMapping
    /// The panel title and subtitle, wrapped to the column width.
    public let titleLines: [String]
    public let subtitleLines: [String]
    /// Right edge of the y tick labels' gutter (where the y label sits to the left of).
    public let gutterLeft: Double
    /// Whether this panel draws its tick labels (with ``Figure/ticksOnOuterPanels`` a neighbour
    /// with the same limits may draw them instead).
    public var showsXTickLabels = true
    public var showsYTickLabels = true
    /// Whether any panel of this row draws x tick labels (the row's band under the axes has room for them).
    public var rowShowsXTickLabels = true
    /// How far an x tick label may reach past the axes' left and right edges without meeting the
    /// neighbouring panel's labels or leaving the figure.
    public var xTickOverhang: (left: Double, right: Double) = (.infinity, .infinity)
    /// The box of a `.below` legend and where each entry's symbol is centred.
    public var legendBox: Rect? = nil
    public var legendEntryCenters: [Point] = []
  }

  public let style: FigureStyle
  /// The figure as laid out: the figure given, or its ``Figure/compactForm()``.
  public let figure: Figure
  /// Whether the compact form was laid out.
  public let isCompact: Bool
  /// Whether a legend entry is wider than the room it has (its column, or the grid): the automatic
  /// compact choice then tries a form with fewer columns.
  public private(set) var overflows = false
  /// The width of each panel's axes area.
  public let panelWidth: Double
  public let width: Double
  public let height: Double
  public let panels: [PanelFrame]
  /// The shared legend's box, if the figure has a shared legend.
  public let legendBox: Rect?
  /// Where each shared-legend entry's symbol is centred (its label starts right of it).
  public let legendEntryCenters: [Point]
  /// Baseline of the legend title, if there is one.
  public let legendTitleOrigin: Point?
  /// The stripes of the figure's ``Figure/colorBar`` (inside ``legendBox``), if it has one.
  public let colorBarFrame: Rect?
  /// Whether the colour bar runs down beside the grid (a right legend) rather than across under it.
  public let colorBarIsVertical: Bool
  /// The classes whose names label the colour bar.
  public let colorBarTicks: [Int]
  /// Baseline origin of the first caption line.
  public let captionOrigin: Point
  /// Caption lines after wrapping to the figure width (empty with no caption or `showsCaption` off).
  public let captionLines: [String]
  public let captionLineHeight: Double
  public let titleBaseline: Point?

  /// The panel frame at a grid position, if that cell holds a panel.
  public func frame(row: Int, column: Int) -> PanelFrame? {
    panels.first { $0.row == row && $0.column == column }
  }

  /// Lays `figure` out, measuring text with `measure` (a ``Renderer``'s ``Renderer/measureText(_:font:)``),
  /// in its compact form when ``Figure/compactMode`` asks for it or (`.automatic`) the width is too narrow.
  public init(figure: Figure, measure: (String, Font) -> TextMetrics) throws {
    switch figure.compactMode {
    case .never:
      try self.init(laying: figure, compact: false, measure: measure)
    case .always:
      try self.init(laying: figure.compactForm(), compact: true, measure: measure)
    case .automatic:
      if figure.width != nil {
        let normal = try? FigureLayout(laying: figure, compact: false, measure: measure)
        let size = figure.style.fontSize
        if let normal, normal.panelWidth >= Figure.compactPanelWidth * size, !normal.overflows {
          self = normal
          return
        }
        let sameGrid = try? FigureLayout(laying: figure.compactForm(reflowing: false), compact: true, measure: measure)
        if let sameGrid,
          (sameGrid.panelWidth >= figure.compactReflowWidth * size && !sameGrid.overflows)
            || figure.compactColumns == nil
        {
          self = sameGrid
        } else {
          try self.init(laying: figure.compactForm(), compact: true, measure: measure)
        }
      } else {
        try self.init(laying: figure, compact: false, measure: measure)
      }
    }
  }

  private init(laying figure: Figure, compact: Bool, measure: (String, Font) -> TextMetrics) throws {
    let style = figure.style
    let u = style.unit
    self.style = style
    isCompact = compact
    let limits = figure.resolvedLimits()
    let present = figure.panels.indices.filter { figure.panels[$0] != nil }
    guard !present.isEmpty else { throw RenderError.emptyFigure("no panels") }
    guard figure.panelWidth > 0, figure.panelHeight > 0 else {
      throw RenderError.emptyFigure("non-positive panel size")
    }
    if let w = figure.width, !(w > 0) { throw RenderError.emptyFigure("non-positive width \(w)") }

    let margin = (compact ? 5 : 8) * u, columnGap = (compact ? 8 : 10) * u, rowGap = (compact ? 4 : 6) * u,
      tickLength = 3 * u
    let titleFont = style.font(style.panelTitleSize), subtitleFont = style.font(style.subtitleSize)
    let tickFont = style.font(style.tickSize)
    let legendFont = style.font(style.legendSize), legendTitleFont = style.font(style.legendSize, bold: true)
    let titleLine = style.panelTitleSize * 1.25, subtitleLine = style.subtitleSize * 1.25
    let tickBand = tickLength + style.tickSize * 1.35, axisBand = style.axisLabelSize * 1.4
    let legendRow = style.legendSize * 1.5

    // Which panels draw tick labels: with outer ticks, a panel leaves its y labels to the nearest
    // panel on its left with the same y axis, and its x labels to the nearest below with the same x axis.
    var showsX = [Bool](repeating: true, count: figure.panels.count), showsY = showsX
    if figure.ticksOnOuterPanels {
      for i in present {
        guard let panel = figure.panels[i], panel.showsAxes, let l = limits[i] else { continue }
        let r = i / figure.columns, c = i % figure.columns
        if let left = (0..<c).reversed().lazy.compactMap({ k -> Int? in
          figure[r, k] == nil ? nil : r * figure.columns + k
        }).first,
          let other = figure.panels[left], other.showsAxes, other.yScale == panel.yScale, limits[left]?.y == l.y
        {
          showsY[i] = false
        }
        if let below = ((r + 1)..<figure.rows).lazy.compactMap({ k -> Int? in
          figure[k, c] == nil ? nil : k * figure.columns + c
        }).first,
          let other = figure.panels[below], other.showsAxes, other.xScale == panel.xScale, limits[below]?.x == l.x
        {
          showsX[i] = false
        }
      }
    }

    // An axis label the outer neighbour repeats (same text, tick labels left to it) is said once.
    var figure = figure
    if figure.ticksOnOuterPanels {
      for i in present {
        let r = i / figure.columns, c = i % figure.columns
        if !showsY[i], let label = figure.panels[i]?.yLabel,
          let left = (0..<c).reversed().lazy.compactMap({ figure[r, $0] }).first, left.yLabel == label
        {
          figure.panels[i]?.yLabel = nil
        }
        if !showsX[i], let label = figure.panels[i]?.xLabel,
          let below = ((r + 1)..<figure.rows).lazy.compactMap({ figure[$0, c] }).first, below.xLabel == label
        {
          figure.panels[i]?.xLabel = nil
        }
      }
    }
    self.figure = figure
    func rowPanels(_ r: Int) -> [Panel] { (0..<figure.columns).compactMap { figure[r, $0] } }
    func columnPanels(_ c: Int) -> [(Int, Panel)] {
      (0..<figure.rows).compactMap { r in figure[r, c].map { (r * figure.columns + c, $0) } }
    }

    // Horizontal gutters: the widest y tick label of the column, then the y label.
    var gutters = [Double](), yLabelBands = [Double]()
    for c in 0..<figure.columns {
      var widest = 0.0
      var hasYLabel = false
      for (i, panel) in columnPanels(c) {
        hasYLabel = hasYLabel || panel.yLabel != nil
        guard panel.showsAxes, showsY[i], let l = limits[i] else { continue }
        for t in AxisTicks.ticks(l.y, panel.yScale) { widest = max(widest, measure(t.label, tickFont).advance) }
      }
      let hasAxes = columnPanels(c).contains { $0.1.showsAxes }
      let tickGutter = widest > 0 ? widest + tickLength + 2 * u : hasAxes ? tickLength + u : 4 * u
      gutters.append(tickGutter + (hasYLabel ? axisBand : 0))
      yLabelBands.append(hasYLabel ? axisBand : 0)
    }

    // The shared legend's entries and their widths (none when a colour bar takes the legend's place).
    let bar = style.legend == .none ? nil : figure.colorBar
    let entries = style.legend == .none || bar != nil ? [] : figure.sharedLegendEntries
    let symbolWidth = 18 * u, padding = 6 * u
    let labelWidths = entries.map { measure($0.label, legendFont).advance }
    let legendTitleWidth = figure.legendTitle.map { measure($0, legendTitleFont).advance } ?? 0
    // Past `legendRowsPerColumn` entries a right legend gets more columns instead of outgrowing
    // the page (100 classes were a 17-inch legend).
    let legendColumns = max(1, (entries.count + Self.legendRowsPerColumn - 1) / Self.legendRowsPerColumn)
    let legendRowsUsed = (entries.count + legendColumns - 1) / legendColumns
    let legendColumnWidth = symbolWidth + (labelWidths.max() ?? 0) + padding
    // A colour bar: stripes one legend size thick, ticks, then the widest class name.
    let barThickness = 1.2 * style.legendSize, barTick = 2 * u, barLabelGap = 2 * u
    let barLabelWidth = bar.map { $0.labels.map { measure($0, legendFont).advance }.max() ?? 0 } ?? 0
    let rightLegendWidth =
      style.legend != .right
      ? 0
      : bar != nil
        ? max(legendTitleWidth, barThickness + barTick + barLabelGap + barLabelWidth) + 2 * padding
        : entries.isEmpty ? 0 : max(legendTitleWidth, Double(legendColumns) * legendColumnWidth - padding) + 2 * padding
    // Between the last column and a right legend, as much room as between two columns, so the last
    // column's titles wrap like the others' (with 4 units they wrapped where their neighbours' did not).
    let legendGap = rightLegendWidth > 0 ? max(4 * u, (columnGap + (gutters.last ?? 0)) / 2) : 0

    // Panel size: given, or derived from the figure width.
    var panelWidth = figure.panelWidth, panelHeight = figure.panelHeight
    if let total = figure.width {
      let fixed =
        2 * margin + gutters.reduce(0, +) + columnGap * Double(figure.columns - 1)
        + (rightLegendWidth > 0 ? rightLegendWidth + legendGap : 0)
      let available = (total - fixed) / Double(figure.columns)
      guard available >= 20 else {
        throw RenderError.emptyFigure(
          String(
            format:
              "width %.0f pt leaves %.0f pt per panel at %.3g pt text; widen the figure, lower --font-size or use fewer --columns",
            total, available, style.fontSize))
      }
      panelHeight *= available / panelWidth
      panelWidth = available
    }

    self.panelWidth = panelWidth
    var x = margin
    var boxLeft = [Double](), gutterLeft = [Double]()
    for c in 0..<figure.columns {
      gutterLeft.append(x)
      x += gutters[c]
      boxLeft.append(x)
      x += panelWidth + columnGap
    }
    let gridRight = x - columnGap
    var right = gridRight + margin

    // Titles and subtitles are centred on their axes and wrap to the room on both sides (up to
    // the neighbours' axes, or the figure's edge), so long ones never run into a neighbour or off.
    // Between two columns each title gets half of the space between their axes.
    // At the figure's edges a title stays over its column (gutter and axes) and out of the margin, so
    // a long one wraps rather than running up to the paper's edge.
    let room = (0..<figure.columns).map { c -> Double in
      let left = c > 0 ? (columnGap + gutters[c]) / 2 : gutters[c]
      // The last column may use the margin (less a unit), about what a middle column gets from its gaps.
      let right =
        c + 1 < figure.columns ? (columnGap + gutters[c + 1]) / 2 : (rightLegendWidth > 0 ? legendGap : margin - u)
      // 5 units off each side: two neighbouring subtitles on one baseline must read as two texts.
      return panelWidth + 2 * min(left, right) - 10 * u
    }
    var titleLines = [[String]](repeating: [], count: figure.panels.count)
    var subtitleLines = [[String]](repeating: [], count: figure.panels.count)
    for i in present {
      guard let panel = figure.panels[i] else { continue }
      let pitch = room[i % figure.columns]
      titleLines[i] = panel.title.map { Self.wrap($0, width: pitch, font: titleFont, measure: measure) } ?? []
      subtitleLines[i] = panel.subtitle.map { Self.wrap($0, width: pitch, font: subtitleFont, measure: measure) } ?? []
    }

    // `.below` legends: entries flow in rows across the panel's column (gutter and axes).
    let columnWidth = (0..<figure.columns).map { gutters[$0] + panelWidth }
    var belowRows = [[[Int]]](repeating: [], count: figure.panels.count)
    var belowWidths = [[Double]](repeating: [], count: figure.panels.count)
    for i in present {
      guard let panel = figure.panels[i], panel.legend == .below, style.legend != .none else { continue }
      let widths = panel.layers.flatMap(\.legendEntries).map {
        symbolWidth + measure($0.label, legendFont).advance + 2 * padding
      }
      guard !widths.isEmpty else { continue }
      var rows: [[Int]] = [[]]
      var used = 0.0
      for (k, w) in widths.enumerated() {
        if used + w > columnWidth[i % figure.columns], !rows[rows.count - 1].isEmpty {
          rows.append([])
          used = 0
        }
        rows[rows.count - 1].append(k)
        used += w
      }
      belowRows[i] = rows
      belowWidths[i] = widths
    }
    overflows = present.contains { i in (belowWidths[i].max() ?? 0) > columnWidth[i % figure.columns] }
    func belowHeight(_ i: Int) -> Double {
      belowRows[i].isEmpty ? 0 : Double(belowRows[i].count) * legendRow + padding + 2 * u
    }

    var y = margin + (figure.title != nil ? style.titleSize * 1.6 : 0)
    var boxTop = [Double]()
    var legendTop = [Double]()
    for r in 0..<figure.rows {
      let indices = (0..<figure.columns).map { r * figure.columns + $0 }
      let ps = rowPanels(r)
      let titleCount = indices.map { titleLines[$0].count }.max() ?? 0
      y += titleCount > 0 ? Double(titleCount) * titleLine + 2 * u : 4 * u
      boxTop.append(y)
      y += panelHeight
      let xTickLabels = indices.contains { figure.panels[$0]?.showsAxes == true && showsX[$0] }
      y += xTickLabels ? tickBand : ps.contains { $0.showsAxes } ? tickLength + u : 2 * u
      y += ps.contains { $0.xLabel != nil } ? axisBand : 0
      let subtitleCount = indices.map { subtitleLines[$0].count }.max() ?? 0
      y += Double(subtitleCount) * subtitleLine + (subtitleCount > 0 ? 2 * u : 0)
      legendTop.append(y)
      y += indices.map(belowHeight).max() ?? 0
      y += rowGap
    }
    var gridBottom = y

    panels = present.compactMap { i in
      guard let panel = figure.panels[i] else { return nil }
      let r = i / figure.columns, c = i % figure.columns
      let available = Rect(x: boxLeft[c], y: boxTop[r], width: panelWidth, height: panelHeight)
      var frame = PanelFrame(
        index: i, row: r, column: c,
        mapping: DeviceMapping(
          limits: limits[i] ?? AxisLimits(xMin: -1, xMax: 1, yMin: -1, yMax: 1), available: available,
          equalAspect: panel.equalAspect, xScale: panel.xScale, yScale: panel.yScale),
        titleLines: titleLines[i], subtitleLines: subtitleLines[i], gutterLeft: gutterLeft[c],
        showsXTickLabels: showsX[i], showsYTickLabels: showsY[i],
        rowShowsXTickLabels: (0..<figure.columns).contains {
          figure[r, $0]?.showsAxes == true && showsX[r * figure.columns + $0]
        },
        // Between two panels a label may reach half the gap from the left, and from the right half the gap
        // plus the right panel's tick-label gutter (not its y label's band, where a long y label may hang down).
        xTickOverhang: (
          left: (c == 0 ? margin : columnGap / 2) + gutters[c] - yLabelBands[c] - u,
          right: c + 1 < figure.columns ? columnGap / 2 - u / 2 : (rightLegendWidth > 0 ? legendGap : margin) - u
        ))
      if !belowRows[i].isEmpty {
        let box = Rect(x: gutterLeft[c], y: legendTop[r] + 2 * u, width: columnWidth[c], height: belowHeight(i) - 2 * u)
        for (row, items) in belowRows[i].enumerated() {
          var cx = box.minX + padding
          for k in items {
            frame.legendEntryCenters.append(
              Point(x: cx + symbolWidth / 2 - 3 * u, y: box.minY + padding / 2 + (Double(row) + 0.5) * legendRow))
            cx += belowWidths[i][k]
          }
        }
        frame.legendBox = box
      }
      return frame
    }

    // Shared legend.
    var centers = [Point]()
    var legendTitleOrigin: Point?
    var barFrame: Rect?
    var barTicks: [Int] = []
    if let bar, style.legend == .right {
      // Down beside the grid: as long as most of the last row's panel, never shorter than six rows.
      let titleRow = figure.legendTitle != nil ? legendRow : 0
      let length = max(6 * legendRow, 0.85 * panelHeight)
      // Half a label's height of room past each end, where the first and last names hang over.
      let h = padding + titleRow + length + style.legendSize
      let anchorTop = min(boxTop[figure.rows - 1] + panelHeight / 2 - h / 2, gridBottom - rowGap - h)
      let box = Rect(x: gridRight + legendGap, y: max(margin, anchorTop), width: rightLegendWidth, height: h)
      gridBottom = max(gridBottom, box.maxY + rowGap)
      if figure.legendTitle != nil {
        legendTitleOrigin = Point(x: box.minX + padding, y: box.minY + padding / 2 + legendRow * 0.72)
      }
      let frame = Rect(
        x: box.minX + padding, y: box.minY + padding / 2 + titleRow + style.legendSize / 2, width: barThickness,
        height: length)
      barFrame = frame
      // A name every two and a half line heights at most: a bar is read, not counted.
      barTicks = bar.tickIndices(length: length, gap: 1.5 * style.legendSize) { _ in style.legendSize }
      legendBox = box
      right = box.maxX + margin
    } else if let bar {
      // Across under the grid, after the title; the first and last names may hang past the ends.
      let rowWidth = gridRight - margin
      let titleWidth = legendTitleWidth > 0 ? legendTitleWidth + 2 * padding : 0
      let inset = min(barLabelWidth / 2, rowWidth / 8)
      let start = margin + padding + titleWidth + inset
      let length = max(rowWidth - padding - titleWidth - 2 * inset, 1)
      let thickness = 0.9 * style.legendSize
      let h = padding + thickness + barTick + style.legendSize * 1.3 + padding / 2
      let box = Rect(x: margin, y: gridBottom, width: rowWidth, height: h)
      if figure.legendTitle != nil {
        legendTitleOrigin = Point(
          x: box.minX + padding, y: box.minY + padding / 2 + thickness / 2 + style.legendSize * 0.36)
      }
      barFrame = Rect(x: start, y: box.minY + padding / 2, width: length, height: thickness)
      barTicks = bar.tickIndices(length: length, gap: 1.5 * style.legendSize) { measure($0, legendFont).advance }
      legendBox = box
      gridBottom = box.maxY + rowGap
    } else if entries.isEmpty {
      legendBox = nil
    } else if style.legend == .right {
      let h = Double(legendRowsUsed + (figure.legendTitle != nil ? 1 : 0)) * legendRow + padding
      // Centred on the last row, but never reaching below the grid into the caption.
      let anchorTop = min(boxTop[figure.rows - 1] + panelHeight / 2 - h / 2, gridBottom - rowGap - h)
      let box = Rect(x: gridRight + legendGap, y: max(margin, anchorTop), width: rightLegendWidth, height: h)
      gridBottom = max(gridBottom, box.maxY + rowGap)
      var rowTop = box.minY + padding / 2
      if figure.legendTitle != nil {
        legendTitleOrigin = Point(x: box.minX + padding, y: rowTop + legendRow * 0.72)
        rowTop += legendRow
      }
      for k in entries.indices {
        let column = Double(k / legendRowsUsed), row = Double(k % legendRowsUsed)
        centers.append(
          Point(
            x: box.minX + padding + column * legendColumnWidth + symbolWidth / 2 - 3 * u,
            y: rowTop + row * legendRow + legendRow / 2))
      }
      legendBox = box
      right = box.maxX + margin
    } else {
      // Bottom: entries flow left to right in rows as wide as the grid.
      let rowWidth = gridRight - margin
      let itemWidths = labelWidths.map { symbolWidth + $0 + 2 * padding }
      if (itemWidths.max() ?? 0) > rowWidth { overflows = true }
      var rowsOfItems: [[Int]] = [[]]
      var used = legendTitleWidth > 0 ? legendTitleWidth + 2 * padding : 0
      for (k, w) in itemWidths.enumerated() {
        if used + w > rowWidth, !(rowsOfItems.last!.isEmpty) {
          rowsOfItems.append([])
          used = 0
        }
        rowsOfItems[rowsOfItems.count - 1].append(k)
        used += w
      }
      let box = Rect(x: margin, y: gridBottom, width: rowWidth, height: Double(rowsOfItems.count) * legendRow + padding)
      if figure.legendTitle != nil {
        legendTitleOrigin = Point(x: box.minX + padding, y: box.minY + padding / 2 + legendRow * 0.72)
      }
      for (r, items) in rowsOfItems.enumerated() {
        var cx = box.minX + padding + (r == 0 && legendTitleWidth > 0 ? legendTitleWidth + 2 * padding : 0)
        for k in items {
          centers.append(
            Point(x: cx + symbolWidth / 2 - 3 * u, y: box.minY + padding / 2 + Double(r) * legendRow + legendRow / 2))
          cx += itemWidths[k]
        }
      }
      legendBox = box
      gridBottom = box.maxY + rowGap
    }
    legendEntryCenters = centers

    // Caption: "key: value" items joined with wide spaces, wrapped to the figure width.
    captionLineHeight = style.captionSize * 1.35
    var lines = [String]()
    if style.showsCaption {
      var current = ""
      let captionWidth = (figure.width ?? right) - 2 * margin
      for item in figure.caption.map({ "\($0.key): \($0.value)" }) {
        let candidate = current.isEmpty ? item : current + "    " + item
        if measure(candidate, style.captionFont).advance <= captionWidth {
          current = candidate
          continue
        }
        if !current.isEmpty { lines.append(current) }
        // An item wider than the figure wraps at its spaces, continued lines indented.
        let indent = measure("  ", style.captionFont).advance
        let first = Self.wrap(item, width: captionWidth, font: style.captionFont, measure: measure)
        // The rest of the item after its first line, as written (a word broken in two stays unspaced).
        let remainder = item.dropFirst(first[0].count).drop { $0 == " " }
        let rest =
          first.count > 1
          ? Self.wrap(String(remainder), width: captionWidth - indent, font: style.captionFont, measure: measure)
            .map { "  " + $0 }
          : []
        let wrapped = [first[0]] + rest
        // A wrapped item ends its line, so the next item starts on a line of its own.
        lines += wrapped.count > 1 ? wrapped : []
        current = wrapped.count > 1 ? "" : wrapped[0]
      }
      if !current.isEmpty { lines.append(current) }
    }
    captionLines = lines
    captionOrigin = Point(x: margin, y: gridBottom + 2 * u)
    let legendBottom = (legendBox?.maxY ?? 0) + margin
    height = max(
      gridBottom + (lines.isEmpty ? 0 : Double(lines.count) * captionLineHeight + 4 * u) + margin - rowGap, legendBottom
    )
    // A requested width is met exactly (the panel sizes were derived from it).
    width = figure.width ?? right
    titleBaseline = figure.title != nil ? Point(x: width / 2, y: margin + style.titleSize * 1.1) : nil
    self.legendTitleOrigin = legendTitleOrigin
    colorBarFrame = barFrame
    colorBarIsVertical = bar != nil && style.legend == .right
    colorBarTicks = barTicks
  }

  /// `text` broken at spaces into lines no wider than `width`. A word wider than a whole line (a long
  /// file name in a title or caption) is broken too, after a `-`, `_`, `.` or `/` where one fits, else
  /// between two characters, so no text runs off the figure.
  static func wrap(_ text: String, width: Double, font: Font, measure: (String, Font) -> TextMetrics) -> [String] {
    guard measure(text, font).advance > width else { return [text] }
    var lines = [String]()
    var current = ""
    for word in text.split(separator: " ") {
      let candidate = current.isEmpty ? String(word) : current + " " + word
      if measure(candidate, font).advance <= width {
        current = candidate
        continue
      }
      if !current.isEmpty { lines.append(current) }
      var rest = Substring(word)
      while measure(String(rest), font).advance > width {
        let cut = breakIndex(rest, width: width, font: font, measure: measure)
        lines.append(String(rest[..<cut]))
        rest = rest[cut...]
      }
      current = String(rest)
    }
    if !current.isEmpty { lines.append(current) }
    return lines
  }

  /// Where to break a word too wide for `width`: after the last `-`, `_`, `.` or `/` of the longest
  /// prefix that fits, else after that prefix (at least one character, so wrapping always advances).
  private static func breakIndex(
    _ word: Substring, width: Double, font: Font, measure: (String, Font) -> TextMetrics
  ) -> String.Index {
    var fits = word.startIndex
    var afterMark: String.Index?
    var i = word.startIndex
    while i < word.endIndex {
      let next = word.index(after: i)
      guard measure(String(word[..<next]), font).advance <= width else { break }
      fits = next
      if "-_./".contains(word[i]) { afterMark = next }
      i = next
    }
    if let afterMark, afterMark < word.endIndex { return afterMark }
    return fits > word.startIndex ? fits : word.index(after: word.startIndex)
  }
}

/// Tick positions and labels of one axis: 1/2/5 × 10^k steps on linear axes, powers of ten on
/// log axes. The layout measures them and the drawing uses the same list.
struct AxisTicks {
  let value: Double
  let label: String

  /// Ticks whose labels keep `gap` apart along an axis `length` long: the usual 1/2/5 steps, or, when
  /// neighbouring labels would touch, every other one of them (keeping 0), and so on, rather than a
  /// coarser step that might leave a single tick. `extent` is a label's size along the axis.
  static func fitting(
    _ range: AxisRange, _ scale: AxisScale, length: Double, gap: Double,
    overhang: (left: Double, right: Double) = (.infinity, .infinity),
    extent: (String) -> Double
  ) -> [AxisTicks] {
    var kept = ticks(range, scale)
    func position(_ v: Double) -> Double {
      switch scale {
      case .linear: (v - range.lower) / range.span * length
      case .log10: (log10(v) - log10(range.lower)) / (log10(range.upper) - log10(range.lower)) * length
      }
    }
    func fits(_ t: [AxisTicks]) -> Bool {
      zip(t, t.dropFirst()).allSatisfy { a, b in
        abs(position(b.value) - position(a.value)) >= (extent(a.label) + extent(b.label)) / 2 + gap
      }
    }
    // Labels at the ends that would reach into the neighbour's labels (or off the figure) are left out.
    func trimmed(_ t: [AxisTicks]) -> [AxisTicks] {
      var t = t
      while let last = t.last, t.count > 1, position(last.value) + extent(last.label) / 2 > length + overhang.right {
        t.removeLast()
      }
      while let first = t.first, t.count > 1, position(first.value) - extent(first.label) / 2 < -overhang.left {
        t.removeFirst()
      }
      return t
    }
    // Every k-th tick, through 0 where possible, for the smallest k that fits at least two labels.
    let all = kept
    let anchor = all.firstIndex { $0.value == 0 } ?? 0
    var best: [AxisTicks]? = nil
    for stride in 1...max(1, all.count) {
      for phase in 0..<stride {
        let candidate = trimmed(
          all.enumerated().filter { (($0.offset - anchor - phase) % stride + stride) % stride == 0 }.map(\.element))
        guard fits(candidate) else { continue }
        if candidate.count >= 2 { return candidate }
        if best == nil { best = candidate }
      }
    }
    kept = best ?? Array(all.prefix(1))
    return kept
  }

  static func ticks(_ range: AxisRange, _ scale: AxisScale, targetCount: Int = 5) -> [AxisTicks] {
    switch scale {
    case .linear:
      let step = NiceTicks.step(forSpan: range.span, targetCount: targetCount)
      return NiceTicks.ticks(in: range, targetCount: targetCount).map {
        AxisTicks(value: $0, label: NiceTicks.label($0, step: step))
      }
    case .log10:
      let values = NiceTicks.logTicks(in: range)
      let labels = NiceTicks.logLabels(values)
      return zip(values, labels).map { AxisTicks(value: $0, label: $1) }
    }
  }
}
