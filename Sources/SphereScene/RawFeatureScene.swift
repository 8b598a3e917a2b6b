import Foundation
import Graphics2D
import MarginMath

extension SphereScene {
  /// The unnormalised 3-D features, orthographically from the same view as the sphere, with axes.
  ///
  /// The radius the panel spans is the `rawExtentQuantile` of the feature norms (so one outlier does not
  /// shrink the cloud), mapped to 1; points beyond it still draw, outside the unit disc. The three
  /// coordinate axes run from the origin to that radius, back-facing ones dashed; class weights are
  /// drawn as arrows along their directions to the same radius. Points are drawn far to near, the
  /// back half (negative depth) dimmed.
  public static func rawFeatures(_ input: SphereSceneInput, options: SphereSceneOptions = SphereSceneOptions()) throws
    -> SceneDescription
  {
    guard options.classColors.count >= input.classCount else {
      throw SphereSceneError.colors(needed: input.classCount, found: options.classColors.count)
    }
    let view = try options.sphereView(for: input)
    let norms = input.features.map(\.norm).sorted()
    let q = min(norms.count - 1, max(0, Int((options.rawExtentQuantile * Double(norms.count - 1)).rounded())))
    let extent = options.rawExtent.flatMap { $0 > 0 && $0.isFinite ? $0 : nil } ?? (norms[q] > 0 ? norms[q] : 1)
    let scale = 1 / extent
    var primitives: [ScenePrimitive] = []
    let names = ["x₁", "x₂", "x₃"]
    for (i, axis) in [Vector3(1, 0, 0), Vector3(0, 1, 0), Vector3(0, 0, 1)].enumerated() {
      let tip = view.project(axis)
      primitives.append(
        .polyline(
          ScenePolyline(
            points: [Point2(x: 0, y: 0), Point2(x: tip.x, y: tip.y)], closed: false, stroke: options.outlineColor,
            width: options.lineWidth, dash: tip.isFront ? [] : [3, 2], role: .axis)))
      primitives.append(
        .text(
          SceneText(
            position: Point2(x: tip.x * 1.08, y: tip.y * 1.08), text: names[i], size: options.labelSize,
            color: options.outlineColor, anchor: .centre, role: .axisLabel)))
    }
    var back = DepthSortedPoints()
    var front = DepthSortedPoints()
    for (f, y) in zip(input.features, input.labels) {
      let p = view.project(scale * f)
      if p.isFront { front.append(p, y) } else { back.append(p, y) }
    }
    primitives.append(back.batch(alpha: options.backAlpha * 2, radius: options.pointRadius, role: .backPoints))
    primitives += weightArrows(input, view: view, options: options, front: front)
    // Short, to fit under a narrow panel; the figure's caption says what the radius is.
    let notes = [String(format: "radius: ‖x‖ = %.3g", extent)]
    return SceneDescription(
      primitives: primitives, minX: -1.2, maxX: 1.2, minY: -1.2, maxY: 1.2,
      palette: Array(options.classColors.prefix(input.classCount)), notes: notes)
  }
}
