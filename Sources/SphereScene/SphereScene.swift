import Foundation
import Graphics2D
import MarginMath

/// Builds backend-neutral pictures of 3-D embeddings: the unit-sphere view and the raw-feature view.
///
/// Sphere view, back to front: back-hemisphere boundaries (dashed, faint) and points (dimmed), the
/// translucent shaded sphere and its outline, margin zones on the front hemisphere (even-odd rings of
/// each class's decision and acceptance regions, so each loss's own rule shapes them), the decision
/// boundaries (great-circle arcs), the class-weight arrows, the front points, and the weight labels on top.
public enum SphereScene {
  /// The features projected onto the unit sphere, seen orthographically.
  ///
  /// - Parameter geometry: boundaries and regions computed once (`SphereSceneGeometry`), for several views
  ///   of the same head (a rotating animation); computed here when nil.
  public static func sphere(
    _ input: SphereSceneInput, options: SphereSceneOptions = SphereSceneOptions(), geometry: SphereSceneGeometry? = nil
  ) throws -> SceneDescription {
    guard options.classColors.count >= input.classCount else {
      throw SphereSceneError.colors(needed: input.classCount, found: options.classColors.count)
    }
    let view = try options.sphereView(for: input)
    let geometry = geometry ?? SphereSceneGeometry(input, options: options)
    var notes: [String] = []
    var back = DepthSortedPoints()
    var front = DepthSortedPoints()
    var undirected = 0
    for (f, y) in zip(input.features, input.labels) {
      guard let d = f.direction else { undirected += 1; continue }
      let p = view.project(d)
      if p.isFront { front.append(p, y) } else { back.append(p, y) }
    }
    if undirected > 0 { notes.append("\(undirected) features of (near) zero norm have no direction and are left out") }
    if input.weights == nil { notes.append("no class weights: no boundaries, margin zones or weight arrows") }

    var primitives: [ScenePrimitive] = []
    let boundaries = options.showBoundaries ? geometry.arcs.flatMap { $0.samples() }.flatMap { view.polylines($0) } : []
    if options.showBack {
      primitives += boundaries.filter { !$0.isFront }.map { piece in
        .polyline(
          ScenePolyline(
            points: piece.points.map(scenePoint), closed: false, stroke: options.boundaryColor.withAlpha(0.35),
            width: options.lineWidth * 0.7, dash: [2, 2], role: .backBoundary))
      }
      primitives.append(back.batch(alpha: options.backAlpha, radius: options.pointRadius, role: .backPoints))
    }
    primitives += sphereDisc(view: view, options: options)
    primitives += marginZones(geometry.regions, view: view, options: options)
    primitives += boundaries.filter(\.isFront).map { piece in
      .polyline(
        ScenePolyline(
          points: piece.points.map(scenePoint), closed: false, stroke: options.boundaryColor, width: options.lineWidth,
          dash: [], role: .boundary))
    }
    primitives += weightArrows(input, view: view, options: options, front: front)
    return SceneDescription(
      primitives: primitives, minX: -1.15, maxX: 1.15, minY: -1.15, maxY: 1.15,
      palette: Array(options.classColors.prefix(input.classCount)), notes: notes)
  }

  static func scenePoint(_ p: ViewPoint) -> Point2 { Point2(x: p.x, y: p.y) }

  /// The weight arrows, then the `front` points over them, then the weight labels on top of everything.
  static func weightArrows(
    _ input: SphereSceneInput, view: SphereView, options: SphereSceneOptions, front: DepthSortedPoints
  ) -> [ScenePrimitive] {
    var arrows: [ScenePrimitive] = []
    if options.showWeights, let weights = input.weights {
      for (k, w) in weights.enumerated() {
        guard let d = w.direction else { continue }
        arrows += arrow(
          to: view.project(d), color: options.classColors[k], label: "W" + options.name(of: k), options: options)
      }
    }
    let points = front.batch(alpha: options.frontAlpha, radius: options.pointRadius, role: .frontPoints)
    return arrows.filter { $0.role != .weightLabel } + [points] + arrows.filter { $0.role == .weightLabel }
  }

  /// A lit, translucent disc (nested discs towards the light, brighter inwards) and the outline.
  static func sphereDisc(view: SphereView, options: SphereSceneOptions) -> [ScenePrimitive] {
    let outline = view.outline(segments: 180).map(scenePoint)
    let steps = 6
    var layers: [ScenePrimitive] = [
      .polygon(
        ScenePolygon(
          rings: [outline], fill: options.sphereColor.withAlpha(options.sphereAlpha / 2), stroke: nil, width: 0,
          role: .sphereShading))
    ]
    for s in 1...steps {
      let f = Double(s) / Double(steps + 1)
      let radius = 1 - f
      // Highlights drift towards the upper left, where the light comes from.
      let centre = Point2(x: -0.35 * f, y: 0.35 * f)
      let ring = outline.map { Point2(x: centre.x + radius * $0.x, y: centre.y + radius * $0.y) }
      let color = options.sphereColor.mixed(with: .white, fraction: f).withAlpha(
        options.sphereAlpha / Double(2 * steps))
      layers.append(.polygon(ScenePolygon(rings: [ring], fill: color, stroke: nil, width: 0, role: .sphereShading)))
    }
    layers.append(
      .polyline(
        ScenePolyline(
          points: outline, closed: true, stroke: options.outlineColor, width: options.lineWidth, dash: [],
          role: .sphereOutline)))
    return layers
  }

