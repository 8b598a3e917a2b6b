import Foundation
import Testing
@testable import MarginMath

/// θ samples on [0, π] that avoid the endpoints' clamp band.
private let angles = (1..<720).map { Double($0) * Double.pi / 720 }

@Suite struct ChebyshevTests {
  @Test(arguments: 0...6)
  func polynomialEqualsCosineOfMultipleAngle(order m: Int) {
    for theta in angles {
      #expect(abs(Chebyshev.value(order: m, at: cos(theta)) - cos(Double(m) * theta)) < 1e-12)
    }
  }

  @Test(arguments: 0...6)
  func derivativeMatchesCentralDifferences(order m: Int) {
    let h = 1e-6
    for c in stride(from: -0.99, through: 0.99, by: 0.01) {
      let numeric = (Chebyshev.value(order: m, at: c + h) - Chebyshev.value(order: m, at: c - h)) / (2 * h)
      #expect(abs(Chebyshev.derivative(order: m, at: c) - numeric) < 1e-6 * max(1, abs(numeric)))
    }
  }
}

@Suite struct LargeMarginPsiTests {
  @Test(arguments: 1...4)
  func psiIsDecreasingWithEndpointsOneAndOneMinusTwoM(m: Int) {
    let psi = TargetTransform.largeMargin(m: m)
    // ψ(0) = 1 and ψ(π) = (−1)^(m−1) cos(mπ) − 2(m − 1) = 1 − 2m; the clamp moves c by 1e-12, so ψ by < m²·1e-12 · 2.
    #expect(abs(psi.value(angle: 0) - 1) < 1e-10)
    #expect(abs(psi.value(angle: Double.pi) - Double(1 - 2 * m)) < 1e-10)
    let k = m - 1
    let atPi = (k % 2 == 0 ? 1.0 : -1.0) * cos(Double(m) * Double.pi) - 2 * Double(k)
    #expect(abs(atPi - Double(1 - 2 * m)) < 1e-12)
    var previous = psi.value(angle: 0)
    for theta in angles + [Double.pi] {
      let value = psi.value(angle: theta)
      #expect(value < previous, "ψ not decreasing at θ = \(theta) for m = \(m)")
      previous = value
    }
  }

  @Test(arguments: 1...4)
  func psiMatchesItsPiecewiseDefinition(m: Int) {
    let psi = TargetTransform.largeMargin(m: m)
    for theta in angles {
      let k = min(m - 1, Int(theta * Double(m) / Double.pi))
      let expected = (k % 2 == 0 ? 1.0 : -1.0) * cos(Double(m) * theta) - 2 * Double(k)
      #expect(abs(psi.value(angle: theta) - expected) < 1e-9)
    }
  }

  @Test(arguments: 1...4)
  func psiIsContinuousAtItsKinks(m: Int) {
    let psi = TargetTransform.largeMargin(m: m)
    for c in psi.kinkCosines {
      #expect(abs(psi.value(cosine: c + 1e-9) - psi.value(cosine: c - 1e-9)) < 1e-6)
    }
  }

  @Test func mOneIsTheIdentity() {
    for theta in angles {
      #expect(abs(TargetTransform.largeMargin(m: 1).value(angle: theta) - cos(theta)) < 1e-12)
    }
  }
}

/// Every transform with margins that exercise each branch.
let sampleTransforms: [TargetTransform] = [
  .identity, .largeMargin(m: 2), .largeMargin(m: 3), .largeMargin(m: 4),
  .additiveCosine(m: 0.35), .additiveAngular(m: 0.5, easyMargin: false), .additiveAngular(m: 0.5, easyMargin: true),
  .combined(m1: 1.35, m2: 0, m3: 0), .combined(m1: 0.9, m2: 0.4, m3: 0.15),
]

extension TargetTransform: CustomTestStringConvertible {
  public var testDescription: String { "\(self)" }
}

@Suite struct TransformDerivativeTests {
  @Test(arguments: sampleTransforms)
  func derivativeMatchesCentralDifferencesAwayFromKinks(transform: TargetTransform) {
    let h = 1e-6
    for c in stride(from: -0.995, through: 0.995, by: 0.005)
    where transform.kinkCosines.allSatisfy({ abs($0 - c) > 1e-4 }) {
      let numeric = (transform.value(cosine: c + h) - transform.value(cosine: c - h)) / (2 * h)
      let analytic = transform.derivative(cosine: c)
      #expect(abs(analytic - numeric) < 1e-5 * max(1, abs(numeric)), "dψ/dc at \(c): \(analytic) vs \(numeric)")
    }
  }

