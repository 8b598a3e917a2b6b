import Foundation

/// A piece of a curve that lies wholly on one hemisphere of a view, in view coordinates.
public struct ViewPolyline: Sendable, Equatable {
  public var isFront: Bool
  public var points: [ViewPoint]
}

extension SphereView {
  /// The curve through `points` (on or near the unit sphere) cut into front and back pieces.
  ///
  /// Where consecutive points lie on different sides, the crossing is interpolated, put on the outline
  /// and ends one piece and starts the next, so the pieces meet on the rim.
  public func polylines(_ points: [Vector3], closed: Bool = false) -> [ViewPolyline] {
    var projected = points.map(project)
    if closed, let first = projected.first { projected.append(first) }
    guard let first = projected.first else { return [] }
    var pieces: [ViewPolyline] = []
    var current = ViewPolyline(isFront: first.isFront, points: [first])
    for (a, b) in zip(projected, projected.dropFirst()) {
      if b.isFront != a.isFront {
        let rim = Self.rimCrossing(a, b)
        current.points.append(rim)
        pieces.append(current)
        current = ViewPolyline(isFront: b.isFront, points: [rim])
      }
      current.points.append(b)
    }
    pieces.append(current)
    return pieces.filter { $0.points.count >= 2 }
  }

  /// The outline of the sphere (the unit circle), counter-clockwise, `segments` chords.
  public func outline(segments: Int = 180) -> [ViewPoint] {
    (0..<segments).map { rimPoint(angle: 2 * Double.pi * Double($0) / Double(segments)) }
  }

  /// The part of `region` on the front (or back) hemisphere, as closed rings in view coordinates.
  ///
  /// The region's boundary is clipped at the rim and closed along the outline (the Weiler–Atherton
  /// walk for a convex clip window): seen from outside, the boundary runs counter-clockwise, so on the
  /// front each exit from the hemisphere continues counter-clockwise along the rim to the next entry;
  /// the back is seen from inside, so there the walk runs clockwise. A region whose boundary lies
  /// wholly on the other side covers the whole hemisphere when it contains that hemisphere's pole.
  /// Rim arcs are sampled every `rimStep` radians.
  public func rings(of region: SphereRegion, front: Bool, rimStep: Double = Double.pi / 90) -> [[ViewPoint]] {
    rings(
      ofBoundary: region.boundary(), front: front, containsPole: region.contains(front ? direction : -direction),
      containsRim: region.contains(right), rimStep: rimStep)
  }

  /// `rings(of:front:)` for any closed boundary (counter-clockwise seen from outside, first point not repeated).
  /// `containsPole` and `containsRim` say whether the region holds the hemisphere's pole and the rim point
  /// `right`; they decide the cases where the boundary never crosses the rim. A region whose boundary lies
  /// wholly on this side but which holds the rim is the whole disc minus the loop: two rings, even-odd.
  public func rings(
    ofBoundary loop: [Vector3], front: Bool, containsPole: Bool, containsRim: Bool = false,
    rimStep: Double = Double.pi / 90
  ) -> [[ViewPoint]] {
    let side: Double = front ? 1 : -1
    let projected = loop.map(project)
    let inside = projected.map { side * $0.depth >= 0 }
    let circle = outline(segments: Int((2 * Double.pi / rimStep).rounded(.up)))
    guard inside.contains(false) else {
      guard !projected.isEmpty else { return [] }
      return containsRim ? [front ? circle : circle.reversed(), projected] : [projected]
    }
    guard inside.contains(true) else {
      guard containsPole else { return [] }
      return [front ? circle : circle.reversed()]
    }
    // Pieces inside the hemisphere, each from an entry point on the rim to an exit point on the rim.
    let n = projected.count
    let start = inside.firstIndex(of: false)!
    var pieces: [[ViewPoint]] = []
    var piece: [ViewPoint] = []
    for offset in 1...n {
      let i = (start + offset) % n
      let previous = (i + n - 1) % n
      if inside[i] && !inside[previous] { piece = [Self.rimCrossing(projected[previous], projected[i])] }
      if inside[i] { piece.append(projected[i]) }
      if !inside[i] && inside[previous] {
        piece.append(Self.rimCrossing(projected[previous], projected[i]))
        pieces.append(piece)
      }
    }
    func rimAngle(_ p: ViewPoint) -> Double { atan2(p.y, p.x) }
    /// How far along the rim (in the walk's direction) `to` lies from `from`, in [0, 2π).
    func along(_ from: Double, _ to: Double) -> Double {
      var d = (to - from) * side
      d -= (d / (2 * Double.pi)).rounded(.down) * 2 * Double.pi
      return d
    }
    var used = Array(repeating: false, count: pieces.count)
    var result: [[ViewPoint]] = []
    while let first = used.firstIndex(of: false) {
      var ring: [ViewPoint] = []
      var k = first
      while !used[k] {
        used[k] = true
        ring += pieces[k]
        let exit = rimAngle(pieces[k].last!)
        // The next entry met when walking along the rim from this exit.
        let next = pieces.indices.min { along(exit, rimAngle(pieces[$0][0])) < along(exit, rimAngle(pieces[$1][0])) }!
        let gap = along(exit, rimAngle(pieces[next][0]))
        let steps = Int((gap / rimStep).rounded(.down))
        if steps > 0 {
          for s in 1...steps { ring.append(rimPoint(angle: exit + side * Double(s) * rimStep)) }
        }
        k = next
      }
      result.append(ring)
    }
    return result
  }

  /// Where the chord from `a` to `b` (on opposite sides) crosses depth 0, pushed out onto the rim.
  static func rimCrossing(_ a: ViewPoint, _ b: ViewPoint) -> ViewPoint {
    let f = a.depth / (a.depth - b.depth)
    let x = a.x + f * (b.x - a.x)
    let y = a.y + f * (b.y - a.y)
    let r = (x * x + y * y).squareRoot()
    return r > 1e-12 ? ViewPoint(x: x / r, y: y / r, depth: 0) : ViewPoint(x: 1, y: 0, depth: 0)
  }
}
