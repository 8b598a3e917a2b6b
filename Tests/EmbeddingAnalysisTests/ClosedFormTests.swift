import EmbeddingAnalysis
import Foundation
import Testing

/// Inputs whose answers are known without any computation.
@Suite struct ClosedFormTests {
  /// Ten classes 36° apart on the circle; each class has two features at ±δ from its direction,
  /// scaled differently (the norm must not matter), and W on the class directions.
  static func circle(delta: Double, weights: Bool) -> AnalysisInput {
    var features: [Float] = [], labels: [Int32] = [], w: [Double] = []
    for j in 0..<10 {
      let phi = Double(j) * 36 * Double.pi / 180
      w += [cos(phi), sin(phi)]
      for (sign, scale) in [(1.0, 2.0), (-1.0, 7.0)] {
        let a = phi + sign * delta * Double.pi / 180
        features += [Float(scale * cos(a)), Float(scale * sin(a))]
        labels.append(Int32(j))
      }
    }
    return AnalysisInput(
      path: "circle", dimension: 2,
      splits: [
        LabelledSplit(
          name: "all", features: InMemoryFeatures(features, dimension: 2), labels: labels, featuresArray: "features",
          labelsArray: "labels")
      ],
      classWeights: weights ? w : nil, classNames: (0..<10).map(String.init))
  }

  @Test func tenClassesOnACircle() throws {
    let a = try EmbeddingAnalyzer.analyze(Self.circle(delta: 5, weights: true))
    let t = a.report.splits[0].table3
    // Float32 features carry about 1e-7 relative error: 1e-5 degrees.
    #expect(abs(t.intra - 5) < 1e-4)
    #expect(abs(t.inter - 36) < 1e-4)
    #expect(abs(t.wEC! - 0) < 1e-4)
    #expect(abs(t.wInter! - 36) < 1e-9)
    let s = a.report.splits[0]
    #expect(abs(s.targetAngles.mean - 5) < 1e-4 && s.targetAngles.shareBeyond90 == 0)
    // Positive pairs are 10° apart; the nearest negatives 26°: every threshold between separates them.
    #expect(s.pairs.positive.count == 10 && s.pairs.negative.count == 180)
    #expect(abs(s.pairs.positive.mean - 10) < 1e-4)
    #expect(s.pairs.eer.rate == 0)
    // Two components keep everything in 2-D.
    #expect(abs(s.pca.varianceShare2D - 1) < 1e-12 && s.pca.varianceShare3D == nil)
    // Every class's nearest neighbour is 36° away, and the chain walks round the circle.
    #expect(s.centreAngles.nearest.allSatisfy { abs($0.degrees - 36) < 1e-4 })
    let order = s.centreAngles.order
    #expect(zip(order, order.dropFirst()).allSatisfy { a, b in (a - b + 10) % 10 == 1 || (b - a + 10) % 10 == 1 })
  }

  @Test func thePlaneOfTwoWeightsIsExactForThoseClasses() throws {
    var options = AnalysisOptions()
    options.plane = (0, 3)
    let a = try EmbeddingAnalyzer.analyze(Self.circle(delta: 5, weights: true), options: options)
    let plane = try #require(a.report.splits[0].plane)
    #expect(abs(plane.angleBetweenDegrees - 108) < 1e-9)
    #expect(plane.points == 4)
    // In 2-D the plane is the whole space: every normalised feature keeps length 1.
    #expect(abs(plane.meanInPlaneLength - 1) < 1e-6)
  }

  @Test func withoutWeightsTheReportSaysCentres() throws {
    let a = try EmbeddingAnalyzer.analyze(Self.circle(delta: 5, weights: false))
    #expect(a.report.classDirections == "class centres")
    #expect(a.report.splits[0].table3.wEC == nil)
    #expect(a.report.splits[0].targetAngles.reference == "class centre")
  }

  static func input(_ features: [Float], _ labels: [Int32], d: Int = 2, names: Int? = nil) -> AnalysisInput {
    AnalysisInput(
      path: "bad.npz", dimension: d,
      splits: [
        LabelledSplit(
          name: "test", features: InMemoryFeatures(features, dimension: d), labels: labels,
          featuresArray: "test_features", labelsArray: "test_labels")
      ],
      classWeights: nil, classNames: (0..<(names ?? (Int(labels.max()!) + 1))).map(String.init))
  }

  @Test func degenerateInputsNameTheFileAndArray() throws {
    func message(_ input: AnalysisInput) -> String {
      do {
        _ = try EmbeddingAnalyzer.analyze(input)
        return "no error"
      } catch { return "\(error)" }
    }
    let one = message(Self.input([1, 0, 0, 1], [0, 0]))
    #expect(one.contains("bad.npz") && one.contains("test_labels") && one.contains("one class"), "\(one)")
    let absent = message(Self.input([1, 0, 0, 1], [0, 2], names: 3))
    #expect(absent.contains("test_labels") && absent.contains("class '1' has no rows in the test split"), "\(absent)")
    let zero = message(Self.input([1, 0, 0, 0, 0, 1], [0, 1, 1]))
    #expect(zero.contains("test_features") && zero.contains("row 1") && zero.contains("zeros"), "\(zero)")
    let nan = message(Self.input([1, 0, .nan, 1, 0, 1], [0, 1, 1]))
    #expect(nan.contains("test_features") && nan.contains("row 1") && nan.contains("NaN"), "\(nan)")
    let cancel = message(Self.input([1, 0, -1, 0, 0, 1], [0, 0, 1]))
    #expect(cancel.contains("test_features") && cancel.contains("cancel out"), "\(cancel)")
  }
}
