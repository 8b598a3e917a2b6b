import Graphics2D
import Foundation

/// One plot in a figure: axes, layers, title above, subtitle below.
public struct Panel {
  /// Where a panel's legend entries go.
  public enum LegendPlacement: Hashable, Sendable {
    /// Into the figure's shared legend box (the default; class colours are the same everywhere).
    case shared
    /// A legend box inside the axes at a corner (curves, histograms).
    case inside(Corner)
    /// A legend box under the panel (below its subtitle), entries flowing in rows as wide as the
    /// panel's column: for curves that fill every corner of their axes.
    case below
    case hidden
  }

  public enum Corner: Hashable, Sendable {
    case topLeft, topRight, bottomLeft, bottomRight
  }

  public var title: String?
  /// A second line under the panel, e.g. "Testing Accuracy: 99.22%".
  public var subtitle: String?
  public var layers: [any PlotLayer]
  public var limits: LimitsPolicy
  public var equalAspect: Bool
  public var xScale: AxisScale
  public var yScale: AxisScale
  public var xLabel: String?
  public var yLabel: String?
  /// Draws the axes frame, ticks and tick labels.
  public var showsAxes: Bool
  public var showsGrid: Bool
  public var legend: LegendPlacement
  /// A short note in the top-left corner inside the axes (e.g. "epoch 12"), placed in axes
  /// coordinates so it never depends on the data range.
  public var cornerNote: String?
  /// The title and subtitle of the figure's compact form (an empty string drops it; `nil` keeps
  /// the normal one).
  public var compactTitle: String?
  public var compactSubtitle: String?

  public init(
    title: String? = nil, subtitle: String? = nil, layers: [any PlotLayer] = [], limits: LimitsPolicy = .symmetric,
    equalAspect: Bool = true, xScale: AxisScale = .linear, yScale: AxisScale = .linear, xLabel: String? = nil,
    yLabel: String? = nil, showsAxes: Bool = true, showsGrid: Bool = false, legend: LegendPlacement = .shared,
    cornerNote: String? = nil
  ) {
    self.title = title
    self.subtitle = subtitle
    self.layers = layers
    self.limits = limits
    self.equalAspect = equalAspect
    self.xScale = xScale
    self.yScale = yScale
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.showsAxes = showsAxes
    self.showsGrid = showsGrid
    self.legend = legend
    self.cornerNote = cornerNote
    compactTitle = nil
    compactSubtitle = nil
  }

  /// The union of the layers' data bounds (`nil` when no layer has data).
  public var dataBounds: AxisLimits? { AxisLimits.union(layers.map(\.dataBounds)) }

  /// The limits the panel shows for data bounds `bounds` (its own, or a sharing group's).
  public func resolvedLimits(forBounds bounds: AxisLimits?) -> AxisLimits {
    switch limits {
    case .exactly(let fixed):
      return fixed
    case .containing(let minimum):
      guard let bounds,
        !(minimum.contains(Point(x: bounds.x.lower, y: bounds.y.lower))
          && minimum.contains(Point(x: bounds.x.upper, y: bounds.y.upper)))
      else { return minimum }
      let grown = minimum.union(bounds)
      return AxisLimits(x: niceRange(grown.x, scale: xScale), y: niceRange(grown.y, scale: yScale))
    case .symmetric:
      let b = bounds ?? AxisLimits(xMin: -1, xMax: 1, yMin: -1, yMax: 1)
      let m = max(abs(b.x.lower), abs(b.x.upper), abs(b.y.lower), abs(b.y.upper))
      // 2 % headroom so markers on the extreme points are not cut by the frame.
      let r = NiceTicks.symmetric(maxAbs: m * 1.02)
      return AxisLimits(x: r, y: r)
    case .nice:
      let b = bounds ?? AxisLimits(xMin: 0, xMax: 1, yMin: 0, yMax: 1)
      return AxisLimits(x: niceRange(b.x, scale: xScale), y: niceRange(b.y, scale: yScale))
    }
  }

  private func niceRange(_ r: AxisRange, scale: AxisScale) -> AxisRange {
    switch scale {
    case .linear:
      // Round to a step finer than the ticks' so curves starting at 0 or ending at 180 keep
      // those limits, and other data gets at most a tenth of the span as margin.
      return NiceTicks.expand(r, targetCount: 10)
    case .log10:
      let lo = r.lower > 0 ? r.lower : max(r.upper * 1e-6, .leastNormalMagnitude)
      let hi = max(r.upper, lo * 10)
      return AxisRange(pow10(floorLog(lo)), pow10(ceilLog(hi)))
    }
  }
}

private func floorLog(_ v: Double) -> Double { (log10(v) + 1e-9).rounded(.down) }
private func ceilLog(_ v: Double) -> Double { (log10(v) - 1e-9).rounded(.up) }
private func pow10(_ e: Double) -> Double { pow(10, e) }
