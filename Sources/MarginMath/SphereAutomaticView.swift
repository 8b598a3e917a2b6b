import Foundation

extension SphereView {
  /// The depth a direction needs to count as shown: 15° in front of the rim, where foreshortening still
  /// leaves it readable.
  public static let shownDepth = sin(15 * Double.pi / 180)

  /// How many of `directions` face the viewer by at least `shownDepth`.
  public func shownCount(of directions: [Vector3]) -> Int {
    directions.compactMap(\.direction).filter { $0.dot(direction) >= Self.shownDepth }.count
  }

  /// The smallest image distance between two of the shown `directions` (0 with fewer than two shown).
  public func spread(of directions: [Vector3]) -> Double {
    let shown = directions.compactMap(\.direction).filter { $0.dot(direction) >= Self.shownDepth }.map(project)
    guard shown.count >= 2 else { return 0 }
    var smallest = Double.infinity
    for i in shown.indices {
      for j in shown.indices where j > i {
        smallest = min(
          smallest,
          ((shown[i].x - shown[j].x) * (shown[i].x - shown[j].x) + (shown[i].y - shown[j].y) * (shown[i].y - shown[j].y))
            .squareRoot())
      }
    }
    return smallest
  }

  /// The view that shows the most of `directions` (class weights or class means), and among those the one
  /// whose image keeps them furthest apart (largest smallest distance), from `candidates` Fibonacci directions.
  public static func showingMost(of directions: [Vector3], upHint: Vector3 = Vector3(0, 0, 1), candidates: Int = 2000)
    -> SphereView
  {
    var best = SphereView(direction: Vector3(0, 0, 1), upHint: upHint)
    var bestScore = (best.shownCount(of: directions), best.spread(of: directions))
    for d in SphereSampling.fibonacci(count: candidates) {
      let view = SphereView(direction: d, upHint: upHint)
      let count = view.shownCount(of: directions)
      guard count >= bestScore.0 else { continue }
      let spread = view.spread(of: directions)
      if count > bestScore.0 || spread > bestScore.1 {
        best = view
        bestScore = (count, spread)
      }
    }
    return best
  }
}
