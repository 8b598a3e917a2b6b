import Graphics2D
import Foundation

/// How densely points lie along the circle: per-class bars in angular bins, standing outward from
/// `innerRadius` on a thin baseline circle, their length proportional to the bin's count (the
/// fullest bin reaches `depth`). Gaps between classes read as stretches with no bar at all.
public struct AngularDensityLayer: PlotLayer {
  public var cloud: FeatureCloud
  public var palette: Palette
  public var innerRadius: Double
  public var depth: Double
  public var binDegrees: Double

  public init(
    cloud: FeatureCloud, palette: Palette = .colorBlindSafe, innerRadius: Double = 1.1, depth: Double = 0.22,
    binDegrees: Double = 2
  ) {
    self.cloud = cloud
    self.palette = palette
    self.innerRadius = innerRadius
    self.depth = depth
    self.binDegrees = binDegrees
  }

  public var outerRadius: Double { innerRadius + depth }

  public var dataBounds: AxisLimits? {
    AxisLimits(xMin: -outerRadius, xMax: outerRadius, yMin: -outerRadius, yMax: outerRadius)
  }
  public var legendEntries: [LegendEntry] { [] }

  /// Counts per bin (counter-clockwise from the +x axis) and class.
  public func counts() -> [[Int]] {
    let bins = max(1, Int((360 / binDegrees).rounded()))
    var result = [[Int]](repeating: [Int](repeating: 0, count: cloud.classCount), count: bins)
    for i in 0..<cloud.count {
      let x = Double(cloud.xs[i]), y = Double(cloud.ys[i])
      guard x.isFinite, y.isFinite, x != 0 || y != 0 else { continue }
      let a = AngularSector.normalized(atan2(y, x))
      result[min(bins - 1, Int(a / (2 * .pi) * Double(bins)))][Int(cloud.labels[i])] += 1
    }
    return result
  }

  public func draw(in canvas: PlotCanvas) throws {
    let table = counts()
    let bins = table.count
    let fullest = table.map { $0.reduce(0, +) }.max() ?? 0
    canvas.strokePolyline(
      Array(
        AngularSector(start: 0, end: 2 * .pi, classIndex: 0, kind: .decisionRegion).outline(radius: innerRadius)
          .dropFirst()),
      color: .gray(0.6), width: 0.4)
    guard fullest > 0 else { return }
    let width = 2 * Double.pi / Double(bins)
    for (b, row) in table.enumerated() {
      var r = innerRadius
      for (c, n) in row.enumerated() where n > 0 {
        let h = depth * Double(n) / Double(fullest)
        let a0 = Double(b) * width, a1 = a0 + width
        let quad = [
          Point(x: r * cos(a0), y: r * sin(a0)), Point(x: (r + h) * cos(a0), y: (r + h) * sin(a0)),
          Point(x: (r + h) * cos(a1), y: (r + h) * sin(a1)), Point(x: r * cos(a1), y: r * sin(a1)),
        ]
        canvas.fillPolygon(quad, color: palette.color(forClass: c).withAlpha(1))
        r += h
      }
    }
  }
}
