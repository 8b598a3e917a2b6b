import Foundation
@testable import MarginMath
import Testing
@testable import SphereScene

func rule(_ kind: LossKind, m: Double? = nil) -> MarginRule {
  var p = LossParameters.defaults(for: kind)
  if let m { p.m = m }
  return MarginRule(kind: kind, parameters: p, iteration: 1_000_000)
}

/// Four well-separated class weights and a few features around each, some on the far side of +z.
struct Fixture {
  let weights: [[Double]] = [[1, 0, 0.3], [0, 1, 0.3], [-1, 0, 0.3], [0, -1, 0.3]]
  var features: [[Double]] = []
  var labels: [Int] = []

  init() {
    for (k, w) in weights.enumerated() {
      for j in 0..<5 {
        let wobble = 0.1 * Double(j - 2)
        features.append([3 * w[0] + wobble, 3 * w[1] - wobble, 3 * w[2] + (j == 4 ? -2.5 : 0.2 * wobble)])
        labels.append(k)
      }
    }
  }

  func input(_ kind: LossKind = .cosFace, weights: Bool = true) throws -> SphereSceneInput {
    try SphereSceneInput(
      features: features, labels: labels, classCount: 4, weights: weights ? self.weights : nil, rule: rule(kind, m: 0.2)
    )
  }
}

func fastOptions(view: SphereSceneOptions.ViewChoice = .direction(Vector3(0, 0, 1))) -> SphereSceneOptions {
  var o = SphereSceneOptions()
  o.view = view
  o.zoneAzimuths = 48
  o.boundarySamples = 360
  o.showsWeightLabels = true
  return o
}

func batches(_ scene: SceneDescription, _ role: SceneRole) -> [ScenePointBatch] {
  scene.primitives(role).compactMap { if case .points(let b) = $0 { b } else { nil } }
}

@Suite struct SphereSceneInputTests {
  @Test func dimensionsOtherThanThreeAreClearErrors() {
    #expect(throws: SphereSceneError.dimension(array: "features", row: 1, found: 4)) {
      try SphereSceneInput(features: [[1, 0, 0], [1, 2, 3, 4]], labels: [0, 0], classCount: 1)
    }
    #expect(throws: SphereSceneError.dimension(array: "features", row: 0, found: 2)) {
      try SphereSceneInput(features: [[1, 0]], labels: [0], classCount: 1)
    }
    #expect(throws: SphereSceneError.dimension(array: "class_weights", row: 1, found: 2)) {
      try SphereSceneInput(features: [[1, 0, 0]], labels: [0], classCount: 2, weights: [[1, 0, 0], [0, 1]])
    }
  }

  @Test func labelsCountsAndNonFiniteValuesAreChecked() {
    #expect(throws: SphereSceneError.label(row: 1, label: 3, classCount: 2)) {
      try SphereSceneInput(features: [[1, 0, 0], [0, 1, 0]], labels: [0, 3], classCount: 2)
    }
    #expect(throws: SphereSceneError.count(array: "labels", expected: 2, found: 1)) {
      try SphereSceneInput(features: [[1, 0, 0], [0, 1, 0]], labels: [0], classCount: 2)
    }
    #expect(throws: SphereSceneError.nonFinite(array: "features", rows: 2)) {
      try SphereSceneInput(
        features: [[.nan, 0, 0], [0, .infinity, 0], [1, 1, 1]], labels: [0, 0, 0], classCount: 1)
    }
    #expect(throws: SphereSceneError.count(array: "class_weights", expected: 2, found: 1)) {
      try SphereSceneInput(features: [[1, 0, 0]], labels: [0], classCount: 2, weights: [[1, 0, 0]])
    }
    #expect(throws: SphereSceneError.empty) { try SphereSceneInput(features: [], labels: [], classCount: 2) }
  }
}

