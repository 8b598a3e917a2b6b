import FileFormats
import Foundation
import MarginMath
import PlotKit
import Testing

@testable import Figures

@Suite("Sectors of many classes: the shared geometry, linear in the class count")
struct SectorSpeedTests {
  static func weights(_ c: Int) -> [Point2] {
    (0..<c).map { j in
      let a = Double(j) * 2 * .pi / Double(c) + 0.1 * sin(Double(j))
      return Point2(x: (1 + 0.1 * Double(j % 3)) * cos(a), y: (1 + 0.1 * Double(j % 3)) * sin(a))
    }
  }

  @Test(arguments: [LossKind.softmax, .lSoftmax, .arcFace, .cosFace])
  func theSameBoundariesAsSectorGeometry(kind: LossKind) {
    var p = LossParameters()
    p.m = kind == .lSoftmax ? 3 : kind == .softmax ? 1 : 0.2
    p.s = 10
    let rule = MarginRule(kind: kind, parameters: p, iteration: 1_000_000)
    for c in [3, 9] {
      let w = Self.weights(c)
      let biases: [Double]? = kind == .softmax ? (0..<c).map { 0.05 * Double($0) } : nil
      let expected = SectorGeometry.sectors(weights: w, biases: biases, rule: rule, featureNorm: 2, samples: 720)
      let fast = CheckpointViews.classSectors(weights: w, biases: biases, rule: rule, featureNorm: 2, samples: 720)
      #expect(fast.map(\.decision) == expected.map(\.decision))
      #expect(fast.map(\.marginZones) == expected.map(\.marginZones))
    }
  }

  @Test func aHundredClassesAreQuick() {
    let rule = MarginRule(kind: .softmax, parameters: LossParameters(), iteration: 0)
    let start = Date()
    let sectors = CheckpointViews.classSectors(weights: Self.weights(100), biases: nil, rule: rule, featureNorm: 1)
    #expect(sectors.count == 100)
    // The decision regions tile the circle.
    let covered = sectors.flatMap(\.decision).map(\.width).reduce(0, +)
    #expect(abs(covered - 2 * .pi) < 1e-6)
    // Debug build on a shared 2-core machine; the release build takes a few hundredths of this.
    #expect(Date().timeIntervalSince(start) < 20)
  }
}

@Suite("Weight names of many classes")
struct WeightLabelTests {
  @Test func aboveTwentyClassesTheRaysAreUnnamedAndTheCaptionSaysSo() throws {
    for (c, named) in [(12, true), (30, false)] {
      let w = SectorSpeedTests.weights(c)
      let weights = NumpyArray(shape: [c, 2], values: .float32(w.flatMap { [Float($0.x), Float($0.y)] }))
      let path = try DensityFigureTests.writeNPZ(n: 3 * c, classes: c, extra: [("class_weights", weights)])
      defer { try? FileManager.default.removeItem(atPath: path) }
      let e = try EmbeddingReader.read(path)
      var options = CheckpointFigureOptions()
      options.splits = [.test]
      let figure = try Figure.checkpointFigure(.circle, embeddings: [e], options: options)
      let rays = try #require(figure[0, 0]?.layers.compactMap { $0 as? DirectionRaysLayer }.first)
      #expect((rays.labels != nil) == named)
      #expect(figure.caption.contains { $0.value.hasPrefix("W names left out") } == !named)
    }
  }
}
