import Graphics2D

/// A grid of panels with an optional title, a shared legend (right or below) and a caption block
/// (run, seed, epoch, code version …) underneath. Sizes are in points (1/72 inch).
///
/// Size either per panel (`panelWidth` × `panelHeight`) or for the whole figure (`width`, which
/// then sets the panel width and keeps the panels' aspect ratio); text sizes come from `style`.
public struct Figure {
  /// Which panels use common axis limits.
  public enum LimitSharing: Hashable, Sendable {
    case independent
    /// Panels in the same row share limits.
    case rows
    /// Panels in the same column share limits (train above test, as in L-Softmax Fig. 2).
    case columns
    /// Every panel shows the same limits.
    case all
  }

  public let rows: Int
  public let columns: Int
  /// Row-major; `nil` leaves a cell empty.
  public var panels: [Panel?]
  /// A title over the whole figure.
  public var title: String?
  /// A heading for the shared legend (e.g. "digit").
  public var legendTitle: String?
  /// Entries for the shared legend; `nil` collects them from panels whose legend is `.shared`.
  public var legendEntries: [LegendEntry]?
  /// A colour bar in place of the shared legend (where the legend would go, under ``legendTitle``),
  /// for figures of more classes than a legend tells apart (``Palette/distinctClassLimit``).
  public var colorBar: ColorBar?
  /// Key/value lines written under the grid, e.g. `("seed", "1701")`.
  public var caption: [(key: String, value: String)]
  public var limitSharing: LimitSharing
  /// Size of each panel's axes area (only their ratio counts when `width` is set).
  public var panelWidth: Double
  public var panelHeight: Double
  /// The whole figure's width in points; `nil` sizes it from the panels.
  public var width: Double?
  public var style: FigureStyle
  public var background: Color
  /// Whether the figure is laid out in its compact form (see ``compactForm()``); `.never` unless set
  /// (the paper figures are built `.automatic`).
  public var compactMode: CompactMode
  /// Tick labels only where no neighbour repeats them: y labels on the leftmost panel of a run of
  /// panels with the same y limits, x labels on the lowest of a column with the same x limits.
  public var ticksOnOuterPanels: Bool
  /// The number of columns of the compact form (`nil` keeps the grid).
  public var compactColumns: Int?
  /// Whether the compact form takes the panels row by row (a grid read like text) rather than
  /// column by column (one column per run, as ``reflowed(columns:)`` does).
  public var compactReflowsByRow: Bool
  /// Below this panel width (in font sizes) in the compact form, `.automatic` also reflows
  /// (``reflowPanelWidth`` by default; wide curve panels, whose axis labels need room, set more).
  public var compactReflowWidth: Double

  /// When a figure switches to its compact form: shorter titles, tick labels on outer panels only,
  /// a right legend moved under the grid, tighter gaps and (with ``compactColumns``) a new grid.
  public enum CompactMode: String, Hashable, Sendable, CaseIterable {
    /// Compact when the requested width leaves a panel narrower than ``Figure/compactPanelWidth``
    /// font sizes in the normal layout.
    case automatic
    case always
    case never
  }

  /// Below this panel width, in multiples of the font size, `.automatic` switches to the compact form:
  /// 11 × 8 pt = 88 pt, where a wrapped two-line title and five tick labels no longer fit well.
  public static let compactPanelWidth = 11.0
  /// Below this panel width (in font sizes) in the compact form, `.automatic` also reflows the
  /// panels into ``compactColumns`` columns.
  public static let reflowPanelWidth = 6.5

  public var fontFamily: String {
    get { style.fontFamily }
    set { style.fontFamily = newValue }
  }

  public init(rows: Int, columns: Int, panelWidth: Double = 170, panelHeight: Double = 170) {
    precondition(rows > 0 && columns > 0, "Figure needs at least one row and one column")
    self.rows = rows
    self.columns = columns
    panels = Array(repeating: nil, count: rows * columns)
    title = nil
    legendTitle = nil
    legendEntries = nil
    colorBar = nil
    caption = []
    limitSharing = .independent
    self.panelWidth = panelWidth
    self.panelHeight = panelHeight
    width = nil
    style = FigureStyle()
    background = .white
    compactMode = .never
    ticksOnOuterPanels = false
    compactColumns = nil
    compactReflowsByRow = false
    compactReflowWidth = Figure.reflowPanelWidth
  }

  /// The compact form: each panel's ``Panel/compactTitle`` and ``Panel/compactSubtitle`` where
  /// given, tick labels on outer panels only, the shared legend under the grid instead of beside
  /// it, and ``compactColumns`` columns.
  /// `reflowing: false` keeps the grid (the first step of `.automatic`).
  public func compactForm(reflowing: Bool = true) -> Figure {
    var copy =
      reflowing
      ? compactColumns.map { $0 == columns ? self : reflowed(columns: $0, byRow: compactReflowsByRow) } ?? self : self
    for i in copy.panels.indices {
      guard var panel = copy.panels[i] else { continue }
      if let t = panel.compactTitle { panel.title = t.isEmpty ? nil : t }
      if let s = panel.compactSubtitle { panel.subtitle = s.isEmpty ? nil : s }
      copy.panels[i] = panel
    }
    if copy.style.legend == .right { copy.style.legend = .bottom }
    copy.ticksOnOuterPanels = true
    copy.compactMode = .always
    return copy
  }

