import Foundation
import Testing
@testable import MarginMath

/// C unit weights spaced evenly, the first at `offset` radians.
func evenWeights(_ count: Int, offset: Double = 0, norm: Double = 1) -> [Point2] {
  (0..<count).map {
    let a = offset + 2 * Double.pi * Double($0) / Double(count)
    return Point2(x: norm * cos(a), y: norm * sin(a))
  }
}

/// The signed angular difference a − b wrapped into (−π, π].
func angularDifference(_ a: Double, _ b: Double) -> Double {
  var d = (a - b).truncatingRemainder(dividingBy: 2 * Double.pi)
  if d > Double.pi { d -= 2 * Double.pi }
  if d <= -Double.pi { d += 2 * Double.pi }
  return d
}

@Suite struct SectorGeometryTests {
  @Test(arguments: [0.0, 0.3, Double.pi / 4])
  func softmaxSectorsOfFourEvenWeightsAreQuarterTurnsCentredOnTheWeights(offset: Double) {
    let weights = evenWeights(4, offset: offset)
    let rule = MarginRule(kind: .softmax, parameters: .defaults(for: .softmax), iteration: 0)
    let sectors = SectorGeometry.sectors(weights: weights, rule: rule)
    for (y, sector) in sectors.enumerated() {
      #expect(sector.decision.count == 1)
      let arc = sector.decision[0]
      #expect(abs(arc.width - Double.pi / 2) < 1e-9)
      #expect(abs(angularDifference(arc.centre, weights[y].angle)) < 1e-9)
      #expect(arc.start >= -Double.pi && arc.start < Double.pi && arc.end > arc.start)
      #expect(sector.acceptance == sector.decision)
      #expect(sector.marginZones.isEmpty)
    }
    #expect(abs(sectors.map { SectorGeometry.measure($0.decision) }.reduce(0, +) - 2 * Double.pi) < 1e-9)
  }

  @Test(arguments: [0.05, 0.15, 0.3])
  func cosFaceAcceptanceShrinksSymmetricallyByTheComputedAngle(m: Double) {
    // Neighbours at ±90°: the boundary solves cos φ − m = cos(π/2 − φ) = sin φ, i.e. √2 cos(φ + π/4) = m.
    let halfWidth = acos(m / 2.0.squareRoot()) - Double.pi / 4
    var p = LossParameters.defaults(for: .cosFace)
    p.m = m
    let weights = evenWeights(4, offset: 0.2)
    let sectors = SectorGeometry.sectors(
      weights: weights, rule: MarginRule(kind: .cosFace, parameters: p, iteration: 10_000))
    for (y, sector) in sectors.enumerated() {
      #expect(sector.acceptance.count == 1)
      let arc = sector.acceptance[0]
      #expect(abs(arc.width - 2 * halfWidth) < 1e-9)
      #expect(abs(angularDifference(arc.centre, weights[y].angle)) < 1e-9)
      #expect(sector.marginZones.count == 2)
      let total = SectorGeometry.measure(sector.acceptance) + SectorGeometry.measure(sector.marginZones)
      #expect(abs(total - SectorGeometry.measure(sector.decision)) < 1e-9)
    }
  }

  @Test(arguments: [0.1, 0.3, 0.5])
  func arcFaceAcceptanceHalfWidthIsHalfTheGapMinusHalfTheMargin(m: Double) {
    // cos(φ + m) = cos(π/2 − φ) gives φ = π/4 − m/2: a constant angular margin.
    var p = LossParameters.defaults(for: .arcFace)
    p.m = m
    p.marginRamp = nil
    let sectors = SectorGeometry.sectors(
      weights: evenWeights(4, offset: -1), rule: MarginRule(kind: .arcFace, parameters: p, iteration: 0))
    for sector in sectors {
      #expect(abs(SectorGeometry.measure(sector.acceptance) - 2 * (Double.pi / 4 - m / 2)) < 1e-9)
    }
  }

  @Test(arguments: [LossKind.lSoftmax, .aSoftmax, .cosFace, .arcFace, .combined, .normFace, .amSoftmax])
  func zonesAndAcceptanceTileTheDecisionSector(kind: LossKind) {
    var p = LossParameters.defaults(for: kind)
    p.lambda = .disabled
    p.marginRamp = nil
    let weights = [
      Point2(x: 1, y: 0.2), Point2(x: -0.3, y: 1.1), Point2(x: -0.9, y: -0.4), Point2(x: 0.5, y: -1.3),
      Point2(x: -1, y: 0.1),
    ]
    let sectors = SectorGeometry.sectors(
      weights: weights, rule: MarginRule(kind: kind, parameters: p, iteration: 0), samples: 1800)
    #expect(abs(sectors.map { SectorGeometry.measure($0.decision) }.reduce(0, +) - 2 * Double.pi) < 1e-9)
    for sector in sectors {
      let acceptance = SectorGeometry.measure(sector.acceptance)
      let zones = SectorGeometry.measure(sector.marginZones)
      #expect(abs(acceptance + zones - SectorGeometry.measure(sector.decision)) < 1e-9)
      for arc in sector.acceptance {
        #expect(sector.decision.contains { $0.contains(arc.centre) })
      }
    }
  }

