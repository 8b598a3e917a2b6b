import Graphics2D
import Foundation

/// One labelled histogram, e.g. "train" or "test", or one class.
public struct HistogramSeries: Sendable {
  public var name: String
  public var histogram: Histogram
  public var color: Color

  public init(name: String, histogram: Histogram, color: Color) {
    self.name = name
    self.histogram = histogram
    self.color = color
  }
}

/// Overlaid histograms on linear axes, as outlined steps or translucent bars.
public struct HistogramLayer: PlotLayer {
  public enum Style: Hashable, Sendable {
    case steps
    case bars(alpha: Double)
    /// The first series filled in a pale tint with its outline, the others as outlines on top:
    /// training vs test, both visible where they coincide.
    case trainFilledTestOutlined
  }

  public var series: [HistogramSeries]
  public var style: Style

  public init(series: [HistogramSeries], style: Style = .steps) {
    self.series = series
    self.style = style
  }

  public var dataBounds: AxisLimits? {
    guard let lo = series.compactMap({ $0.histogram.edges.first }).min(),
      let hi = series.compactMap({ $0.histogram.edges.last }).max()
    else { return nil }
    let top = series.flatMap(\.histogram.counts).max() ?? 1
    return AxisLimits(xMin: lo, xMax: hi, yMin: 0, yMax: max(top * 1.05, .leastNormalMagnitude))
  }

  public var legendEntries: [LegendEntry] {
    series.map {
      switch style {
      case .steps: LegendEntry(label: $0.name, color: $0.color, symbol: .line(dash: []))
      case .bars(let alpha): LegendEntry(label: $0.name, color: $0.color.withAlpha(alpha), symbol: .patch)
      case .trainFilledTestOutlined:
        $0.name == series.first?.name
          ? LegendEntry(label: $0.name, color: $0.color.lightened(by: 0.55), symbol: .patch)
          : LegendEntry(label: $0.name, color: $0.color, symbol: .line(dash: []))
      }
    }
  }

  public func draw(in canvas: PlotCanvas) throws {
    for (k, s) in series.enumerated() {
      let h = s.histogram
      switch style {
      case .trainFilledTestOutlined:
        var outline = [Point(x: h.edges[0], y: 0)]
        for i in h.counts.indices {
          outline.append(Point(x: h.edges[i], y: h.counts[i]))
          outline.append(Point(x: h.edges[i + 1], y: h.counts[i]))
        }
        outline.append(Point(x: h.edges[h.counts.count], y: 0))
        if k == 0 {
          canvas.fillPolygon(outline, color: s.color.lightened(by: 0.55))
          canvas.strokePolyline(outline, color: s.color, width: 0.6)
        } else {
          canvas.strokePolyline(outline, color: s.color, width: 1.0)
        }
      case .bars(let alpha):
        for i in h.counts.indices where h.counts[i] > 0 {
          canvas.fillPolygon(
            [
              Point(x: h.edges[i], y: 0), Point(x: h.edges[i + 1], y: 0),
              Point(x: h.edges[i + 1], y: h.counts[i]), Point(x: h.edges[i], y: h.counts[i]),
            ], color: s.color.withAlpha(alpha))
        }
      case .steps:
        var outline = [Point(x: h.edges[0], y: 0)]
        for i in h.counts.indices {
          outline.append(Point(x: h.edges[i], y: h.counts[i]))
          outline.append(Point(x: h.edges[i + 1], y: h.counts[i]))
        }
        outline.append(Point(x: h.edges[h.counts.count], y: 0))
        canvas.strokePolyline(outline, color: s.color, width: 1.1)
      }
    }
  }
}

/// A polar histogram (rose plot): bin i is a wedge over its angle range whose radius is the
/// count relative to the largest bin (or its square root, so wedge area tracks the count).
public struct RoseLayer: PlotLayer {
  /// Histograms over angles in **degrees**, as ``FeatureCloud/anglesToOwnClass(directions:)`` gives.
  public var series: [HistogramSeries]
  public var areaProportional: Bool
  public var alpha: Double

  public init(series: [HistogramSeries], areaProportional: Bool = true, alpha: Double = 0.55) {
    self.series = series
    self.areaProportional = areaProportional
    self.alpha = alpha
  }

