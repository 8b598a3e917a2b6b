import Foundation
import Testing

@testable import MarginMath

@Suite struct LossWarningTests {
  @Test func scaleOfOneWarnsForEveryNormalisedLoss() throws {
    for kind in [LossKind.normFace, .amSoftmax, .cosFace, .arcFace, .combined] {
      var p = LossParameters.defaults(for: kind)
      p.s = 1
      let warnings = try p.validated(for: kind, classCount: 10, featureDimension: 2)
      #expect(warnings.map(\.code) == [.scaleBelowBound], "\(kind.rawValue): \(warnings)")
      #expect(warnings.first?.description.hasPrefix("warning: s = 1 is outside the advised range ≥ 3.955") == true)
    }
  }

  @Test func alphaOfOneWarnsForL2Softmax() throws {
    var p = LossParameters.defaults(for: .l2Softmax)
    p.alpha = 1
    let warnings = try p.validated(for: .l2Softmax, classCount: 10, featureDimension: 2)
    #expect(warnings.map(\.code) == [.alphaBelowBound])
    #expect(warnings.first?.validRange == "≥ 4.277")
    // The bound follows the class count: log(0.9 · 2 / 0.1) = 2.89 for 4 classes.
    #expect(try p.validated(for: .l2Softmax, classCount: 4, featureDimension: 2).first?.validRange == "≥ 2.89")
  }

  @Test func warningsRoundTripThroughJSONForTheRunMetadata() throws {
    var p = LossParameters.defaults(for: .normFace)
    p.s = 1
    let warnings = try p.validated(for: .normFace, classCount: 10, featureDimension: 2)
    let decoded = try JSONDecoder().decode([LossWarning].self, from: try JSONEncoder().encode(warnings))
    #expect(decoded == warnings)
    #expect(String(decoding: try JSONEncoder().encode(warnings[0].code), as: UTF8.self) == #""scale-below-bound""#)
  }

  @Test func marginBoundsUseTheGivenClassCount() throws {
    // 2-D CosFace: m ≤ 1 − cos(2π/C): 0.191 for 10 classes, 1 for 4.
    var cos = LossParameters.defaults(for: .cosFace)
    cos.m = 0.5
    #expect(throws: LossParameterError.self) { try cos.validated(for: .cosFace, classCount: 10, featureDimension: 2) }
    #expect(try cos.validated(for: .cosFace, classCount: 4, featureDimension: 2).isEmpty)
    // 2-D ArcFace: m < 2π/C: 0.628 for 10 classes, 1.571 for 4.
    var arc = LossParameters.defaults(for: .arcFace)
    arc.m = 1
    #expect(throws: LossParameterError.self) { try arc.validated(for: .arcFace, classCount: 10, featureDimension: 2) }
    #expect(try arc.validated(for: .arcFace, classCount: 4, featureDimension: 2).isEmpty)
    // Scale bound for 2 classes: ½ log 9 = 1.099, so s = 1 warns there too.
    var two = LossParameters.defaults(for: .normFace)
    two.s = 1
    #expect(try two.validated(for: .normFace, classCount: 2, featureDimension: 2).map(\.code) == [.scaleBelowBound])
  }
}

@Suite struct LossParametersDecodingTests {
  func decode(_ json: String, over base: LossParameters = LossParameters()) throws -> LossParameters {
    try LossParameters.decoded(fromJSON: Data(json.utf8), over: base)
  }

  func failure(_ json: String) -> (field: String, message: String)? {
    do {
      _ = try decode(json)
      return nil
    } catch let error as DecodingError {
      return LossParameters.describe(error)
    } catch {
      return ("", "\(error)")
    }
  }

