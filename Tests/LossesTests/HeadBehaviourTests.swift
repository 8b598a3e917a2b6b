import Engine
import Foundation
import Losses
import MarginMath
import Testing

@Suite struct NumericSafetyTests {
  @Test(arguments: gradientCases)
  func zeroFeaturesAndZeroWeightRowsStayFinite(headCase: HeadCase) throws {
    let head = try headCase.makeHead(classCount: 4, featureDimension: 2)
    for j in 0..<2 { head.weight.value[2 * 1 + j] = 0 }  // class 1 has a zero weight row
    var x = gaussianFeatures(count: 4, dimension: 2, seed: 2)
    for j in 0..<2 { x[j] = 0 }  // sample 0 is a zero feature
    for j in 0..<2 { x[2 * 2 + j] = head.weight.value[2 * 2 + j] }  // sample 2 lies exactly on its class's weight (cos θ = 1)
    let (loss, dx, gradients) = lossAndGradients(head, x, [0, 1, 2, 3])
    #expect(loss.isFinite)
    #expect(dx.isFinite)
    #expect(gradients.allSatisfy { $0.isFinite })
    #expect(head.inferenceLogits(features: x).isFinite)
    let zeroBatch = Tensor(zeros: [3, 2])
    #expect(head.forward(features: zeroBatch, labels: [0, 1, 2], iteration: 0).isFinite)
    #expect(head.backward().isFinite)
  }

  @Test(arguments: [LossKind.softmax, .cosFace, .lSoftmax])
  func hugeLogitsDoNotOverflow(kind: LossKind) throws {
    let head = try HeadFactory.makeHead(kind: kind, classCount: 3, featureDimension: 2)
    let x = gaussianFeatures(count: 3, dimension: 2, seed: 5, scale: 1e18)
    let (loss, dx, gradients) = lossAndGradients(head, x, [0, 1, 2])
    #expect(loss.isFinite)
    #expect(dx.isFinite && gradients.allSatisfy { $0.isFinite })
  }

  @Test func anEmptyBatchHasZeroLoss() throws {
    let head = try HeadFactory.makeHead(kind: .arcFace, classCount: 3, featureDimension: 2)
    #expect(head.forward(features: Tensor(zeros: [0, 2]), labels: [], iteration: 0) == 0)
    #expect(head.backward().shape == [0, 2])
  }
}

@Suite struct InferenceTests {
  @Test(arguments: LossKind.allCases)
  func labelFreeLogitsIgnoreLabelsAndIteration(kind: LossKind) throws {
    let head = try HeadFactory.makeHead(kind: kind, classCount: 4, featureDimension: 2)
    let x = gaussianFeatures(count: 6, dimension: 2, seed: 31, scale: 3)
    let before = head.inferenceLogits(features: x)
    head.forward(features: x, labels: [0, 1, 2, 3, 0, 1], iteration: 7)
    let output = try #require(head.lastOutput)
    #expect(relativeDifference(output.labelFreeLogits, before) < 1e-6)
    head.forward(features: x, labels: [3, 3, 0, 0, 2, 2], iteration: 90_000)
    #expect(relativeDifference(try #require(head.lastOutput).labelFreeLogits, before) < 1e-6)
    #expect(relativeDifference(head.inferenceLogits(features: x), before) == 0)
    let predictions = head.predict(features: x)
    for i in 0..<6 {
      #expect(predictions[i] == DecisionRule.predict(logits: (0..<4).map { Double(before[i * 4 + $0]) }))
    }
  }

  @Test(arguments: [LossKind.lSoftmax, .aSoftmax, .amSoftmax, .cosFace, .arcFace])
  func marginRuleAccuracyNeverExceedsLabelFreeAccuracy(kind: LossKind) throws {
    // ψ(c) ≤ c for these margins, so meeting the margin rule implies a correct label-free decision.
    var p = LossParameters.defaults(for: kind)
    p.lambda = .disabled
    p.marginRamp = nil
    let head = try HeadFactory.makeHead(kind: kind, parameters: p, classCount: 4, featureDimension: 2)
    let x = gaussianFeatures(count: 200, dimension: 2, seed: 8, scale: 2)
    let labels = (0..<200).map { i in
      head.predict(features: Tensor(shape: [1, 2], scalars: [x[2 * i], x[2 * i + 1]]))[0]
    }
    head.forward(features: x, labels: labels, iteration: 0)
    let output = try #require(head.lastOutput)
    #expect(output.labelFreeAccuracy == 1)
    #expect(output.marginAccuracy < 1)
    #expect(abs(head.accuracy(features: x, labels: labels) - 1) < 1e-12)
  }

