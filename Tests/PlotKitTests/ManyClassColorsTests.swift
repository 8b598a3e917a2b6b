import Foundation
import Testing

@testable import PlotKit

/// Colours for many classes: distinct up to Palette.distinctClassLimit, then a continuous map read on
/// a colour bar that takes the legend's place.
@Suite("Colours and keys for many classes")
struct ManyClassColorsTests {
  @Test(arguments: Palette.all)
  func upToTheLimitEveryAddedColourStaysFarFromEveryOther(_ base: Palette) {
    let palette = base.forClasses(Palette.distinctClassLimit)
    #expect(palette.colors.count == Palette.distinctClassLimit && !palette.isContinuous)
    #expect(Array(palette.colors.prefix(base.colors.count)) == base.colors)
    let labs = palette.colors.map(Lab.init)
    let white = Lab(Color(red: 1, green: 1, blue: 1))
    for k in base.colors.count..<labs.count {
      let others = labs.indices.filter { $0 != k }.map { labs[$0] } + [white]
      let nearest = others.map { labs[k].distance(to: $0) }.min() ?? 0
      #expect(nearest >= 25, "\(base.name): class \(k) is \(nearest) ΔE from its nearest colour")
    }
    // A palette is only extended, never reordered, when fewer classes are asked for.
    #expect(base.forClasses(3) == base)
    #expect(base.forClasses(15).colors == Array(palette.colors.prefix(15)))
  }

  @Test func aboveTheLimitTheClassesFollowAContinuousMapInClassOrder() {
    let palette = Palette.colorBlindSafe.forClasses(100)
    #expect(palette.isContinuous && palette.colors.count == 100)
    let lightness = palette.colors.map { Lab($0).l }
    #expect(zip(lightness, lightness.dropFirst()).allSatisfy { $0 < $1 }, "viridis brightens from class 0 to the last")
    #expect(lightness.last! < 90, "the last class stays visible on white")
    #expect(Set(palette.colors).count == 100)
  }

  static func figure(classes: Int, legend: FigureStyle.LegendPosition, width: Double) -> Figure {
    let palette = Palette.colorBlindSafe.forClasses(classes)
    let names = (0..<classes).map { "class \($0)" }
    let cloud = FeatureCloud(
      xs: (0..<classes).map { Float($0) }, ys: (0..<classes).map { Float($0 % 7) },
      labels: (0..<classes).map { UInt8($0) }, classNames: names)
    var figure = Figure(rows: 1, columns: 2)
    figure[0, 0] = .scatter(title: "train", cloud: cloud, palette: palette)
    figure[0, 1] = .scatter(title: "test", cloud: cloud, palette: palette)
    figure.legendTitle = "class"
    figure.colorBar = ColorBar(colors: palette.colors, labels: names)
    figure.style.legend = legend
    figure.width = width
    return figure
  }

  @Test(arguments: [FigureStyle.LegendPosition.right, .bottom], [3.25 * 72, 6.5 * 72])
  func aColourBarIsCompactLabelledAndCollidesWithNothing(legend: FigureStyle.LegendPosition, width: Double) throws {
    let figure = Self.figure(classes: 100, legend: legend, width: width)
    let placed = try figure.placedTexts(measuringWith: RecordingRenderer())
    let layout = placed.layout
    let box = try #require(layout.legendBox)
    let bar = try #require(layout.colorBarFrame)
    #expect(layout.legendEntryCenters.isEmpty, "no legend entries beside a colour bar")
    #expect(box.contains(Point(x: bar.minX, y: bar.minY)) && box.contains(Point(x: bar.maxX, y: bar.maxY)))
    #expect(layout.colorBarIsVertical == (legend == .right))
    // A legend of 100 entries would be 100 rows (1,200 pt at 8 pt) or a block of five columns.
    if legend == .right {
      #expect(box.height < layout.height && box.width < 0.3 * width)
    } else {
      #expect(box.height < 4 * figure.style.legendSize)
    }
    // Ticks from class 0 at a round step (the last class may close the bar), and their names drawn.
    let ticks = layout.colorBarTicks
    #expect(ticks.first == 0 && ticks.count >= 2)
    let regular = ticks.last == 99 && ticks.count > 2 ? Array(ticks.dropLast()) : ticks
    let steps = Set(zip(regular, regular.dropFirst()).map { $1 - $0 })
    #expect(steps.count <= 1 && steps.isSubset(of: [1, 2, 5, 10, 20, 50]))
    if legend == .right && width > 400 { #expect(ticks.count >= 5 && ticks.last == 99) }
    let texts = Set(placed.texts.map(\.text))
    #expect(ticks.allSatisfy { texts.contains("class \($0)") })
    let problems = TextCollisions.problems(in: placed.texts, width: layout.width, height: layout.height)
    #expect(problems.isEmpty, "\(problems.prefix(4))")
  }

  @Test func theBarDrawsOneStripePerClassInTheClassColours() throws {
    let figure = Self.figure(classes: 30, legend: .right, width: 6.5 * 72)
    let renderer = RecordingRenderer()
    let layout = try figure.layout(measuringWith: renderer)
    try figure.draw(on: renderer, layout: layout, rasterScale: 0.25, pointMode: .vector)
    let bar = try #require(layout.colorBarFrame)
    let palette = Palette.colorBlindSafe.forClasses(30)
    for (k, color) in palette.colors.enumerated() {
      let stripes = renderer.fills(color).filter { call in
        call.path.bounds.map { bar.contains(Point(x: $0.minX + $0.width / 2, y: $0.minY + $0.height / 2)) } ?? false
      }
      #expect(stripes.count == 1, "class \(k)")
    }
  }
}
