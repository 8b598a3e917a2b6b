import Engine
import Foundation
import Losses
import MarginMath
import _TestSupport
import Testing

@Suite struct GradientTests {
  /// Central differences in Float with step 1e-3: the objective is accumulated in Double from the
  /// Float inputs, so rounding error is ~1e-16/1e-3, and truncation error h²·ψ''' stays under 1e-4
  /// for the m = 4 Chebyshev polynomial away from its kinks. Tolerance 2e-3 relative.
  let checker = GradientChecker(step: 1e-3, tolerance: 2e-3)
  let labels = [0, 1, 2, 3, 1, 2]

  /// (C, D): a 3-D case, and the 2-D feature layer of the figures.
  static let shapes = [(classes: 4, dimension: 3), (classes: 4, dimension: 2)]

  @Test(arguments: gradientCases)
  func inputAndParameterGradientsMatchFiniteDifferences(headCase: HeadCase) throws {
    for shape in Self.shapes {
      try check(headCase, classCount: shape.classes, featureDimension: shape.dimension)
    }
  }

  private func check(_ headCase: HeadCase, classCount: Int, featureDimension: Int) throws {
    let head = try headCase.makeHead(classCount: classCount, featureDimension: featureDimension)
    let x = featuresAwayFromKinks(head: head, labels: labels, seed: 42)
    let (_, dx, parameterGradients) = lossAndGradients(head, x, labels, iteration: 3)

    let inputFailures = checker.mismatches(label: "\(headCase) dL/dx", at: x, analytic: dx) { probe in
      head.forward(features: probe, labels: labels, iteration: 3)
    }
    #expect(inputFailures.isEmpty, "\(inputFailures)")

    for (parameter, analytic) in zip(head.parameters, parameterGradients) {
      let original = parameter.value
      let failures = checker.mismatches(label: "\(headCase) dL/d\(parameter.name)", at: original, analytic: analytic) {
        probe in
        parameter.value = probe
        defer { parameter.value = original }
        return head.forward(features: x, labels: labels, iteration: 3)
      }
      #expect(failures.isEmpty, "\(failures)")
    }
  }

  @Test(arguments: gradientCases)
  func gradientsAreNonTrivial(headCase: HeadCase) throws {
    // Guards the check above against passing vacuously on all-zero gradients.
    let head = try headCase.makeHead(classCount: 4, featureDimension: 3)
    let x = featuresAwayFromKinks(head: head, labels: labels, seed: 42)
    let (loss, dx, parameterGradients) = lossAndGradients(head, x, labels)
    #expect(loss > 0)
    #expect(dx.scalars.contains { abs($0) > 1e-4 })
    #expect(parameterGradients[0].scalars.contains { abs($0) > 1e-4 })
  }
}
