import Engine
import Foundation
import Losses
import MarginMath
import _TestSupport
import Testing

@Suite struct EvaluationTests {
  let labels = [0, 1, 2, 3, 1, 2]

  @Test func learnedAlphaIsSeenThroughTheExistential() throws {
    var p = LossParameters.defaults(for: .l2Softmax)
    p.learnsAlpha = true
    p.alpha = 3
    let head: any ClassificationHead = try HeadFactory.makeHead(
      kind: .l2Softmax, parameters: p, classCount: 4, featureDimension: 2)
    let alpha = try #require(head.alpha)
    alpha.value = Tensor(shape: [1], scalars: [7.5])
    #expect(head.rule(at: 5).scale == 7.5)
    #expect(head.alphaValue == 7.5)
    // The logits use the learned α as well: ‖α x/‖x‖‖ = α, so W_jᵀ(α x̂) scales with it.
    let x = gaussianFeatures(count: 6, dimension: 2, seed: 11)
    let at75 = head.logits(features: x, labels: nil, iteration: 0).labelFree
    alpha.value = Tensor(shape: [1], scalars: [15])
    let at15 = head.logits(features: x, labels: nil, iteration: 0).labelFree
    for (a, b) in zip(at75, at15) { #expect(abs(b - 2 * a) <= 1e-9 * max(1, abs(b))) }
  }

  @Test func fixedAlphaAndOtherLossesReportTheirAlpha() throws {
    let l2 = try HeadFactory.makeHead(kind: .l2Softmax, classCount: 4, featureDimension: 2)
    #expect(l2.alpha == nil)
    #expect(l2.alphaValue == LossParameters.defaults(for: .l2Softmax).alpha)
    let arc = try HeadFactory.makeHead(kind: .arcFace, classCount: 4, featureDimension: 2)
    #expect(arc.alphaValue == nil)
    #expect(arc.bias == nil)
    var p = LossParameters.defaults(for: .softmax)
    p.usesBias = true
    #expect(
      try HeadFactory.makeHead(kind: .softmax, parameters: p, classCount: 4, featureDimension: 2).bias?.value.shape == [
        4
      ])
  }

  @Test(arguments: [LossKind.arcFace, .aSoftmax, .l2Softmax, .softmax])
  func evaluationLeavesTheTrainingForwardAlone(kind: LossKind) throws {
    let head = try HeadFactory.makeHead(kind: kind, classCount: 4, featureDimension: 2)
    let x = gaussianFeatures(count: 6, dimension: 2, seed: 21, scale: 2)
    let (loss, dx, gradients) = lossAndGradients(head, x, labels, iteration: 7)
    let output = try #require(head.lastOutput)

    head.parameters.forEach { $0.zeroGradient() }
    head.forward(features: x, labels: labels, iteration: 7)
    // Evaluate other data between the forward and its backward.
    let other = gaussianFeatures(count: 9, dimension: 2, seed: 22, scale: 2)
    let otherLabels = [3, 2, 1, 0, 0, 1, 2, 3, 3]
    _ = head.marginRuleAccuracy(features: other, labels: otherLabels, iteration: 500)
    _ = head.accuracy(features: other, labels: otherLabels)
    #expect(head.lastOutput?.loss == loss)
    #expect(head.lastOutput?.rule == output.rule)
    #expect(head.backward() == dx)
    #expect(head.parameters.map(\.gradient) == gradients)
  }

  @Test(arguments: [LossKind.arcFace, .cosFace, .lSoftmax, .softmax])
  func evaluationAgreesWithTheTrainingForward(kind: LossKind) throws {
    let head = try HeadFactory.makeHead(kind: kind, classCount: 4, featureDimension: 2)
    let x = gaussianFeatures(count: 6, dimension: 2, seed: 31, scale: 2)
    head.forward(features: x, labels: labels, iteration: 40)
    let output = try #require(head.lastOutput)
    #expect(head.marginRuleAccuracy(features: x, labels: labels, iteration: 40) == output.marginAccuracy)
    #expect(head.accuracy(features: x, labels: labels) == output.labelFreeAccuracy)
    let z = head.logits(features: x, labels: labels, iteration: 40)
    #expect(z.margin.map(Float.init) == output.marginLogits.scalars)
    #expect(z.labelFree.map(Float.init) == output.labelFreeLogits.scalars)
    #expect(head.inferenceLogits(features: x) == output.labelFreeLogits)
  }

  @Test func batchNormalisationDividesTheWeightedSumByN() throws {
    let weights = [0.5, 2, 1, 0.25]
    func head(_ normalization: WeightNormalization) throws -> any ClassificationHead {
      var p = LossParameters.defaults(for: .weightedSoftmax)
      p.classWeights = weights
      p.normalization = normalization
      return try HeadFactory.makeHead(kind: .weightedSoftmax, parameters: p, classCount: 4, featureDimension: 2)
    }
    let mean = try head(.weightSum)
    let batch = try head(.batch)
    let x = gaussianFeatures(count: 6, dimension: 2, seed: 41, scale: 2)
    let (meanLoss, meanDx, _) = lossAndGradients(mean, x, labels)
    let (batchLoss, batchDx, _) = lossAndGradients(batch, x, labels)
    let ratio = labels.map { weights[$0] }.reduce(0, +) / Double(labels.count)
    #expect(abs(batchLoss - meanLoss * ratio) <= 1e-12 * meanLoss)
    for k in 0..<meanDx.count {
      #expect(abs(Double(batchDx[k]) - Double(meanDx[k]) * ratio) <= 1e-6 * max(1e-3, abs(Double(batchDx[k]))))
    }
    #expect(LossParameters.defaults(for: .weightedSoftmax).normalization == .weightSum)
  }

  @Test func gradientCheckerFailsWhenItChecksNothing() {
    let point = Tensor(shape: [3], scalars: [1, 2, 3])
    let checker = GradientChecker()
    let skippedAll = checker.mismatches(label: "p", at: point, analytic: point, skip: { _ in true }) { _ in 0 }
    #expect(skippedAll.count == 1 && skippedAll[0].checkedNothing)
    #expect(skippedAll[0].description.contains("no coordinate was checked"))
    let empty = Tensor(shape: [0], scalars: [])
    #expect(checker.mismatches(label: "e", at: empty, analytic: empty) { _ in 0 }.first?.checkedNothing == true)
    // ½‖p‖² has gradient p: a real check passes, a wrong gradient fails.
    let half = { (t: Tensor) in t.scalars.reduce(0.0) { $0 + 0.5 * Double($1) * Double($1) } }
    #expect(checker.mismatches(label: "p", at: point, analytic: point, objective: half).isEmpty)
    #expect(
      checker.mismatches(label: "p", at: point, analytic: Tensor(shape: [3], scalars: [1, 2, 4]), objective: half).count
        == 1)
  }
}
