import Foundation
import Testing
@testable import Checkpoints

@Suite struct FeatureMetricsTests {
  /// Four classes along the axes, each spread ±`halfWidth` degrees around its direction at radius `radius`.
  private func cross(halfWidth: Double, radius: Double = 5, perClass: Int = 201) -> (features: [Float], labels: [Int]) {
    var features: [Float] = []
    var labels: [Int] = []
    for c in 0..<4 {
      for k in 0..<perClass {
        let offset = -halfWidth + 2 * halfWidth * Double(k) / Double(perClass - 1)
        let angle = (Double(c) * 90 + offset) * .pi / 180
        features += [Float(radius * cos(angle)), Float(radius * sin(angle))]
        labels.append(c)
      }
    }
    return (features, labels)
  }

  private let axes: [Float] = [1, 0, 0, 1, -1, 0, 0, -1]

  @Test func anglesToOwnWeightAndWeightSpacing() {
    let (features, labels) = cross(halfWidth: 10)
    let metrics = FeatureMetrics(features: features, labels: labels, classWeights: axes, dimension: 2, accuracy: 1)
    #expect(abs(metrics.minimumWeightAngleDegrees - 90) < 1e-9)
    // Uniform offsets on [-10, 10]: mean |offset| = 5 degrees.
    for angles in metrics.perClass { #expect(abs(angles.meanDegrees - 5) < 0.05) }
    #expect(abs(metrics.featureNorms.mean - 5) < 1e-5 && metrics.featureNorms.standardDeviation < 1e-5)
  }

  @Test(arguments: [5.0, 20.0, 40.0])
  func achievedMarginIsTheGapBetweenNeighbouringRanges(halfWidth: Double) throws {
    let (features, labels) = cross(halfWidth: halfWidth)
    let metrics = FeatureMetrics(features: features, labels: labels, classWeights: axes, dimension: 2)
    // Trimming `rangeTrim` of the 201 samples at each end narrows each range by that many sample steps.
    let trimmedSamples = Double(Int(201 * FeatureMetrics.rangeTrim))
    let trimmed = halfWidth - 2 * halfWidth * trimmedSamples / 200
    let gap = try #require(metrics.achievedMarginDegrees)
    // Features are Float32: angles carry about 1e-5 degrees of rounding.
    #expect(abs(gap - (90 - 2 * trimmed)) < 1e-4)
  }

  @Test func overlappingClassesGiveANegativeMargin() throws {
    let (features, labels) = cross(halfWidth: 60)
    let gap = try #require(
      FeatureMetrics(features: features, labels: labels, classWeights: axes, dimension: 2).achievedMarginDegrees)
    #expect(gap < 0)
  }

  @Test func zeroFeaturesAndThreeDimensionsStayFinite() {
    let metrics = FeatureMetrics(
      features: [0, 0, 0, 0, 0, 0], labels: [0, 1], classWeights: [1, 0, 0, 0, 1, 0], dimension: 3)
    #expect(metrics.achievedMarginDegrees == nil)
    #expect(metrics.meanAngleToOwnWeightDegrees == 0)
    #expect(abs(metrics.minimumWeightAngleDegrees - 90) < 1e-9)
  }
}