  @Test func rawFeatureNormCancelsWithoutBias() {
    let weights = [Point2(x: 2, y: 0.2), Point2(x: -0.3, y: 0.7), Point2(x: -0.9, y: -1.4)]
    let rule = MarginRule(kind: .lSoftmax, lambda: 0, transform: .largeMargin(m: 3), scale: 1)
    let unit = SectorGeometry.sectors(weights: weights, rule: rule, featureNorm: 1)
    let large = SectorGeometry.sectors(weights: weights, rule: rule, featureNorm: 37)
    for (a, b) in zip(unit, large) {
      #expect(
        zip(a.acceptance, b.acceptance).allSatisfy { abs($0.start - $1.start) < 1e-9 && abs($0.end - $1.end) < 1e-9 })
    }
  }

  @Test func sectorsCrossingTheNegativeAxisWrap() {
    let weights = evenWeights(3, offset: Double.pi)
    let rule = MarginRule(kind: .normFace, parameters: .defaults(for: .normFace), iteration: 0)
    let first = SectorGeometry.sectors(weights: weights, rule: rule)[0]
    #expect(first.decision.count == 1)
    #expect(first.decision[0].end > Double.pi)
    #expect(first.decision[0].contains(Double.pi))
    #expect(first.decision[0].contains(-Double.pi + 0.1))
    #expect(abs(first.decision[0].width - 2 * Double.pi / 3) < 1e-9)
  }

  @Test func boundariesAgreeWithTheMarginRuleAtEachSample() {
    var p = LossParameters.defaults(for: .arcFace)
    p.marginRamp = nil
    let rule = MarginRule(kind: .arcFace, parameters: p, iteration: 0)
    let weights = evenWeights(6, offset: 0.4).map { Point2(x: $0.x * 1.7, y: $0.y * 1.7) }
    let rows = weights.map { [$0.x, $0.y] }
    let sectors = SectorGeometry.sectors(weights: weights, rule: rule)
    for phi in stride(from: -3.1, through: 3.1, by: 0.0137) {
      let x = [cos(phi), sin(phi)]
      for sector in sectors {
        let accepted = sector.acceptance.contains { $0.contains(phi) }
        #expect(accepted == rule.satisfiesMargin(feature: x, weights: rows, target: sector.classIndex))
      }
    }
  }
}