  public subscript(row: Int, column: Int) -> Panel? {
    get { panels[row * columns + column] }
    set { panels[row * columns + column] = newValue }
  }

  /// The shared legend's entries: explicit ones, or those of `.shared` panels with duplicate
  /// labels removed (first occurrence wins).
  public var sharedLegendEntries: [LegendEntry] {
    if let legendEntries { return legendEntries }
    var seen = Set<String>()
    var result = [LegendEntry]()
    for panel in panels.compactMap({ $0 }) where panel.legend == .shared {
      for entry in panel.layers.flatMap(\.legendEntries) where seen.insert(entry.label).inserted {
        result.append(entry)
      }
    }
    return result
  }

  /// The limits each panel will show (row-major, `nil` for empty cells), after sharing.
  public func resolvedLimits() -> [AxisLimits?] {
    let bounds = panels.map { $0?.dataBounds }
    return panels.indices.map { i in
      guard let panel = panels[i] else { return nil }
      let group = panels.indices.filter { j in
        switch limitSharing {
        case .independent: j == i
        case .rows: j / columns == i / columns
        case .columns: j % columns == i % columns
        case .all: true
        }
      }
      return panel.resolvedLimits(forBounds: AxisLimits.union(group.map { bounds[$0] }))
    }
  }

  /// Frames of an animation with every panel position fixed to limits that contain that
  /// position's data in all frames, so the axes do not jump between epochs.
  /// - Precondition: all frames have the same grid.
  public static func sharingLimits(across frames: [Figure]) -> [Figure] {
    guard let first = frames.first else { return [] }
    precondition(frames.allSatisfy { $0.rows == first.rows && $0.columns == first.columns }, "frames must share a grid")
    let perFrame = frames.map { $0.resolvedLimits() }
    let common = first.panels.indices.map { i in AxisLimits.union(perFrame.map { $0[i] }) }
    return frames.map { frame in
      var copy = frame
      for i in copy.panels.indices {
        guard let limits = common[i], var panel = copy.panels[i] else { continue }
        if case .exactly = panel.limits { continue }
        panel.limits = .containing(limits)
        copy.panels[i] = panel
      }
      return copy
    }
  }
}

extension Figure {
  /// The same panels in a grid of `columns` columns: panels are taken column by column (in a
  /// figure with one column per input, input by input) and placed row by row.
  /// `byRow` takes them row by row instead.
  public func reflowed(columns newColumns: Int, byRow: Bool = false) -> Figure {
    precondition(newColumns > 0, "need at least one column")
    let ordered =
      byRow ? panels.compactMap { $0 } : (0..<columns).flatMap { c in (0..<rows).compactMap { r in self[r, c] } }
    let c = min(newColumns, max(1, ordered.count))
    var copy = Figure(
      rows: max(1, (ordered.count + c - 1) / c), columns: c, panelWidth: panelWidth, panelHeight: panelHeight)
    copy.title = title
    copy.legendTitle = legendTitle
    copy.legendEntries = legendEntries
    copy.colorBar = colorBar
    copy.caption = caption
    copy.limitSharing = limitSharing
    copy.width = width
    copy.style = style
    copy.background = background
    copy.compactMode = compactMode
    copy.ticksOnOuterPanels = ticksOnOuterPanels
    copy.compactColumns = compactColumns
    copy.compactReflowsByRow = compactReflowsByRow
    copy.compactReflowWidth = compactReflowWidth
    for (k, panel) in ordered.enumerated() { copy.panels[k] = panel }
    return copy
  }
}

/// The key of a figure whose classes are coloured along a continuous map: one stripe per class in
/// class order (class 0 first: at the top of a bar beside the grid, at the left of one under it),
/// with as many class names as ticks as fit without touching.
public struct ColorBar: Hashable, Sendable {
  /// One colour per class.
  public var colors: [Color]
  /// One name per class (the tick labels are taken from these).
  public var labels: [String]

  public init(colors: [Color], labels: [String]) {
    precondition(colors.count == labels.count, "one name per colour")
    self.colors = colors
    self.labels = labels
  }

  /// The classes that get a tick: every `step`-th from class 0, `step` the smallest of 1, 2, 5, 10,
  /// 20, 50 … for which neighbouring labels keep `gap` apart on a bar `length` long, and the last
  /// class when its label fits after them. `extent` is a label's size along the bar.
  func tickIndices(length: Double, gap: Double, extent: (String) -> Double) -> [Int] {
    let n = colors.count
    guard n > 0, length > 0 else { return [] }
    let pitch = length / Double(n)
    var magnitude = 1
    while true {
      for multiplier in [1, 2, 5] {
        let step = multiplier * magnitude
        func apart(_ a: Int, _ b: Int) -> Bool {
          Double(b - a) * pitch >= (extent(labels[a]) + extent(labels[b])) / 2 + gap
        }
        var indices = Array(stride(from: 0, to: n, by: step))
        if zip(indices, indices.dropFirst()).allSatisfy(apart) || step >= n {
          if let last = indices.last, last != n - 1, apart(last, n - 1) { indices.append(n - 1) }
          return indices
        }
      }
      magnitude *= 10
    }
  }
}