  @Test func lambdaAndMarginAreReadAtAnIteration() throws {
    let lSoftmax = try HeadFactory.makeHead(kind: .lSoftmax, classCount: 10, featureDimension: 2)
    #expect(lSoftmax.lambda(at: 1000) == LambdaSchedule.lSoftmaxMNIST.value(at: 1000))
    #expect(lSoftmax.margin(at: 1000) == 4)
    let sphere = try HeadFactory.makeHead(kind: .aSoftmax, classCount: 10, featureDimension: 2)
    #expect(sphere.lambda(at: 100_000) == 5)
    let arc = try HeadFactory.makeHead(kind: .arcFace, classCount: 10, featureDimension: 2)
    let defaults = LossParameters.defaults(for: .arcFace)
    let rampLength = try #require(defaults.marginRamp).iterations
    #expect(arc.margin(at: 0) == 0)
    #expect(abs(arc.margin(at: rampLength / 2) - defaults.m / 2) < 1e-12)
    #expect(arc.margin(at: rampLength * 3) == defaults.m)
    #expect(arc.lambda(at: 0) == 0)
    let x = gaussianFeatures(count: 2, dimension: 2, seed: 1)
    arc.forward(features: x, labels: [0, 1], iteration: rampLength / 4)
    #expect(try #require(arc.lastOutput).rule == arc.rule(at: rampLength / 4))
  }
}

@Suite struct FactoryTests {
  @Test(arguments: LossKind.allCases)
  func everyKindBuildsWithItsDefaultsAndOwnsItsParameters(kind: LossKind) throws {
    let head = try HeadFactory.makeHead(kind: kind, classCount: 10, featureDimension: 2, seed: 3)
    #expect(head.kind == kind)
    #expect(head.weight.value.shape == [10, 2])
    #expect(head.parameters.first === head.weight)
    #expect(head.warnings.isEmpty)
    let again = try HeadFactory.makeHead(kind: kind, classCount: 10, featureDimension: 2, seed: 3)
    #expect(again.weight.value == head.weight.value)
    let other = try HeadFactory.makeHead(kind: kind, classCount: 10, featureDimension: 2, seed: 4)
    #expect(other.weight.value != head.weight.value)
  }

  @Test func infeasibleCosFaceMarginIsRejectedNamingTheParameter() {
    var p = LossParameters.defaults(for: .cosFace)
    p.m = 0.35
    do {
      _ = try HeadFactory.makeHead(kind: .cosFace, parameters: p, classCount: 10, featureDimension: 2)
      Issue.record("m = 0.35 with 10 classes in 2-D must be rejected")
    } catch let error as LossParameterError {
      #expect(error.issues.contains { $0.parameter == "m" && $0.value == "0.35" && $0.severity == .error })
      #expect(error.description.contains("0...0.191"))
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  @Test func advisoryProblemsBuildTheHeadWithWarnings() throws {
    var p = LossParameters.defaults(for: .normFace)
    p.s = 2
    let head = try HeadFactory.makeHead(kind: .normFace, parameters: p, classCount: 10, featureDimension: 2)
    #expect(head.warnings.map(\.parameter) == ["s"])
  }

  @Test func optionalParametersAppearOnlyWhenRequested() throws {
    var p = LossParameters.defaults(for: .l2Softmax)
    p.learnsAlpha = true
    p.usesBias = true
    let head = try HeadFactory.makeHead(
      kind: .l2Softmax, parameters: p, classCount: 3, featureDimension: 2, name: "loss")
    #expect(head.parameters.map(\.name) == ["loss.weight", "loss.bias", "loss.alpha"])
    #expect(head.parameters.dropFirst().allSatisfy { $0.weightDecayMultiplier == 0 })
    #expect(try HeadFactory.makeHead(kind: .softmax, classCount: 3, featureDimension: 2).parameters.count == 1)
  }
}
