import Foundation
import Testing
@testable import MarginMath

@Suite struct ScheduleTests {
  @Test(arguments: [LambdaSchedule.lSoftmaxMNIST, .sphereFace])
  func lambdaFollowsTheOfficialFormulaAndDecays(schedule: LambdaSchedule) {
    var previous = Double.infinity
    for iteration in stride(from: 0, through: 40_000, by: 250) {
      let value = schedule.value(at: iteration)
      let formula = max(schedule.minimum, schedule.base * pow(1 + schedule.gamma * Double(iteration), -schedule.power))
      #expect(abs(value - formula) <= 1e-12 * max(1, formula))
      #expect(value <= previous)
      #expect(value >= schedule.minimum)
      previous = value
    }
    #expect(schedule.value(at: 0) == schedule.base)
  }

  @Test func publishedLambdaValuesAreReproduced() {
    // The λ values docs/references/papers.md quotes for the official L-Softmax and SphereFace schedules.
    #expect(abs(LambdaSchedule.lSoftmaxMNIST.value(at: 1000) - 421) < 1)
    #expect(abs(LambdaSchedule.lSoftmaxMNIST.value(at: 5000) - 16.2) < 0.1)
    #expect(abs(LambdaSchedule.sphereFace.value(at: 100) - 76.9) < 0.1)
    #expect(LambdaSchedule.sphereFace.value(at: 5000) == 5)
  }

  @Test func baseZeroDisablesTheBlend() {
    let schedule = LambdaSchedule(base: 0, gamma: 2.5e-5, power: 35, minimum: 0)
    #expect((0..<100).allSatisfy { schedule.value(at: $0 * 97) == 0 })
    #expect(LambdaSchedule.disabled.value(at: 0) == 0)
  }

  @Test func marginRampIsLinearFromZero() {
    let ramp = MarginRamp(iterations: 400)
    #expect(ramp.fraction(at: 0) == 0)
    #expect(ramp.fraction(at: 100) == 0.25)
    #expect(ramp.fraction(at: 400) == 1)
    #expect(ramp.fraction(at: 10_000) == 1)
    #expect(MarginRamp(iterations: 0).fraction(at: 0) == 1)
    var p = LossParameters.defaults(for: .arcFace)
    p.marginRamp = ramp
    #expect(
      MarginRule(kind: .arcFace, parameters: p, iteration: 200).transform
        == .additiveAngular(m: p.m / 2, easyMargin: false))
  }
}

@Suite struct FeasibilityTests {
  @Test(arguments: [4, 8, 10])
  func cosFaceBoundIn2DIsOneMinusCosineOfNeighbourAngle(classes: Int) {
    let (bound, isHard) = Feasibility.cosFaceMaximumMargin(classCount: classes, featureDimension: 2)
    #expect(isHard)
    // Two neighbours 2π/C apart: the feature on the bisector has cos θ1 = cos θ2; the margin can
    // only be met if cos 0 − m ≥ cos(2π/C), the feature sitting on its own weight.
    #expect(abs(bound - (1 - cos(2 * Double.pi / Double(classes)))) < 1e-15)
  }

  @Test func tenClassNumbersMatchPapersSectionNine() {
    #expect(abs(Feasibility.cosFaceMaximumMargin(classCount: 10, featureDimension: 2).bound - 0.191) < 5e-4)
    #expect(abs(Feasibility.arcFaceMaximumMargin2D(classCount: 10) - 0.628) < 5e-4)
    #expect(abs(Feasibility.l2SoftmaxAlphaLowerBound(classCount: 10, probability: 0.9) - 4.28) < 5e-3)
    // log(792) = 6.6746: between the 6.67 of docs/references/papers.md and the 6.68 some summaries print.
    #expect(abs(Feasibility.l2SoftmaxAlphaLowerBound(classCount: 10, probability: 0.99) - 6.675) < 5e-3)
    #expect(abs(Feasibility.scaleLowerBound(classCount: 10, probability: 0.9) - 3.96) < 5e-3)
  }

  @Test func l2SoftmaxBoundMakesTheTargetProbabilityExactlyP() {
    // The bound solves p = e^α / (e^α + C − 2): the target logit α against C − 2 logits at 0.
    for classes in [4, 10, 100] {
      let p = 0.95
      let alpha = Feasibility.l2SoftmaxAlphaLowerBound(classCount: classes, probability: p)
      #expect(abs(exp(alpha) / (exp(alpha) + Double(classes - 2)) - p) < 1e-12)
    }
  }
}

@Suite struct TargetCurveTests {
  @Test func figureCurvesSampleTheirRules() {
    for curve in TargetCurve.amSoftmaxFigure + TargetCurve.arcFaceFigure {
      let points = curve.samples(fromDegrees: 20, toDegrees: 100, stepDegrees: 0.5)
      #expect(points.count == 161)
      #expect(points.first?.x == 20 && points.last?.x == 100)
      for p in points { #expect(abs(p.y - curve.rule.targetCurve(angle: p.x * Double.pi / 180)) < 1e-12) }
    }
    // Every margin curve lies at or below the plain cosine on [20°, 100°] (ArcFace Fig. 4's observation).
    for curve in TargetCurve.arcFaceFigure.dropFirst() {
      #expect(curve.samples(fromDegrees: 20, toDegrees: 100).allSatisfy { $0.y <= cos($0.x * Double.pi / 180) + 1e-12 })
    }
  }

  @Test func partialJSONTakesDefaults() throws {
    let p = try JSONDecoder().decode(LossParameters.self, from: Data(#"{"m": 0.2, "s": 12}"#.utf8))
    #expect(p.m == 0.2 && p.s == 12)
    #expect(p.lambda == LossParameters().lambda && p.classWeights == nil && !p.usesBias)
  }
}