@Suite struct BinaryBoundaryTests {
  @Test func tableHasSixRowsInThePapersAxes() {
    #expect(
      BinaryBoundaryRow.table.map(\.title) == [
        "Softmax", "W-Norm Softmax", "SphereFace", "F-Norm SphereFace", "CosineFace", "ArcFace",
      ])
    #expect(BinaryBoundaryRow.table.map(\.axes) == [.cosines, .cosines, .angles, .angles, .cosines, .angles])
  }

  @Test(
    arguments: BinaryBoundaryRow.table + [
      .softmax(weightNorm1: 1.5, weightNorm2: 0.8, bias1: 0.2, bias2: 0, featureNorm: 2)
    ])
  func boundaryPointsSolveTheTableEquationAndClassTwoMirrorsClassOne(row: BinaryBoundaryRow) {
    let diagram = row.diagram(samples: 301)
    #expect(diagram.classOne.count >= 2)
    for point in diagram.classOne {
      // The cosine clamp at 1 − 1e-12 is an angle of sqrt(2e-12) ≈ 1.4e-6 rad, which moves cos(θ + m)
      // by up to 1.4e-6 · sin m at θ = 0 (and T_m(c) by m²·1e-12); elsewhere the points are exact.
      #expect(abs(row.classOneMargin(point.x, point.y)) < 2e-6)
      #expect(
        point.x >= diagram.lower && point.x <= diagram.upper && point.y >= diagram.lower && point.y <= diagram.upper)
    }
    for point in diagram.classTwo {
      #expect(abs(row.classOneMargin(point.y, point.x)) < 2e-6)
    }
  }

  @Test(arguments: BinaryBoundaryRow.table)
  func marginRegionHoldsTheDiagonalWhereNeitherClassMeetsItsRule(row: BinaryBoundaryRow) {
    let diagram = row.diagram()
    switch row {
    case .softmax, .wNormSoftmax:
      #expect(diagram.marginRegion.isEmpty)
    default:
      #expect(!diagram.marginRegion.isEmpty)
      for t in stride(from: diagram.lower + 0.05, through: diagram.upper - 0.05, by: 0.1) {
        #expect(contains(diagram.marginRegion, Point2(x: t, y: t)))
        #expect(row.classOneMargin(t, t) < 0)
      }
      // A point far on class 1's side (small θ1 / large cos θ1) satisfies class 1's rule and is outside the region.
      let far = diagram.axes == .angles ? Point2(x: 0.05, y: 3.0) : Point2(x: 0.99, y: -0.99)
      #expect(row.classOneMargin(far.x, far.y) > 0)
      #expect(!contains(diagram.marginRegion, far))
    }
  }

  @Test func softmaxRowAgreesWithBiasedSoftmaxLogits() {
    // (W1 − W2)x + b1 − b2 in the cos plane: ‖x‖(‖W1‖ cos θ1 − ‖W2‖ cos θ2) + b1 − b2.
    let (n1, n2, b1, b2, r) = (1.5, 0.8, 0.7, -0.2, 0.9)
    let row = BinaryBoundaryRow.softmax(weightNorm1: n1, weightNorm2: n2, bias1: b1, bias2: b2, featureNorm: r)
    let weights = [[n1, 0.0], [n2 * cos(2.1), n2 * sin(2.1)]]
    let rule = MarginRule(kind: .softmax, parameters: .defaults(for: .softmax), iteration: 0)
    var signs = Set<Bool>()
    for phi in stride(from: -3.1, through: 3.1, by: 0.01) {
      let x = [r * cos(phi), r * sin(phi)]
      let g = row.classOneMargin(cos(phi), cos(phi - 2.1))
      guard abs(g) > 1e-9 else { continue }
      #expect((g > 0) == rule.satisfiesMargin(feature: x, weights: weights, biases: [b1, b2], target: 0))
      signs.insert(g > 0)
    }
    #expect(signs.count == 2)
  }

  @Test(arguments: [2, 3, 4])
  func tableRowsAgreeWithTheMarginRuleOfTheLosses(m: Int) {
    // Two unit weights 120° apart; the feature direction sweeps the plane. Where the table's
    // formula applies (θ1 ≤ π/m for cos mθ1, θ1 < π − m for cos(θ1 + m)) the signs must agree.
    let weights = [[1.0, 0.0], [cos(2.1), sin(2.1)]]
    let cases: [(BinaryBoundaryRow, MarginRule, Double)] = [
      (
        .fNormSphereFace(m: m), MarginRule(kind: .aSoftmax, lambda: 0, transform: .largeMargin(m: m), scale: 1),
        Double.pi / Double(m)
      ),
      (
        .cosineFace(m: 0.1 * Double(m)),
        MarginRule(kind: .cosFace, lambda: 0, transform: .additiveCosine(m: 0.1 * Double(m)), scale: 10), Double.pi
      ),
      (
        .arcFace(m: 0.2 * Double(m)),
        MarginRule(
          kind: .arcFace, lambda: 0, transform: .additiveAngular(m: 0.2 * Double(m), easyMargin: false), scale: 10),
        Double.pi - 0.2 * Double(m)
      ),
      (.wNormSoftmax, MarginRule(kind: .modifiedSoftmax, lambda: 0, transform: .identity, scale: 1), Double.pi),
    ]
    for (row, rule, limit) in cases {
      for phi in stride(from: -3.1, through: 3.1, by: 0.01) {
        let x = [2.5 * cos(phi), 2.5 * sin(phi)]
        let t1 = acos(cos(phi))
        let t2 = acos(cos(phi - 2.1))
        guard t1 < limit else { continue }
        let (u, v) = row.axes == .angles ? (t1, t2) : (cos(t1), cos(t2))
        let g = row.classOneMargin(u, v)
        guard abs(g) > 1e-9 else { continue }
        #expect((g > 0) == rule.satisfiesMargin(feature: x, weights: weights, target: 0), "\(row.title) at φ = \(phi)")
      }
    }
  }
}

/// Even–odd point-in-polygon test.
func contains(_ polygon: [Point2], _ p: Point2) -> Bool {
  var inside = false
  var j = polygon.count - 1
  for i in polygon.indices {
    let a = polygon[i], b = polygon[j]
    if (a.y > p.y) != (b.y > p.y), p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
    j = i
  }
  return inside
}