  @Test func absentFieldsKeepTheBase() throws {
    let arc = LossParameters.defaults(for: .arcFace)
    let p = try decode(#"{"m": 0.3}"#, over: arc)
    var expected = arc
    expected.m = 0.3
    #expect(p == expected)
    #expect(try decode("{}", over: arc) == arc)
  }

  @Test func experimentSpellingsOfLambdaAndTheRamp() throws {
    #expect(try decode(#"{"lambda": "sphereface"}"#).lambda == .sphereFace)
    #expect(try decode(#"{"lambda": "l-softmax-mnist"}"#).lambda == .lSoftmaxMNIST)
    #expect(
      try decode(#"{"lambda": {"base": 100, "gamma": 0.01, "power": 2}}"#).lambda
        == LambdaSchedule(base: 100, gamma: 0.01, power: 2, minimum: 0))
    let arc = LossParameters.defaults(for: .arcFace)
    #expect(try decode(#"{"marginRampIterations": 500}"#, over: arc).marginRamp == MarginRamp(iterations: 500))
    #expect(try decode(#"{"marginRampIterations": 0}"#, over: arc).marginRamp == nil)
    #expect(try decode(#"{"marginRamp": {"iterations": 300}}"#, over: arc).marginRamp == MarginRamp(iterations: 300))
    #expect(try decode(#"{"marginRamp": null}"#, over: arc).marginRamp == nil)
  }

  @Test func normalisationIsDecodedAndEncoded() throws {
    #expect(try decode(#"{"normalize": "batch"}"#).normalization == .batch)
    #expect(try decode("{}").normalization == .weightSum)
    var p = LossParameters.defaults(for: .weightedSoftmax)
    p.normalization = .batch
    p.classWeights = [1, 2]
    let json = String(decoding: try JSONEncoder().encode(p), as: UTF8.self)
    #expect(json.contains(#""normalize":"batch""#))
    #expect(try JSONDecoder().decode(LossParameters.self, from: Data(json.utf8)) == p)
  }

  @Test func badFieldsNameThemselves() {
    #expect(failure(#"{"m": "two"}"#).map { $0.field == "m" && $0.message.hasPrefix("expected a number") } == true)
    #expect(failure(#"{"mm": 1}"#).map { $0.field == "mm" && $0.message.hasPrefix("unknown field") } == true)
    #expect(
      failure(#"{"lambda": "fast"}"#).map { $0.field == "lambda" && $0.message.contains("unknown preset 'fast'") }
        == true)
    #expect(
      failure(#"{"lambda": {"base": 1, "gamma": 0}}"#).map {
        $0.field == "lambda.power" && $0.message == "missing required field"
      } == true)
    #expect(failure(#"{"lambda": {"base": 1, "gamma": 0, "power": 1, "extra": 2}}"#)?.field == "lambda.extra")
    #expect(failure(#"{"marginRampIterations": -3}"#)?.field == "marginRampIterations")
    #expect(failure(#"{"marginRampIterations": 2.5}"#)?.field == "marginRampIterations")
    #expect(failure(#"{"marginRamp": {"iterations": 3}, "marginRampIterations": 3}"#)?.field == "marginRampIterations")
    #expect(
      failure(#"{"normalize": "mean"}"#).map { $0.field == "normalize" && $0.message.contains("weight-sum or batch") }
        == true)
    #expect(failure(#"{"classWeights": [1, "a"]}"#)?.field == "classWeights")
    #expect(
      failure(#"{"usesBias": 1}"#).map { $0.field == "usesBias" && $0.message.hasPrefix("expected true or false") }
        == true)
  }
}

@Suite struct DecisionRuleTests {
  @Test func predictionsAreRowArgmaxesWithTiesToTheLowerIndex() {
    #expect(DecisionRule.predictions(logits: [1, 3, 2, 5, 5, 0, 0, 0, 1], classCount: 3) == [1, 0, 2])
    #expect(DecisionRule.predict(logits: [2.0, 2.0]) == 0)
  }

  @Test func accuracyIsTheFractionOfMatches() {
    #expect(DecisionRule.accuracy(predictions: [0, 1, 2, 2], labels: [0, 1, 1, 2]) == 0.75)
    #expect(DecisionRule.accuracy(predictions: [], labels: []) == 0)
  }

  @Test func marginAccuracyNeedsAStrictWin() {
    // Row 0: target 0 wins; row 1: target 1 ties with class 0; row 2: target 2 loses.
    let logits: [Double] = [3, 1, 0, 2, 2, 0, 1, 5, 0]
    #expect(abs(DecisionRule.marginAccuracy(marginLogits: logits, labels: [0, 1, 2], classCount: 3) - 1.0 / 3) < 1e-15)
    #expect(DecisionRule.meetsMargin(logits: [3.0, 1, 0], target: 0))
    #expect(!DecisionRule.meetsMargin(logits: [2.0, 2, 0], target: 1))
  }

  @Test func oneLogitFormulaForFeaturesAndForTerms() {
    let x = [0.6, -1.7], w = [1.2, 0.4]
    for kind in LossKind.allCases {
      let rule = MarginRule(kind: kind, parameters: .defaults(for: kind), iteration: 10_000)
      let terms = rule.logitTerms(
        dot: x[0] * w[0] + x[1] * w[1], featureNorm: Norms.guarded(x), weightNorm: Norms.guarded(w), bias: 0.25,
        isTarget: true)
      #expect(terms.value == rule.logit(feature: x, weight: w, bias: 0.25, isTarget: true))
      #expect(terms.labelFree == rule.logit(feature: x, weight: w, bias: 0.25, isTarget: false))
    }
  }

  @Test func clampBandIsOnlyAsWideAsDoubleNeeds() {
    let rule = MarginRule(kind: .arcFace, parameters: .defaults(for: .arcFace), iteration: 10_000)
    // θ = 1e-4 and 1e-5 are outside the band: the slope is ArcFace's, not the clamp's 0.
    for theta in [1e-4, 1e-5, Double.pi - 1e-4] {
      let terms = rule.logitTerms(dot: cos(theta), featureNorm: 1, weightNorm: 1, bias: 0, isTarget: true)
      #expect(terms.slope == rule.targetCosineDerivative(cos(theta)))
      #expect(terms.slope != 0)
    }
    // Exactly parallel: inside the band, the clamped function's derivative 0.
    #expect(rule.logitTerms(dot: 1, featureNorm: 1, weightNorm: 1, bias: 0, isTarget: true).slope == 0)
    #expect(abs(acos(TargetTransform.cosineLimit) - (2e-12).squareRoot()) < 1e-9)
  }
}
