import Foundation
import Testing

@testable import PlotKit

@Suite("Angular sectors")
struct SectorTests {
  @Test func spanAndContainmentHandleTheCut() {
    let wedge = AngularSector(start: 170 * .pi / 180, end: -170 * .pi / 180, classIndex: 0, kind: .marginZone)
    #expect(abs(wedge.span - 20 * .pi / 180) < 1e-12)
    #expect(wedge.contains(angle: .pi))
    #expect(wedge.contains(angle: -.pi))
    #expect(!wedge.contains(angle: 0))
    #expect(abs(wedge.midAngle - .pi) < 1e-12)
    let full = AngularSector(start: 0, end: 2 * .pi, classIndex: 0, kind: .decisionRegion)
    #expect(abs(full.span - 2 * .pi) < 1e-12)
  }

  @Test(arguments: [3, 4, 8, 10])
  func decisionRegionsOfEvenlySpacedDirectionsAreBisectorWedges(classCount: Int) {
    let directions = (0..<classCount).map { c -> Point in
      let a = 2 * Double.pi * Double(c) / Double(classCount) + 0.3
      return Point(x: cos(a) * Double(c + 1), y: sin(a) * Double(c + 1))
    }
    let sectors = AngularSector.decisionRegions(forDirections: directions)
    #expect(sectors.count == classCount)
    let total: Double = sectors.map(\.span).reduce(0, +)
    #expect(abs(total - 2 * Double.pi) < 1e-9)
    for (c, sector) in sectors.enumerated() {
      #expect(sector.classIndex == c)
      #expect(abs(sector.span - 2 * .pi / Double(classCount)) < 1e-9)
      let own = atan2(directions[c].y, directions[c].x)
      #expect(sector.contains(angle: own))
      let offset: Double = AngularSector.normalized(sector.midAngle - own)
      #expect(min(offset, 2 * Double.pi - offset) < 1e-9, "evenly spaced: each wedge is centred on its class")
    }
  }

  @Test func unevenDirectionsSplitAtBisectors() {
    let directions = [Point(x: 1, y: 0), Point(x: 0, y: 1), Point(x: -1, y: 0)]
    let s = AngularSector.decisionRegions(forDirections: directions)
    // Class 0 at 0°: neighbours at 90° and 180° → from −90° to 45°.
    #expect(abs(AngularSector.normalized(s[0].start) - AngularSector.normalized(-.pi / 2)) < 1e-12)
    #expect(abs(s[0].end - .pi / 4) < 1e-12)
    #expect(abs(s[1].span - .pi / 2) < 1e-12)
    #expect(abs(s[2].span - 3 * .pi / 4) < 1e-12)
  }

  @Test func outlineStartsAtTheOriginAndFollowsTheArc() {
    let wedge = AngularSector(start: 0.2, end: 0.9, classIndex: 1, kind: .decisionRegion)
    let outline = wedge.outline(radius: 2)
    #expect(outline.first == .zero)
    let first = outline[1], last = outline[outline.count - 1]
    #expect(abs(atan2(first.y, first.x) - 0.2) < 1e-12 && abs(atan2(last.y, last.x) - 0.9) < 1e-12)
    for p in outline.dropFirst() {
      #expect(abs((p.x * p.x + p.y * p.y).squareRoot() - 2) < 1e-12)
      #expect(wedge.contains(angle: atan2(p.y, p.x)))
    }
  }

  @Test func marginZoneEdgesFollowTheGivenAngles() {
    // A CosFace-like zone between two unit directions 36° apart, ending 4° either side of the bisector.
    let zone = AngularSector(start: (18 - 4) * .pi / 180, end: (18 + 4) * .pi / 180, classIndex: 0, kind: .marginZone)
    #expect(zone.contains(angle: 18 * .pi / 180))
    #expect(!zone.contains(angle: 13.9 * .pi / 180) && !zone.contains(angle: 22.1 * .pi / 180))
    let layer = SectorLayer(sectors: [zone])
    #expect(layer.fillColor(of: zone) == layer.marginColor)
    #expect(layer.legendEntries.map(\.label) == ["margin zone"])
  }
}
