import Foundation
import MarginMath
import PlotKit
import SphereScene

/// A `SphereScene` picture as a kit layer: its view coordinates (x right, y up) are the panel's
/// data coordinates, its sizes are points, and its primitives are drawn back to front.
public struct SceneLayer: PlotLayer {
  public var scene: SceneDescription
  /// Legend rows for the scene's palette (class names); empty leaves the legend to other layers.
  public var classNames: [String]

  public init(scene: SceneDescription, classNames: [String] = []) {
    self.scene = scene
    self.classNames = classNames
  }

  public var dataBounds: AxisLimits? {
    AxisLimits(xMin: scene.minX, xMax: scene.maxX, yMin: scene.minY, yMax: scene.maxY)
  }

  public var legendEntries: [LegendEntry] {
    zip(classNames, scene.palette).map { LegendEntry(label: $0, color: $1, symbol: .dot) }
  }

  public func draw(in canvas: PlotCanvas) throws {
    var placed: [Rect] = []
    for primitive in scene.primitives {
      switch primitive {
      case .polyline(let line):
        guard line.points.count > 1 else { continue }
        let path = Path.polyline(line.points.map { canvas.mapping.device(Self.point($0)) }, closed: line.closed)
        canvas.draw(devicePath: path, style: .stroked(line.stroke, width: line.width, dash: line.dash, cap: .round))
      case .polygon(let polygon):
        var path = Path()
        for ring in Self.windingRings(polygon.rings) where ring.count > 2 {
          path.append(.polyline(ring.map { canvas.mapping.device(Self.point($0)) }, closed: true))
        }
        let stroke = polygon.stroke.map { Stroke(color: $0, width: polygon.width) }
        canvas.draw(devicePath: path, style: PathStyle(fill: polygon.fill, stroke: stroke))
      case .points(let batch):
        try ColoredPointsLayer(
          positions: batch.positions.map(Self.point), colorIndices: batch.colorIndices, palette: scene.palette,
          alpha: batch.alpha, diameter: 2 * batch.radius
        ).draw(in: canvas)
      case .text(let label):
        placed.append(draw(label, in: canvas, avoiding: placed))
      }
    }
  }

  static func point(_ p: Point2) -> Point { Point(x: p.x, y: p.y) }

  /// Draws `label`; a weight label that would touch a text in `avoiding` moves outward from the
  /// centre until it is clear (arrows a few degrees apart printed "W4W1"). Returns its ink box.
  private func draw(_ label: SceneText, in canvas: PlotCanvas, avoiding placed: [Rect]) -> Rect {
    var d = canvas.mapping.device(Self.point(label.position))
    let font = Font(family: canvas.fontFamily, size: label.size)
    let m = canvas.renderer.measureText(label.text, font: font)
    let gap = label.size * 0.3
    if label.role == .weightLabel {
      let centre = canvas.mapping.device(.zero)
      let (vx, vy) = (d.x - centre.x, d.y - centre.y)
      let length = max(1e-9, (vx * vx + vy * vy).squareRoot())
      for _ in 0..<8 {
        let box = Rect(
          x: d.x - m.inkWidth / 2 - 0.5, y: d.y - m.inkHeight / 2 - 0.5, width: m.inkWidth + 1, height: m.inkHeight + 1)
        guard
          placed.contains(where: {
            $0.minX < box.maxX && box.minX < $0.maxX && $0.minY < box.maxY && box.minY < $0.maxY
          })
        else { break }
        d.x += vx / length * m.inkHeight * 0.8
        d.y += vy / length * m.inkHeight * 0.8
      }
    }
    // Origin of the baseline so that the ink box sits on the anchor's side of the point.
    let centreX = d.x - m.inkLeft - m.inkWidth / 2, centreY = d.y - m.inkTop - m.inkHeight / 2
    let origin: Point =
      switch label.anchor {
      case .centre: Point(x: centreX, y: centreY)
      case .left: Point(x: d.x + gap - m.inkLeft, y: centreY)
      case .right: Point(x: d.x - gap - m.inkLeft - m.inkWidth, y: centreY)
      case .above: Point(x: centreX, y: d.y + gap - m.inkTop)
      case .below: Point(x: centreX, y: d.y - gap - m.inkTop - m.inkHeight)
      }
    canvas.renderer.drawText(
      label.text, at: origin,
      style: TextStyle(
        font: font, color: label.color,
        halo: Stroke(color: .white.withAlpha(label.color.alpha), width: label.size * 0.25)),
      // Unclipped: a weight label at the rim may stand past the scene's square (into the column gap).
      clip: [])
    return Rect(x: origin.x + m.inkLeft, y: origin.y + m.inkTop, width: m.inkWidth, height: m.inkHeight)
  }

  /// The scene's even-odd rings oriented so that the kit's (non-zero winding) fill gives the same
  /// region: a ring inside an odd number of others runs clockwise, the rest counter-clockwise. Exact
  /// for nested rings that do not cross, which is what the scene's region rings are.
  static func windingRings(_ rings: [[Point2]]) -> [[Point2]] {
    guard rings.count > 1 else { return rings }
    return rings.enumerated().map { i, ring in
      guard !ring.isEmpty else { return ring }
      // Rings may share stretches of the rim, so a ring counts as inside another when most of its
      // vertices are (a single probe on a shared edge would be ambiguous).
      let depth = rings.indices.filter { j in
        j != i && 2 * ring.filter { contains(rings[j], $0) }.count > ring.count
      }.count
      let counterClockwise = signedArea(ring) > 0
      return counterClockwise == depth.isMultiple(of: 2) ? ring : ring.reversed()
    }
  }

  static func signedArea(_ ring: [Point2]) -> Double {
    var sum = 0.0
    for (a, b) in zip(ring, ring.dropFirst() + ring.prefix(1)) { sum += a.x * b.y - b.x * a.y }
    return sum / 2
  }

  /// Even-odd point-in-polygon test.
  static func contains(_ ring: [Point2], _ p: Point2) -> Bool {
    var inside = false
    for (a, b) in zip(ring, ring.dropFirst() + ring.prefix(1)) where (a.y > p.y) != (b.y > p.y) {
      if p.x < a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x) { inside.toggle() }
    }
    return inside
  }
}

extension Panel {
  /// A panel showing a scene on its own square: no axes, the scene's rectangle exactly.
  public static func scene(
    _ scene: SceneDescription, title: String? = nil, subtitle: String? = nil, classNames: [String] = []
  ) -> Panel {
    Panel(
      title: title, subtitle: subtitle, layers: [SceneLayer(scene: scene, classNames: classNames)],
      limits: .exactly(AxisLimits(xMin: scene.minX, xMax: scene.maxX, yMin: scene.minY, yMax: scene.maxY)),
      showsAxes: false)
  }
}