  @Test(arguments: [
    TargetTransform.additiveAngular(m: 0.5, easyMargin: false), .additiveAngular(m: 1.2, easyMargin: false),
    .additiveCosine(m: 0.2), .combined(m1: 1, m2: 0.3, m3: 0.1), .combined(m1: 1.35, m2: 0, m3: 0),
  ])
  func additiveMarginsNeverIncreaseWithTheAngle(transform: TargetTransform) {
    // The combined margin, like insightface's loss_type 5, has no fallback: it decreases only while m1 θ + m2 ≤ π.
    var limit = Double.pi
    if case .combined(let m1, let m2, _) = transform { limit = (Double.pi - m2) / m1 }
    var previous = transform.value(angle: 0)
    for theta in angles where theta <= limit {
      let value = transform.value(angle: theta)
      #expect(value <= previous + 1e-12, "ψ increases at θ = \(theta)")
      previous = value
    }
  }

  @Test func easyMarginJumpsBackToThePlainCosineAtNinetyDegrees() {
    let easy = TargetTransform.additiveAngular(m: 0.5, easyMargin: true)
    #expect(abs(easy.value(cosine: 1e-6) - (-sin(0.5))) < 1e-5)
    #expect(abs(easy.value(cosine: -1e-6) - -1e-6) < 1e-12)
  }

  @Test func valuesAreFiniteAtTheExtremeCosines() {
    for transform in sampleTransforms {
      for c in [-1.0, 1.0, -1.5, 1.5, Double.nan] {
        #expect(transform.value(cosine: c).isFinite)
        #expect(transform.derivative(cosine: c).isFinite)
      }
    }
  }
}

@Suite struct MarginIdentityTests {
  @Test(arguments: [0.1, 0.35, 0.5])
  func arcFaceFollowsCosOfThetaPlusMThenInsightfaceFallback(m: Double) {
    let arc = TargetTransform.additiveAngular(m: m, easyMargin: false)
    for theta in angles {
      let expected = theta < Double.pi - m ? cos(theta + m) : cos(theta) - m * sin(m)
      #expect(abs(arc.value(angle: theta) - expected) < 1e-9)
    }
    let easy = TargetTransform.additiveAngular(m: m, easyMargin: true)
    for theta in angles {
      #expect(abs(easy.value(angle: theta) - (cos(theta) > 0 ? cos(theta + m) : cos(theta))) < 1e-9)
    }
  }

  @Test func zeroMarginsAreTheIdentity() {
    let zero: [TargetTransform] = [
      .additiveCosine(m: 0), .additiveAngular(m: 0, easyMargin: false), .additiveAngular(m: 0, easyMargin: true),
      .combined(m1: 1, m2: 0, m3: 0), .largeMargin(m: 1),
    ]
    for transform in zero {
      for theta in angles {
        #expect(abs(transform.value(angle: theta) - cos(theta)) < 1e-9)
        #expect(abs(transform.derivative(cosine: cos(theta)) - 1) < 1e-6)
      }
    }
  }

  @Test(arguments: [0.1, 0.3, 0.5])
  func combinedReducesToArcFaceAndCosFace(m: Double) {
    for theta in angles {
      if theta < Double.pi - m {
        #expect(
          abs(
            TargetTransform.combined(m1: 1, m2: m, m3: 0).value(angle: theta)
              - TargetTransform.additiveAngular(m: m, easyMargin: false).value(angle: theta)) < 1e-9)
      }
      #expect(
        abs(
          TargetTransform.combined(m1: 1, m2: 0, m3: m).value(angle: theta)
            - TargetTransform.additiveCosine(m: m).value(angle: theta)) < 1e-9)
    }
  }

  @Test(arguments: 2...4)
  func combinedWithMultiplicativeMarginOnlyIsSphereFaceOnItsFirstBranch(m: Int) {
    for theta in angles where theta <= Double.pi / Double(m) {
      #expect(
        abs(
          TargetTransform.combined(m1: Double(m), m2: 0, m3: 0).value(angle: theta)
            - TargetTransform.largeMargin(m: m).value(angle: theta)) < 1e-9)
    }
  }

  @Test func lambdaBlendsTowardsPlainCosine() {
    let rule = MarginRule(kind: .aSoftmax, lambda: 5, transform: .largeMargin(m: 4), scale: 1)
    for theta in angles {
      let expected = (TargetTransform.largeMargin(m: 4).value(angle: theta) + 5 * cos(theta)) / 6
      #expect(abs(rule.targetCurve(angle: theta) - expected) < 1e-9)
    }
  }
}
