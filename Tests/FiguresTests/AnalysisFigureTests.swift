import FileFormats
import Foundation
import PlotKit
import Testing

@testable import Figures

/// `margins analyze`'s figures, structurally.
@Suite struct AnalysisFigureTests {
  /// The views figure (PCA circle, PCA sphere) draws each class in the colour a plane figure of as
  /// many classes gives it: a legend naming every class up to Palette.distinctClassLimit, the
  /// captioned colour bar above it.
  @Test(arguments: [10, 15, 30]) func viewsClassColoursFollowThePlaneFigures(classes: Int) throws {
    var e = try SphereFigureTests().manyClasses(classes)
    e.classWeights = (0..<classes).flatMap { c -> [Float] in
      let row = e.splits[0].features[(60 * c)..<(60 * c + 3)]
      return Array(row)
    }
    let analysis = try AngleStatistics.analysis(of: e)
    let drawing = AnalysisFigures(
      inputs: [try AngleStatistics.input(e)], analyses: [analysis], palette: .colorBlindSafe, plane: nil)
    let figure = try drawing.views()
    let expected = Array(Palette.colorBlindSafe.forClasses(classes).colors.prefix(classes).map { $0.withAlpha(1) })
    #expect(Set(expected).count == classes)
    let layers = figure.panels.compactMap { $0 }.flatMap(\.layers)
    let scenes = layers.compactMap { $0 as? SceneLayer }
    #expect(scenes.count == 1)
    for scene in scenes { #expect(Array(scene.scene.palette) == expected) }
    let points = layers.compactMap { $0 as? ColoredPointsLayer }
    #expect(points.count == 1)
    for p in points { #expect(p.palette.map { $0.withAlpha(1) } == expected) }
    if classes > Palette.distinctClassLimit {
      let bar = try #require(figure.colorBar)
      #expect(bar.colors.map { $0.withAlpha(1) } == expected && bar.labels == e.classNames)
      #expect(figure.caption.contains { $0.key == "colours" })
      #expect(figure.legendEntries == nil)
    } else {
      // Up to the distinct-colour limit every class is named in the legend, in its colour.
      #expect(figure.colorBar == nil)
      let legend = try #require(figure.legendEntries)
      #expect(legend.map(\.label) == e.classNames)
      #expect(legend.map { $0.color.withAlpha(1) } == expected)
    }
    _ = try figure.renderImage(dpi: 72)
  }
}
