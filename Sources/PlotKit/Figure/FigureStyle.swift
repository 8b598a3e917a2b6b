/// Text sizes, fonts, legend placement and caption of a figure. Every size and gap scales from
/// ``fontSize``, so one number sets how large the figure reads in print.
public struct FigureStyle: Hashable, Sendable {
  public enum LegendPosition: String, Hashable, Sendable, CaseIterable {
    /// A box right of the grid, centred on the last row (L-Softmax Fig. 2).
    case right
    /// Rows of entries under the grid, as wide as the figure.
    case bottom
    /// No shared legend (in-panel legends of curves and histograms stay).
    case none
  }

  /// The base size in points: panel titles, axis labels and legends use it; tick labels and the
  /// caption are 7/8 of it, the figure title 11/8.
  public var fontSize: Double
  public var fontFamily: String
  /// The caption's monospaced family.
  public var captionFontFamily: String
  public var legend: LegendPosition
  public var showsCaption: Bool

  /// The default base size, 8 pt: tick labels and captions print at 7 pt at the figure's width.
  public static let defaultFontSize = 8.0

  public init(
    fontSize: Double = FigureStyle.defaultFontSize, fontFamily: String = "DejaVu Sans",
    captionFontFamily: String = "DejaVu Sans Mono", legend: LegendPosition = .right, showsCaption: Bool = true
  ) {
    self.fontSize = fontSize
    self.fontFamily = fontFamily
    self.captionFontFamily = captionFontFamily
    self.legend = legend
    self.showsCaption = showsCaption
  }

  /// Points per "unit": 1 at the default size; gaps and paddings are multiples of it.
  public var unit: Double { fontSize / Self.defaultFontSize }

  public var titleSize: Double { fontSize * 11 / 8 }
  public var panelTitleSize: Double { fontSize * 9 / 8 }
  public var subtitleSize: Double { fontSize }
  public var tickSize: Double { fontSize * 7 / 8 }
  public var axisLabelSize: Double { fontSize }
  public var legendSize: Double { fontSize }
  public var captionSize: Double { fontSize * 7 / 8 }
  /// The smallest text on the figure.
  public var smallestTextSize: Double { min(tickSize, captionSize) }

  public func font(_ size: Double, bold: Bool = false) -> Font { Font(family: fontFamily, size: size, isBold: bold) }
  public var captionFont: Font { Font(family: captionFontFamily, size: captionSize) }
}
