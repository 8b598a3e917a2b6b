import Foundation
import Testing
@testable import MarginMath

/// The signed area of a closed ring in view coordinates (positive when counter-clockwise).
func signedArea(_ ring: [ViewPoint]) -> Double {
  zip(ring, ring.dropFirst() + ring.prefix(1)).reduce(0) { $0 + ($1.0.x * $1.1.y - $1.1.x * $1.0.y) / 2 }
}

func rule(_ kind: LossKind, m: Double? = nil) -> MarginRule {
  var p = LossParameters.defaults(for: kind)
  if let m { p.m = m }
  return MarginRule(kind: kind, parameters: p, iteration: 1_000_000)
}

@Suite struct SphereViewTests {
  @Test func pointOnPlusZLandsAtTheCentreOfThePlusZView() {
    let view = SphereView(direction: Vector3(0, 0, 1))
    let p = view.project(Vector3(0, 0, 1))
    #expect(abs(p.x) < 1e-15 && abs(p.y) < 1e-15 && abs(p.depth - 1) < 1e-15)
    // The +z view shows (x, y) as a plain plot does.
    #expect(view.project(Vector3(1, 0, 0)) == ViewPoint(x: 1, y: 0, depth: 0))
    #expect(view.project(Vector3(0, 1, 0)) == ViewPoint(x: 0, y: 1, depth: 0))
  }

  @Test(arguments: [Vector3(1, 2, 3), Vector3(-0.3, 0.1, -2), Vector3(0, 1, 0), Vector3(0, 0, -5)])
  func viewDirectionLandsAtTheCentreWithARightHandedFrame(d: Vector3) {
    let view = SphereView(direction: d)
    let p = view.project(d.direction!)
    #expect(abs(p.x) < 1e-12 && abs(p.y) < 1e-12 && abs(p.depth - 1) < 1e-12)
    #expect((view.right.cross(view.up) - view.direction).norm < 1e-12)
    #expect(abs(view.right.norm - 1) < 1e-12 && abs(view.up.norm - 1) < 1e-12)
    #expect(abs(view.right.dot(view.up)) < 1e-12)
  }

  @Test func frontAndBackHemispheresAreToldApart() {
    let view = SphereView(direction: Vector3(1, 1, 0))
    #expect(view.isFront(Vector3(1, 0, 0)))
    #expect(view.isFront(Vector3(0.2, 0.1, -0.9)))
    #expect(!view.isFront(Vector3(-1, 0, 0.5)))
    #expect(!view.project(Vector3(-1, -1, 0)).isFront)
    #expect(view.unproject(x: 0.3, y: -0.4, front: false)!.dot(view.direction) < 0)
    let back = view.unproject(x: 0.3, y: -0.4, front: false)!
    #expect(abs(view.project(back).x - 0.3) < 1e-12 && abs(view.project(back).y + 0.4) < 1e-12)
    #expect(view.unproject(x: 0.9, y: 0.9) == nil)
  }

  @Test func curvesAreSplitIntoFrontAndBackPiecesThatMeetOnTheRim() {
    let view = SphereView(direction: Vector3(0, 0, 1))
    let circle = GreatCircle(through: Vector3(1, 0, 0), Vector3(0, 0, 1))!
    let pieces = view.polylines(circle.samples(AngularInterval(start: -0.75 * Double.pi, end: 1.25 * Double.pi)))
    #expect(pieces.map(\.isFront) == [false, true, false])
    for piece in pieces {
      #expect(piece.points.allSatisfy { $0.isFront == piece.isFront || abs($0.depth) < 1e-15 })
    }
    for (a, b) in zip(pieces, pieces.dropFirst()) {
      let joint = a.points.last!
      #expect(joint == b.points.first!)
      #expect(abs(joint.depth) < 1e-15 && abs(joint.x * joint.x + joint.y * joint.y - 1) < 1e-12)
    }
  }
}