  /// The angles shown, 0 to this (degrees): the upper edge of the last non-empty bin rounded up to
  /// 30°, so angles to the own class (mostly under 60°) fill the panel instead of a sliver of a
  /// full circle.
  public var span: Double {
    let top =
      series.compactMap { s in s.histogram.counts.lastIndex { $0 > 0 }.map { s.histogram.edges[$0 + 1] } }.max() ?? 360
    return min(360, max(30, (top / 30).rounded(.up) * 30))
  }

  /// The wedge from 0 to ``span`` at the radius of the angle labels, with the origin.
  public var dataBounds: AxisLimits? {
    let span = self.span
    if span >= 180 { return AxisLimits(xMin: -1.12, xMax: 1.12, yMin: span > 180 ? -1.12 : -0.05, yMax: 1.12) }
    let arc = stride(from: 0.0, through: span, by: 1).map {
      Point(x: 1.12 * cos($0 * .pi / 180), y: 1.12 * sin($0 * .pi / 180))
    }
    return AxisLimits(bounding: arc + [.zero, Point(x: -0.05, y: -0.05)])
  }

  public var legendEntries: [LegendEntry] {
    series.map { LegendEntry(label: $0.name, color: $0.color.withAlpha(alpha), symbol: .patch) }
  }

  public func draw(in canvas: PlotCanvas) throws {
    let peak = series.flatMap(\.histogram.counts).max() ?? 0
    let span = self.span
    for r in [0.5, 1.0] {
      if span >= 360 {
        try CircleLayer(radius: r, color: .gray(0.7), lineWidth: 0.5).draw(in: canvas)
      } else {
        let arc = stride(from: 0.0, through: span, by: 1).map {
          Point(x: r * cos($0 * .pi / 180), y: r * sin($0 * .pi / 180))
        }
        canvas.strokePolyline(arc, color: .gray(0.7), width: 0.5)
      }
    }
    for degrees in stride(from: 0.0, through: min(span, 330), by: 30) {
      let a = degrees * .pi / 180
      canvas.strokePolyline([.zero, Point(x: cos(a), y: sin(a))], color: .gray(0.8), width: 0.4)
      canvas.drawHaloText(
        "\(Int(degrees))°", at: Point(x: 1.09 * cos(a), y: 1.09 * sin(a)), size: 6.5, color: .gray(0.3), bold: false)
    }
    guard peak > 0 else { return }
    for s in series {
      let h = s.histogram
      for i in h.counts.indices where h.counts[i] > 0 {
        let fraction = h.counts[i] / peak
        let radius = areaProportional ? fraction.squareRoot() : fraction
        let wedge = AngularSector(
          start: h.edges[i] * .pi / 180, end: h.edges[i + 1] * .pi / 180, classIndex: 0, kind: .decisionRegion)
        let outline = wedge.outline(radius: radius)
        canvas.fillPolygon(outline, color: s.color.withAlpha(alpha))
        canvas.strokePolyline(outline + [.zero], color: s.color, width: 0.5)
      }
    }
  }
}

extension HistogramSeries {
  /// One series per class of the angle (degrees) between each feature and its own class
  /// direction, coloured by `palette`; empty classes are skipped.
  public static func anglesPerClass(
    of cloud: FeatureCloud, directions: [Point], binCount: Int = 45, range: ClosedRange<Double> = 0...90,
    palette: Palette = .colorBlindSafe, density: Bool = true
  ) -> [HistogramSeries] {
    (0..<cloud.classCount).compactMap { c in
      let indices = cloud.labels.indices.filter { Int(cloud.labels[$0]) == c }
      guard !indices.isEmpty else { return nil }
      let subset = FeatureCloud(
        xs: indices.map { cloud.xs[$0] }, ys: indices.map { cloud.ys[$0] }, labels: indices.map { cloud.labels[$0] },
        classNames: cloud.classNames)
      let h = Histogram(values: subset.anglesToOwnClass(directions: directions), binCount: binCount, range: range)
      return HistogramSeries(
        name: cloud.name(ofClass: c), histogram: density ? h.density() : h, color: palette.color(forClass: c))
    }
  }

  /// All classes pooled into one series.
  public static func anglesPooled(
    of cloud: FeatureCloud, directions: [Point], name: String, color: Color, binCount: Int = 45,
    range: ClosedRange<Double> = 0...90, density: Bool = true
  ) -> HistogramSeries {
    let h = Histogram(values: cloud.anglesToOwnClass(directions: directions), binCount: binCount, range: range)
    return HistogramSeries(name: name, histogram: density ? h.density() : h, color: color)
  }
}
