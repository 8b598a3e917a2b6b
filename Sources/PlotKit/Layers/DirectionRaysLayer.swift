import Graphics2D
import Foundation

/// Class weight directions drawn as rays from the origin, labelled at their tips (ArcFace-style
/// class-centre lines). Only the direction of each vector matters.
public struct DirectionRaysLayer: PlotLayer {
  public var directions: [Point]
  /// Ray length in data units; `nil` reaches 92 % of the way to the nearest panel edge.
  public var length: Double?
  /// Tip labels (e.g. "W0"); `nil` draws none.
  public var labels: [String]?
  public var palette: Palette
  public var lineWidth: Double
  /// Where the tip labels are centred (data units); `nil` just beyond the tips.
  public var labelRadius: Double?

  public init(
    directions: [Point], length: Double? = nil, labels: [String]? = nil, palette: Palette = .colorBlindSafe,
    lineWidth: Double = 1.3,
    labelRadius: Double? = nil
  ) {
    self.directions = directions
    self.length = length
    self.labelRadius = labelRadius
    self.labels = labels
    self.palette = palette
    self.lineWidth = lineWidth
  }

  public var dataBounds: AxisLimits? {
    guard let length else { return nil }
    // Leave room for the tip labels.
    let r = length * 1.15
    return AxisLimits(xMin: -r, xMax: r, yMin: -r, yMax: r)
  }

  public var legendEntries: [LegendEntry] { [] }

  public func draw(in canvas: PlotCanvas) throws {
    let limits = canvas.mapping.limits
    let reach = length ?? 0.92 * min(abs(limits.x.lower), abs(limits.x.upper), abs(limits.y.lower), abs(limits.y.upper))
    var placed: [Rect] = []
    for (c, w) in directions.enumerated() {
      let n = (w.x * w.x + w.y * w.y).squareRoot()
      guard n > 0 else { continue }
      let tip = Point(x: w.x / n * reach, y: w.y / n * reach)
      let color = palette.color(forClass: c)
      canvas.strokePolyline([.zero, tip], color: .white, width: lineWidth + 1.2)
      canvas.strokePolyline([.zero, tip], color: color, width: lineWidth)
    }
    guard let labels else { return }
    for (c, w) in directions.enumerated() where c < labels.count {
      let n = (w.x * w.x + w.y * w.y).squareRoot()
      guard n > 0 else { continue }
      // Beyond the tip; a label that would touch one already placed moves inward along its ray
      // (neighbouring weights a few degrees apart otherwise print as "W4W1").
      var fraction = labelRadius.map { $0 / reach } ?? 1.09
      for _ in 0..<10 {
        let box = canvas.haloTextRect(
          labels[c], at: Point(x: w.x / n * reach * fraction, y: w.y / n * reach * fraction), size: 7.5,
          keepingInside: true)
        if !placed.contains(where: {
          $0.minX < box.maxX && box.minX < $0.maxX && $0.minY < box.maxY && box.minY < $0.maxY
        }) {
          break
        }
        fraction -= 0.1
      }
      let labelAt = Point(x: w.x / n * reach * fraction, y: w.y / n * reach * fraction)
      // Long names ("Wthree") are moved inward rather than cut at the frame.
      let box = canvas.drawHaloText(
        labels[c], at: labelAt, size: 7.5, color: palette.color(forClass: c), keepingInside: true)
      placed.append(box.insetBy(dx: -1, dy: -1))
    }
  }
}