@Suite struct SphereCurveTests {
  @Test func greatCircleThroughTwoKnownPoints() {
    let a = Vector3(1, 0, 0)
    let b = Vector3(0, 2, 0)
    let circle = GreatCircle(through: a, b)!
    #expect((circle.normal - Vector3(0, 0, 1)).norm < 1e-15)
    #expect((circle.point(at: 0) - a).norm < 1e-15)
    #expect((circle.point(at: Double.pi / 2) - Vector3(0, 1, 0)).norm < 1e-15)
    #expect(abs(circle.distance(of: Vector3(0, 0, 3)) - Double.pi / 2) < 1e-12)
    let arc = GreatCircle.arc(from: Vector3(1, 1, 1), to: Vector3(-1, 2, 0.5), maxStep: 0.01)
    let expected = GreatCircle(through: Vector3(1, 1, 1), Vector3(-1, 2, 0.5))!
    #expect(arc.allSatisfy { expected.distance(of: $0) < 1e-12 && abs($0.norm - 1) < 1e-12 })
    #expect((arc.last! - Vector3(-1, 2, 0.5).direction!).norm < 1e-12)
    #expect(zip(arc, arc.dropFirst()).allSatisfy { $0.0.angle(to: $0.1) <= 0.01 + 1e-12 })
    #expect(GreatCircle(through: a, Vector3(-3, 0, 0)) == nil)
  }

  @Test(arguments: [LossKind.cosFace, .arcFace, .normFace, .softmax, .lSoftmax])
  func decisionCircleIsWhereTheTwoLabelFreeLogitsTie(kind: LossKind) {
    let weights = [Vector3(2, 0.5, 0.2), Vector3(-0.3, 1.1, 0.4)]
    let r = rule(kind)
    let circle = SphereBoundaries.decisionCircle(between: 0, and: 1, weights: weights, rule: r)!
    for k in 0..<24 {
      let p = circle.point(at: Double(k) * Double.pi / 12)
      let z = r.labelFreeLogits(feature: p.array, weights: weights.map(\.array))
      #expect(abs(z[0] - z[1]) < 1e-12 * max(1, abs(z[0])))
      if kind.weightScaling == .unit {
        // The normalised losses: the boundary is the set cos θ_0 = cos θ_1, equidistant from both weights.
        #expect(abs(p.angle(to: weights[0]) - p.angle(to: weights[1])) < 1e-9)
      }
    }
  }

  @Test func decisionArcsOfATetrahedronAreItsSixEdgesBetweenTriplePoints() {
    let weights = [Vector3(1, 1, 1), Vector3(1, -1, -1), Vector3(-1, 1, -1), Vector3(-1, -1, 1)]
    let r = rule(.cosFace)
    let arcs = SphereBoundaries.decisionArcs(weights: weights, rule: r, samples: 720)
    #expect(arcs.count == 6)
    for arc in arcs {
      #expect(arc.intervals.count == 1)
      // Each edge joins two vertices of the dual tetrahedron, 109.47° apart.
      #expect(abs(arc.intervals[0].width - acos(-1.0 / 3)) < 1e-9)
      let mid = arc.circle.point(at: arc.intervals[0].centre)
      let z = r.labelFreeLogits(feature: mid.array, weights: weights.map(\.array))
      let others = z.indices.filter { $0 != arc.first && $0 != arc.second }.map { z[$0] }
      #expect(others.allSatisfy { $0 < z[arc.first] })
    }
  }
}

@Suite struct SphereRegionTests {
  let opposite = [Vector3(0, 0, 1), Vector3(0, 0, -1)]

  @Test(arguments: [0.1, 0.35, 0.6])
  func cosFaceAcceptanceCapOfTwoOppositeWeightsHasTheClosedFormRadius(m: Double) {
    // cos θ − m > cos(π − θ) = −cos θ  ⇔  cos θ > m/2.
    let regions = SphereRegions.regions(weights: opposite, rule: rule(.cosFace, m: m), azimuths: 16)
    for region in regions {
      #expect(region.decision!.radii.allSatisfy { abs($0 - Double.pi / 2) < 1e-9 })
      #expect(region.acceptance!.radii.allSatisfy { abs($0 - acos(m / 2)) < 1e-9 })
    }
  }

  @Test(arguments: [0.2, 0.5])
  func arcFaceAcceptanceCapKeepsAnAngularMarginOfM(m: Double) {
    // θ + m < π − θ  ⇔  θ < (π − m)/2.
    let regions = SphereRegions.regions(weights: opposite, rule: rule(.arcFace, m: m), azimuths: 16)
    #expect(regions[1].acceptance!.radii.allSatisfy { abs($0 - (Double.pi - m) / 2) < 1e-9 })
    #expect(regions[1].acceptance!.contains(Vector3(0.1, 0, -1)))
    #expect(!regions[1].acceptance!.contains(Vector3(1, 0, -0.05)))
  }

