import Foundation
import Testing

@testable import PlotKit
import _SyntheticFeatures

@Suite("Ticks, limits and the data-to-device mapping")
struct GeometryTests {
  @Test(arguments: [
    (span: 10.0, target: 5, step: 2.0), (span: 1.0, target: 5, step: 0.2), (span: 400.0, target: 4, step: 100.0),
    (span: 7.0, target: 5, step: 2.0), (span: 0.03, target: 3, step: 0.01), (span: 2_000.0, target: 5, step: 500.0),
  ])
  func stepsAreOneTwoOrFiveTimesAPowerOfTen(span: Double, target: Int, step: Double) {
    let s = NiceTicks.step(forSpan: span, targetCount: target)
    #expect(abs(s - step) < step * 1e-9)
    #expect(span / s <= Double(target) + 1e-9)
  }

  @Test func ticksAreMultiplesOfTheStepInsideTheRange() {
    let ticks = NiceTicks.ticks(in: AxisRange(-150, 100))
    #expect(ticks == [-150, -100, -50, 0, 50, 100])
    #expect(NiceTicks.label(-0.0000001, step: 50) == "0")
    #expect(NiceTicks.label(-100, step: 50) == "\u{2212}100")
    #expect(NiceTicks.label(0.25, step: 0.05) == "0.25")
    #expect(NiceTicks.logTicks(in: AxisRange(0.05, 2_000)) == [0.1, 1, 10, 100, 1_000])
  }

  @Test(arguments: [1701, 7, 42] as [UInt64])
  func symmetricLimitsContainEveryPointAndAreCentred(seed: UInt64) {
    let cloud = SyntheticFeatures.star(count: 3_000, seed: seed, scale: Double(seed % 300 + 5))
    let panel = Panel.scatter(cloud: cloud)
    let limits = panel.resolvedLimits(forBounds: panel.dataBounds)
    #expect(limits.x == limits.y)
    #expect(limits.x.lower == -limits.x.upper)
    for i in 0..<cloud.count {
      #expect(limits.contains(Point(x: Double(cloud.xs[i]), y: Double(cloud.ys[i]))))
    }
    let bounds = cloud.bounds!
    let reach = max(abs(bounds.x.lower), bounds.x.upper, abs(bounds.y.lower), bounds.y.upper)
    #expect(limits.x.upper < reach * 1.5, "limits hug the data")
  }

  @Test func containingPolicyWidensFixedLimitsInsteadOfClipping() {
    var panel = Panel(layers: [CurveLayer(curves: [Polyline(points: [Point(x: 0, y: 0), Point(x: 12, y: 7)])])])
    panel.limits = .containing(AxisLimits(xMin: -5, xMax: 5, yMin: -5, yMax: 5))
    let limits = panel.resolvedLimits(forBounds: panel.dataBounds)
    #expect(limits.contains(Point(x: 12, y: 7)) && limits.contains(Point(x: -5, y: -5)))
    panel.limits = .exactly(AxisLimits(xMin: -5, xMax: 5, yMin: -5, yMax: 5))
    #expect(panel.resolvedLimits(forBounds: panel.dataBounds).x == AxisRange(-5, 5))
  }

  @Test func mappingFlipsYOnceAndRoundTrips() {
    let m = DeviceMapping(
      limits: AxisLimits(xMin: -2, xMax: 2, yMin: -1, yMax: 1), available: Rect(x: 10, y: 20, width: 100, height: 100),
      equalAspect: true)
    // Equal aspect: 4 × 2 data units in a 100 × 100 box → 100 × 50, centred vertically.
    #expect(m.box == Rect(x: 10, y: 45, width: 100, height: 50))
    #expect(m.device(Point(x: -2, y: 1)) == Point(x: 10, y: 45))
    #expect(m.device(Point(x: 2, y: -1)) == Point(x: 110, y: 95))
    #expect(m.device(Point(x: 0, y: 0.5)).y < m.device(Point(x: 0, y: 0)).y, "larger y is higher on the page")
    for p in [Point(x: 0.3, y: -0.7), Point(x: -1.9, y: 0.99), Point(x: 1, y: 0)] {
      let back = m.data(m.device(p))
      #expect(abs(back.x - p.x) < 1e-12 && abs(back.y - p.y) < 1e-12)
    }
  }

  @Test func logMappingPlacesDecadesEvenly() {
    let m = DeviceMapping(
      limits: AxisLimits(xMin: 0, xMax: 1, yMin: 1, yMax: 1_000), available: Rect(x: 0, y: 0, width: 90, height: 90),
      equalAspect: false, yScale: .log10)
    #expect(abs(m.device(Point(x: 0, y: 10)).y - 60) < 1e-9)
    #expect(abs(m.device(Point(x: 0, y: 100)).y - 30) < 1e-9)
    #expect(abs(m.data(Point(x: 0, y: 30)).y - 100) < 1e-9)
  }

  @Test(arguments: [Figure.LimitSharing.independent, .rows, .columns, .all])
  func sharedLimitsAreEqualWithinEachGroup(sharing: Figure.LimitSharing) {
    var figure = Figure(rows: 2, columns: 2)
    for r in 0..<2 {
      for c in 0..<2 {
        figure[r, c] = .scatter(
          cloud: SyntheticFeatures.star(count: 500, seed: UInt64(r * 2 + c), scale: Double(10 + 90 * (r * 2 + c))))
      }
    }
    figure.limitSharing = sharing
    let limits = figure.resolvedLimits().map { $0! }
    for i in 0..<4 {
      for j in 0..<4 where i != j {
        let grouped: Bool
        switch sharing {
        case .independent: grouped = false
        case .rows: grouped = i / 2 == j / 2
        case .columns: grouped = i % 2 == j % 2
        case .all: grouped = true
        }
        #expect((limits[i] == limits[j]) == grouped, "panels \(i) and \(j)")
      }
      #expect(
        limits[i].contains(Point(x: figure.panels[i]!.dataBounds!.x.upper, y: figure.panels[i]!.dataBounds!.y.upper)))
    }
  }

  @Test func animationFramesShareLimitsThatContainEveryFrame() {
    let frames = (1...3).map { epoch in
      var f = Figure(rows: 1, columns: 1)
      f[0, 0] = .scatter(cloud: SyntheticFeatures.star(count: 300, seed: 5, scale: Double(epoch) * 40))
      return f
    }
    let shared = Figure.sharingLimits(across: frames)
    let limits = shared.map { $0.resolvedLimits()[0]! }
    #expect(limits.allSatisfy { $0 == limits[0] })
    for frame in frames {
      let b = frame.panels[0]!.dataBounds!
      #expect(
        limits[0].contains(Point(x: b.x.lower, y: b.y.lower)) && limits[0].contains(Point(x: b.x.upper, y: b.y.upper)))
    }
  }
}
