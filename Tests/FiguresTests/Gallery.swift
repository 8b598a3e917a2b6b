import CairoGraphics
import Foundation

import CairoBackend
@testable import Figures
@testable import PlotKit
import _SyntheticFeatures

/// Test fixtures: small figures of every panel kind, built the way the CLI will build them.
enum Gallery {
  static let directions = SyntheticFeatures.starDirections().map { Point(x: $0.x, y: $0.y) }

  /// CosFace-style margin zones for evenly spaced unit directions: for neighbours Δ apart, a
  /// feature at angle θ from its own class violates cos θ − m ≥ cos(Δ − θ) beyond
  /// θ* = Δ/2 − asin(m / (2 sin(Δ/2))); the zone runs from θ* to the bisector on each side.
  static func cosFaceZones(directions: [Point], margin m: Double) -> [AngularSector] {
    let regions = AngularSector.decisionRegions(forDirections: directions)
    var zones = [AngularSector]()
    for region in regions {
      let own = atan2(directions[region.classIndex].y, directions[region.classIndex].x)
      let left = AngularSector.normalized(own - region.start), right = AngularSector.normalized(region.end - own)
      let innerLeft = left - asin(m / (2 * sin(left)))
      let innerRight = right - asin(m / (2 * sin(right)))
      zones.append(
        AngularSector(start: region.start, end: own - innerLeft, classIndex: region.classIndex, kind: .marginZone))
      zones.append(
        AngularSector(start: own + innerRight, end: region.end, classIndex: region.classIndex, kind: .marginZone))
    }
    return regions + zones
  }

  /// Every panel kind in a 2 × 4 grid.
  static func allPanelKinds(points: Int = 4_000) -> Figure {
    let cloud = SyntheticFeatures.star(count: points, seed: 3, scale: 80)
    let test = SyntheticFeatures.star(count: points / 4, seed: 4, scale: 80)
    var figure = Figure(rows: 2, columns: 4)
    figure.title = "Figure kit gallery (synthetic features)"
    figure[0, 0] = .scatter(
      title: "Testing Set (m=3)", subtitle: "Testing Accuracy: 99.22%", cloud: cloud, showsClassLabels: true)
    figure[0, 1] = .angular(
      title: "Unit circle, CosFace m=0.1", cloud: cloud, directions: directions,
      sectors: cosFaceZones(directions: directions, margin: 0.1), directionLabels: (0..<10).map { "W\($0)" })
    let m = 0.5
    figure[0, 2] = .decisionBoundaries(
      title: "ArcFace (m=0.5)", space: .angles(degrees: true),
      boundaries: [
        Polyline(points: [Point(x: 0, y: m), Point(x: .pi - m, y: .pi)]),
        Polyline(points: [Point(x: m, y: 0), Point(x: .pi, y: .pi - m)]),
      ],
      margins: [
        Polygon(points: [
          Point(x: 0, y: 0), Point(x: 0, y: m), Point(x: .pi - m, y: .pi), Point(x: .pi, y: .pi),
          Point(x: .pi, y: .pi - m), Point(x: m, y: 0),
        ])
      ])
    let c = 0.35
    figure[0, 3] = .decisionBoundaries(
      title: "CosineFace (m=0.35)", space: .cosines,
      boundaries: [
        Polyline(points: [Point(x: -1 + c, y: -1), Point(x: 1, y: 1 - c)]),
        Polyline(points: [Point(x: -1, y: -1 + c), Point(x: 1 - c, y: 1)]),
      ],
      margins: [
        Polygon(points: [
          Point(x: -1, y: -1), Point(x: -1 + c, y: -1), Point(x: 1, y: 1 - c), Point(x: 1, y: 1), Point(x: 1 - c, y: 1),
          Point(x: -1, y: -1 + c),
        ])
      ])
    let thetas = stride(from: 0.0, through: 180, by: 1).map { $0 }
    let rad = thetas.map { $0 * .pi / 180 }
    figure[1, 0] = .curves(
      title: "Target logit ψ(θ)",
      curves: [
        Polyline(
          xs: thetas, ys: rad.map { cos($0) }, name: "Softmax", color: Palette.colorBlindSafe.color(forClass: 0)),
        Polyline(
          xs: thetas, ys: rad.map { cos($0) - 0.35 }, name: "AM-Softmax (m=0.35)",
          color: Palette.colorBlindSafe.color(forClass: 1), dash: [3, 2]),
        Polyline(
          xs: thetas, ys: rad.map { $0 + 0.5 < .pi ? cos($0 + 0.5) : cos($0) - 0.5 * sin(0.5) },
          name: "ArcFace (m=0.5)", color: Palette.colorBlindSafe.color(forClass: 2)),
      ], xLabel: "θ (degrees)", yLabel: "ψ(θ)", legendCorner: .bottomLeft)
    let iterations = stride(from: 0.0, through: 20_000, by: 100).map { $0 }
    figure[1, 1] = .curves(
      title: "λ schedule",
      curves: [
        Polyline(
          xs: iterations, ys: iterations.map { max(0, 1000 * pow(1 + 2.5e-5 * $0, -35)) }, name: "L-Softmax",
          color: Palette.colorBlindSafe.color(forClass: 3)),
        Polyline(
          xs: iterations, ys: iterations.map { max(5, 1000 / (1 + 0.12 * $0)) }, name: "SphereFace",
          color: Palette.colorBlindSafe.color(forClass: 4)),
      ], xLabel: "iteration", yLabel: "λ", yScale: .log10)
    let trainAngles = Histogram(values: cloud.anglesToOwnClass(directions: directions), binCount: 36, range: 0...90)
      .density()
    let testAngles = Histogram(values: test.anglesToOwnClass(directions: directions), binCount: 36, range: 0...90)
      .density()
    let series = [
      HistogramSeries(name: "train", histogram: trainAngles, color: Palette.colorBlindSafe.color(forClass: 0)),
      HistogramSeries(name: "test", histogram: testAngles, color: Palette.colorBlindSafe.color(forClass: 3)),
    ]
    figure[1, 2] = .histogram(title: "Angle to own class weight", series: series, yLabel: "density")
    figure[1, 3] = .rose(title: "Polar histogram", series: [series[0]])
    figure.legendTitle = "digit"
    figure.caption = [("run", "gallery"), ("seed", "3"), ("epoch", "20"), ("code", "test fixture")]
    return figure
  }
}