@Suite struct SphereSceneTests {
  @Test func layersComeBackToFront() throws {
    let scene = try SphereScene.sphere(try Fixture().input(), options: fastOptions())
    let order: [SceneRole] = [
      .backBoundary, .backPoints, .sphereShading, .sphereOutline, .marginZone, .boundary, .weightArrow, .frontPoints,
    ]
    let firsts = try order.map { role in
      try #require(scene.primitives.firstIndex { $0.role == role }, "no \(role) layer")
    }
    #expect(firsts == firsts.sorted())
    let lasts = order.map { role in scene.primitives.lastIndex { $0.role == role }! }
    for (a, b) in zip(lasts, firsts.dropFirst()) { #expect(a < b) }
    // Weight labels stay readable on top of the front points.
    let labels = scene.primitives.indices.filter { scene.primitives[$0].role == .weightLabel }
    #expect(labels.count == 4 && labels.allSatisfy { $0 > lasts.last! })
  }

  @Test func weightLabelsAreOffByDefault() throws {
    var options = fastOptions()
    options.showsWeightLabels = false
    let scene = try SphereScene.sphere(try Fixture().input(), options: options)
    #expect(scene.primitives(.weightLabel).isEmpty)
    #expect(scene.primitives(.weightArrow).count >= 4)
    #expect(SphereSceneOptions().showsWeightLabels == false)
  }

  @Test func backPointsAreDimmedAndFrontPointsDrawnFarToNear() throws {
    let fixture = Fixture()
    let scene = try SphereScene.sphere(try fixture.input(), options: fastOptions())
    let back = try #require(batches(scene, .backPoints).first)
    let front = try #require(batches(scene, .frontPoints).first)
    // The fifth feature of each class has z < 0: on the far side of the +z view.
    #expect(back.positions.count == 4 && front.positions.count == 16)
    #expect(back.alpha < front.alpha)
    #expect(Set(back.colorIndices) == [0, 1, 2, 3])
    let depths = front.positions.map { 1 - ($0.x * $0.x + $0.y * $0.y) }
    #expect(depths == depths.sorted())
    // Positions are the projections of the unit directions: the +z view shows (x, y) / ‖f‖.
    let f = fixture.features[0]
    let n = (f[0] * f[0] + f[1] * f[1] + f[2] * f[2]).squareRoot()
    #expect(front.positions.contains { abs($0.x - f[0] / n) < 1e-12 && abs($0.y - f[1] / n) < 1e-12 })
    #expect(front.positions.allSatisfy { $0.x * $0.x + $0.y * $0.y <= 1 + 1e-12 })
  }

  @Test func marginZonesFollowTheLossRule() throws {
    let fixture = Fixture()
    let cosFace = try SphereScene.sphere(try fixture.input(.cosFace), options: fastOptions())
    let zones = cosFace.primitives(.marginZone)
    #expect(zones.count == 4)
    for case .polygon(let zone) in zones {
      // The decision region's ring and the acceptance region's ring: even-odd leaves the band between.
      #expect(zone.rings.count >= 2)
      #expect(zone.rings.allSatisfy { $0.allSatisfy { $0.x * $0.x + $0.y * $0.y <= 1 + 1e-9 } })
    }
    let softmax = try SphereScene.sphere(try fixture.input(.softmax), options: fastOptions())
    #expect(softmax.primitives(.marginZone).isEmpty)
    #expect(!softmax.primitives(.boundary).isEmpty)
  }

  @Test func weightArrowsEndAtTheProjectedDirections() throws {
    let fixture = Fixture()
    let scene = try SphereScene.sphere(try fixture.input(), options: fastOptions())
    let shafts = scene.primitives(.weightArrow).compactMap { if case .polyline(let p) = $0 { p } else { nil } }
    #expect(shafts.count == 4)
    for (shaft, w) in zip(shafts, fixture.weights) {
      let n = (w[0] * w[0] + w[1] * w[1] + w[2] * w[2]).squareRoot()
      #expect(abs(shaft.points[1].x - w[0] / n) < 1e-12 && abs(shaft.points[1].y - w[1] / n) < 1e-12)
      #expect(shaft.dash.isEmpty)
    }
    let labels = scene.primitives(.weightLabel).compactMap { if case .text(let t) = $0 { t.text } else { nil } }
    #expect(labels == ["W0", "W1", "W2", "W3"])
    // Seen from −z, the same weights point away: dashed and faint.
    let away = try SphereScene.sphere(try fixture.input(), options: fastOptions(view: .direction(Vector3(0, 0, -1))))
    let awayShafts = away.primitives(.weightArrow).compactMap { if case .polyline(let p) = $0 { p } else { nil } }
    #expect(awayShafts.allSatisfy { !$0.dash.isEmpty && $0.stroke.alpha < 1 })
  }

  @Test func automaticViewShowsEveryClassWeightInFront() throws {
    var fixture = Fixture()
    fixture.features = fixture.features.map { [$0[0], $0[1], -$0[2]] }
    let input = try SphereSceneInput(
      features: fixture.features, labels: fixture.labels, classCount: 4,
      weights: [[0.4, 0, -1], [0, 0.4, -1], [-0.4, 0, -1], [0, -0.4, -1]], rule: rule(.arcFace, m: 0.3))
    let scene = try SphereScene.sphere(input, options: fastOptions(view: .automatic))
    let shafts = scene.primitives(.weightArrow).compactMap { if case .polyline(let p) = $0 { p } else { nil } }
    #expect(shafts.count == 4 && shafts.allSatisfy(\.dash.isEmpty))
  }

  @Test func precomputedGeometryGivesTheSameScene() throws {
    let input = try Fixture().input()
    let options = fastOptions(view: .direction(Vector3(1, 2, 0.5)))
    let geometry = SphereSceneGeometry(input, options: options)
    #expect(geometry.regions.count == 4 && !geometry.arcs.isEmpty)
    #expect(
      try SphereScene.sphere(input, options: options, geometry: geometry) == SphereScene.sphere(input, options: options)
    )
  }