  /// Front-hemisphere margin zones: the decision region minus the acceptance region of every class.
  static func marginZones(_ regions: [SphereClassRegions], view: SphereView, options: SphereSceneOptions)
    -> [ScenePrimitive]
  {
    guard options.showMarginZones else { return [] }
    return regions.compactMap { regions in
      guard let decision = regions.decision, regions.acceptance != regions.decision else { return nil }
      let outer = view.rings(of: decision, front: true)
      let inner = regions.acceptance.map { view.rings(of: $0, front: true) } ?? []
      guard !outer.isEmpty else { return nil }
      return .polygon(
        ScenePolygon(
          rings: (outer + inner).map { $0.map(scenePoint) }, fill: options.zoneColor, stroke: nil, width: 0,
          role: .marginZone))
    }
  }

  /// An arrow from the centre to `tip` with a head and a label; dashed and faint when it points away.
  static func arrow(
    to tip: ViewPoint, color: Color, label: String, options: SphereSceneOptions,
    from origin: Point2 = Point2(x: 0, y: 0)
  ) -> [ScenePrimitive] {
    let alpha = tip.isFront ? 1 : 0.45
    let shaft = ScenePolyline(
      points: [origin, scenePoint(tip)], closed: false, stroke: color.withAlpha(alpha), width: options.lineWidth * 1.6,
      dash: tip.isFront ? [] : [3, 2], role: .weightArrow)
    var result: [ScenePrimitive] = [.polyline(shaft)]
    let dx = tip.x - origin.x, dy = tip.y - origin.y
    let length = (dx * dx + dy * dy).squareRoot()
    if length > 0.02 {
      let (ux, uy) = (dx / length, dy / length)
      let size = min(0.07, 0.5 * length)
      let base = Point2(x: tip.x - size * ux, y: tip.y - size * uy)
      let head = [
        scenePoint(tip),
        Point2(x: base.x - 0.45 * size * uy, y: base.y + 0.45 * size * ux),
        Point2(x: base.x + 0.45 * size * uy, y: base.y - 0.45 * size * ux),
      ]
      result.append(
        .polygon(ScenePolygon(rings: [head], fill: color.withAlpha(alpha), stroke: nil, width: 0, role: .weightArrow)))
    }
    guard options.showsWeightLabels else { return result }
    let (lx, ly) = length > 1e-9 ? (dx / length, dy / length) : (0.0, 1.0)
    result.append(
      .text(
        SceneText(
          position: Point2(x: tip.x + 0.06 * lx, y: tip.y + 0.06 * ly), text: label, size: options.labelSize,
          color: Color.black.withAlpha(alpha), anchor: .centre, role: .weightLabel)))
    return result
  }
}

/// The view-independent part of a sphere scene: decision arcs and the classes' regions.
public struct SphereSceneGeometry: Sendable {
  public var arcs: [SphereBoundaryArc]
  /// Empty when the rule has no margin (ψ = identity: no zones) or zones are off.
  public var regions: [SphereClassRegions]

  public init(_ input: SphereSceneInput, options: SphereSceneOptions = SphereSceneOptions()) {
    guard let weights = input.weights, let rule = input.rule else {
      arcs = []
      regions = []
      return
    }
    arcs =
      options.showBoundaries
      ? SphereBoundaries.decisionArcs(weights: weights, rule: rule, samples: options.boundarySamples) : []
    let hasMargin = rule.transform != .identity
    regions =
      options.showMarginZones && hasMargin
      ? SphereRegions.regions(
        weights: weights, rule: rule, azimuths: options.zoneAzimuths, radialStep: options.zoneRadialStep) : []
  }
}

/// Points collected for one batch, drawn far to near.
struct DepthSortedPoints {
  var items: [(depth: Double, point: Point2, label: Int)] = []

  mutating func append(_ p: ViewPoint, _ label: Int) {
    items.append((p.depth, Point2(x: p.x, y: p.y), label))
  }

  func batch(alpha: Double, radius: Double, role: SceneRole) -> ScenePrimitive {
    let sorted = items.sorted { $0.depth < $1.depth }
    return .points(
      ScenePointBatch(
        positions: sorted.map(\.point), colorIndices: sorted.map(\.label), alpha: alpha, radius: radius, role: role))
  }
}