  @Test func softmaxHasNoMarginZone() {
    let weights = [Vector3(1, 0, 0), Vector3(0, 1, 0), Vector3(0, 0, 1), Vector3(-1, -1, -1)]
    for region in SphereRegions.regions(weights: weights, rule: rule(.softmax), azimuths: 24) {
      #expect(region.decision == region.acceptance)
    }
  }

  @Test func capAcrossTheRimSplitsIntoFrontAndBackRingsOfTheSegmentArea() {
    // A cap of angular radius α about +x seen from +z: each half projects onto the disc segment x > cos α,
    // of area α − sin α cos α; the front ring runs counter-clockwise, the back one clockwise.
    let alpha = 0.5
    let cap = SphereRegions.region(
      where: { $0.direction!.dot(Vector3(1, 0, 0)) - cos(alpha) }, preferredCentre: Vector3(1, 0, 0), azimuths: 720)!
    let view = SphereView(direction: Vector3(0, 0, 1))
    let segment = alpha - sin(alpha) * cos(alpha)
    let front = view.rings(of: cap, front: true, rimStep: Double.pi / 1800)
    let back = view.rings(of: cap, front: false, rimStep: Double.pi / 1800)
    #expect(front.count == 1 && back.count == 1)
    #expect(abs(signedArea(front[0]) - segment) < 1e-3 * segment)
    #expect(abs(signedArea(back[0]) + segment) < 1e-3 * segment)
    #expect(front[0].allSatisfy { $0.depth >= 0 } && back[0].allSatisfy { $0.depth <= 0 })
  }

  @Test func regionBeyondTheRimCoversTheWholeFrontWhenItHoldsThePole() {
    let view = SphereView(direction: Vector3(0, 0, 1))
    let big = SphereRegions.region(
      where: { $0.direction!.z - cos(2.0) }, preferredCentre: Vector3(0, 0, 1), azimuths: 64)!
    let front = view.rings(of: big, front: true)
    #expect(front.count == 1 && abs(signedArea(front[0]) - Double.pi) < 1e-2)
    let small = SphereRegions.region(
      where: { -$0.direction!.z - cos(0.4) }, preferredCentre: Vector3(0, 0, -1), azimuths: 64)!
    #expect(view.rings(of: small, front: true).isEmpty)
    #expect(view.rings(of: small, front: false).count == 1)
  }

  @Test func regionHoldingTheRimWithAHoleInFrontIsTheDiscMinusTheHole() {
    // Everything more than 0.3 rad from +z, grown from −z: seen from +z, the disc minus the projected cap
    // of radius sin 0.3, i.e. area π cos² 0.3 by the even-odd rule.
    let view = SphereView(direction: Vector3(0, 0, 1))
    let region = SphereRegions.region(
      where: { $0.direction!.z < cos(0.3) ? 1 : -1 }, preferredCentre: Vector3(0, 0, -1), azimuths: 360)!
    let front = view.rings(of: region, front: true, rimStep: Double.pi / 720)
    #expect(front.count == 2)
    let area = abs(signedArea(front[0])) - abs(signedArea(front[1]))
    #expect(abs(area - Double.pi * cos(0.3) * cos(0.3)) < 1e-3)
    #expect(view.rings(of: region, front: false).count == 1)
  }
}

@Suite struct SphereAutomaticViewTests {
  @Test func automaticViewShowsEveryClassOfAClusterThatPlusZMisses() {
    let axis = Vector3(1, -1, -1).direction!
    let (e1, e2) = SphereSampling.tangentFrame(at: axis)
    let cluster = (0..<5).map { k -> Vector3 in
      let phi = 2 * Double.pi * Double(k) / 5
      return cos(0.7) * axis + sin(0.7) * (cos(phi) * e1 + sin(phi) * e2)
    }
    #expect(SphereView(direction: Vector3(0, 0, 1)).shownCount(of: cluster) < 5)
    let view = SphereView.showingMost(of: cluster)
    #expect(view.shownCount(of: cluster) == 5)
    #expect(view.direction.angle(to: axis) < 0.3)
  }

  @Test func automaticViewOfTheSixAxesShowsThree() {
    let axes = [
      Vector3(1, 0, 0), Vector3(-1, 0, 0), Vector3(0, 1, 0), Vector3(0, -1, 0), Vector3(0, 0, 1), Vector3(0, 0, -1),
    ]
    let view = SphereView.showingMost(of: axes)
    #expect(view.shownCount(of: axes) == 3)
    #expect(view.spread(of: axes) > 1)
  }
}