  @Test func withoutWeightsTheSceneSaysSoAndDrawsOnlyPointsAndSphere() throws {
    let scene = try SphereScene.sphere(try Fixture().input(weights: false), options: fastOptions())
    #expect(
      scene.primitives(.boundary).isEmpty && scene.primitives(.marginZone).isEmpty
        && scene.primitives(.weightArrow).isEmpty)
    #expect(scene.notes.contains { $0.contains("no class weights") })
    #expect(batches(scene, .frontPoints).first?.positions.count == 16)
  }

  @Test func tooFewClassColoursIsAnError() throws {
    var options = fastOptions()
    options.classColors = [.black]
    #expect(throws: SphereSceneError.colors(needed: 4, found: 1)) {
      try SphereScene.sphere(try Fixture().input(), options: options)
    }
    #expect(throws: SphereSceneError.viewDirection(.zero)) {
      try SphereScene.rawFeatures(try Fixture().input(), options: fastOptions(view: .direction(.zero)))
    }
  }
}

@Suite struct RawFeatureSceneTests {
  @Test func rawViewScalesTheNormQuantileToOneAndDrawsThreeAxes() throws {
    let features: [[Double]] = (0..<101).map { [Double($0), 0, 0] }
    let input = try SphereSceneInput(features: features, labels: Array(repeating: 0, count: 101), classCount: 1)
    var options = fastOptions()
    options.rawExtentQuantile = 0.5
    let scene = try SphereScene.rawFeatures(input, options: options)
    #expect(scene.primitives(.axis).count == 3)
    let front = try #require(batches(scene, .frontPoints).first)
    #expect(front.positions.contains { abs($0.x - 1) < 1e-12 && abs($0.y) < 1e-12 })
    #expect(front.positions.contains { abs($0.x - 2) < 1e-12 })
    #expect(scene.notes.first?.contains("50") == true)
  }
}

@Suite struct SphereLogitsTests {
  /// The allocation-free scan logits must give the bits `MarginRule`'s array functions give.
  @Test func gapsAndLeadsEqualTheRulesOwnLogitsBitForBit() {
    let weights = [
      Vector3(1.5, 0.2, -0.3), Vector3(-0.4, 2, 0.1), Vector3(0.3, -0.5, 1.2), Vector3(-1, -1, -1),
      Vector3(0.01, 0.7, -2),
    ]
    let rows = weights.map(\.array)
    var state: UInt64 = 7
    func uniform() -> Double {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(state >> 11) / Double(1 << 53) * 2 - 1
    }
    for r in [
      rule(.softmax), rule(.aSoftmax, m: 4), rule(.arcFace, m: 0.5), rule(.cosFace, m: 0.35), rule(.normFace),
      rule(.lSoftmax, m: 2),
    ] {
      let logits = SphereLogits(weights: weights, rule: r)
      for _ in 0..<200 {
        guard let p = Vector3(uniform(), uniform(), uniform()).direction else { continue }
        for y in weights.indices {
          let free = r.labelFreeLogits(feature: p.array, weights: rows)
          let margin = r.marginLogits(feature: p.array, weights: rows, target: y)
          #expect(
            logits.gap(p, target: y, margin: false) == free[y] - free.indices.filter { $0 != y }.map { free[$0] }.max()!
          )
          #expect(
            logits.gap(p, target: y, margin: true) == margin[y] - margin.indices.filter { $0 != y }.map { margin[$0] }
              .max()!)
        }
        let free = r.labelFreeLogits(feature: p.array, weights: rows)
        #expect(logits.lead(p, 1, 3) == min(free[1], free[3]) - [0, 2, 4].map { free[$0] }.max()!)
      }
    }
  }
}
