import Engine
import Foundation
import Losses
import MarginMath
import Testing

/// Two heads given the same W: same loss and same gradients on the same batch.
private func expectSameHeads(
  _ a: any ClassificationHead, _ b: any ClassificationHead, features x: Tensor, labels: [Int],
  tolerance: Double = 1e-5, comparesInputGradient: Bool = true, sourceLocation: SourceLocation = #_sourceLocation
) {
  b.weight.value = a.weight.value
  let (lossA, dxA, gradientsA) = lossAndGradients(a, x, labels)
  let (lossB, dxB, gradientsB) = lossAndGradients(b, x, labels)
  #expect(
    abs(lossA - lossB) <= tolerance * max(1, abs(lossA)), "loss \(lossA) vs \(lossB)", sourceLocation: sourceLocation)
  if comparesInputGradient {
    #expect(relativeDifference(dxA, dxB) <= tolerance, "dL/dx differs", sourceLocation: sourceLocation)
  }
  #expect(
    relativeDifference(gradientsA[0], gradientsB[0]) <= tolerance, "dL/dW differs", sourceLocation: sourceLocation)
}

@Suite struct IdentityTests {
  let labels = [0, 1, 2, 3, 4, 0, 2]

  @Test(arguments: [0.0, 0.5, 1000.0])
  func lSoftmaxWithMOneIsSoftmaxWithoutBiasForAnyLambda(lambda: Double) throws {
    var p = LossParameters.defaults(for: .lSoftmax)
    p.m = 1
    p.lambda = LambdaSchedule(base: lambda, gamma: 0, power: 1, minimum: 0)
    let lSoftmax = try HeadFactory.makeHead(kind: .lSoftmax, parameters: p, classCount: 5, featureDimension: 2)
    let softmax = try HeadFactory.makeHead(kind: .softmax, classCount: 5, featureDimension: 2, seed: 9)
    expectSameHeads(
      lSoftmax, softmax, features: gaussianFeatures(count: 7, dimension: 2, seed: 3, scale: 4), labels: labels)
  }

  @Test(arguments: [1.0, 10.0, 30.0])
  func arcFaceAndCosFaceWithZeroMarginAreNormFace(s: Double) throws {
    let heads = try [LossKind.arcFace, .cosFace, .amSoftmax, .normFace].map { kind in
      var p = LossParameters.defaults(for: kind)
      p.m = 0
      p.s = s
      return try HeadFactory.makeHead(kind: kind, parameters: p, classCount: 5, featureDimension: 3)
    }
    let x = gaussianFeatures(count: 7, dimension: 3, seed: 5)
    for head in heads.dropFirst() { expectSameHeads(heads[0], head, features: x, labels: labels) }
  }

  @Test func allOnesClassWeightsAreSoftmax() throws {
    var p = LossParameters.defaults(for: .weightedSoftmax)
    p.classWeights = [1, 1, 1, 1, 1]
    p.usesBias = true
    let weighted = try HeadFactory.makeHead(kind: .weightedSoftmax, parameters: p, classCount: 5, featureDimension: 2)
    var q = LossParameters.defaults(for: .softmax)
    q.usesBias = true
    let softmax = try HeadFactory.makeHead(kind: .softmax, parameters: q, classCount: 5, featureDimension: 2, seed: 4)
    expectSameHeads(
      weighted, softmax, features: gaussianFeatures(count: 7, dimension: 2, seed: 6, scale: 3), labels: labels,
      tolerance: 1e-7)
  }

  @Test func classWeightsScaleEachSamplesShareOfTheLoss() throws {
    // With weights w, L = Σ w_y ℓ_i / Σ w_y: compare with per-sample unweighted losses.
    let weights = [0.5, 2, 1, 0.25, 3]
    var p = LossParameters.defaults(for: .weightedSoftmax)
    p.classWeights = weights
    let weighted = try HeadFactory.makeHead(kind: .weightedSoftmax, parameters: p, classCount: 5, featureDimension: 2)
    let plain = try HeadFactory.makeHead(kind: .softmax, classCount: 5, featureDimension: 2)
    plain.weight.value = weighted.weight.value
    let x = gaussianFeatures(count: 7, dimension: 2, seed: 8, scale: 2)
    var numerator = 0.0, denominator = 0.0
    for i in 0..<7 {
      let row = Tensor(shape: [1, 2], scalars: Array(x.scalars[(2 * i)..<(2 * i + 2)]))
      numerator += weights[labels[i]] * plain.forward(features: row, labels: [labels[i]], iteration: 0)
      denominator += weights[labels[i]]
    }
    #expect(abs(weighted.forward(features: x, labels: labels, iteration: 0) - numerator / denominator) < 1e-9)
  }

  @Test(arguments: [0.1, 0.3])
  func combinedMarginReducesToArcFaceAndCosFace(m: Double) throws {
    func head(_ kind: LossKind, _ change: (inout LossParameters) -> Void) throws -> any ClassificationHead {
      var p = LossParameters.defaults(for: kind)
      p.marginRamp = nil
      p.s = 6
      change(&p)
      return try HeadFactory.makeHead(kind: kind, parameters: p, classCount: 5, featureDimension: 3)
    }
    let x = gaussianFeatures(count: 7, dimension: 3, seed: 12)
    let asArc = try head(.combined) {
      $0.m1 = 1; $0.m2 = m; $0.m3 = 0
    }
    let arc = try head(.arcFace) { $0.m = m }
    // Without insightface's fallback the two agree only while θ_y < π − m.
    #expect(labels.indices.allSatisfy { cosine(x, $0, asArc.weight.value, labels[$0]) > cos(Double.pi - m) })
    expectSameHeads(asArc, arc, features: x, labels: labels)
    let asCos = try head(.combined) {
      $0.m1 = 1; $0.m2 = 0; $0.m3 = m
    }
    let cosFace = try head(.cosFace) { $0.m = m }
    expectSameHeads(asCos, cosFace, features: x, labels: labels)
  }

  @Test(arguments: 2...4)
  func combinedMultiplicativeMarginIsSphereFaceOnFeaturesOfNormS(m: Int) throws {
    // a-softmax logits ‖x‖ψ(θ); with ‖x‖ = s and θ_y ≤ π/m, ψ = cos(mθ) = the combined cos(m1 θ) with m1 = m.
    var p = LossParameters.defaults(for: .combined)
    p.marginRamp = nil
    (p.m1, p.m2, p.m3, p.s) = (Double(m), 0, 0, 3)
    let combined = try HeadFactory.makeHead(kind: .combined, parameters: p, classCount: 5, featureDimension: 3)
    var q = LossParameters.defaults(for: .aSoftmax)
    (q.m, q.lambda) = (Double(m), .disabled)
    let sphere = try HeadFactory.makeHead(kind: .aSoftmax, parameters: q, classCount: 5, featureDimension: 3)
    // Each feature: its own weight direction, turned slightly, at norm 3.
    let w = combined.weight.value
    var scalars: [Float] = []
    for (i, y) in labels.enumerated() {
      let other = (y + 1) % 5
      let mix = 0.1 + 0.05 * Double(i) / Double(m)
      var v = (0..<3).map { Double(w[y * 3 + $0]) + mix * Double(w[other * 3 + $0]) }
      let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      v = v.map { 3 * $0 / norm }
      scalars += v.map(Float.init)
    }
    let x = Tensor(shape: [labels.count, 3], scalars: scalars)
    #expect(labels.indices.allSatisfy { acos(cosine(x, $0, w, labels[$0])) < Double.pi / Double(m) })
    // Same loss and dL/dW; dL/dx differs by design along x: A-Softmax's ‖x‖ is a variable, the
    // combined margin normalises x, so only A-Softmax has a radial gradient.
    expectSameHeads(combined, sphere, features: x, labels: labels, tolerance: 1e-4, comparesInputGradient: false)
  }

  @Test func modifiedSoftmaxIsASoftmaxWithMOne() throws {
    var p = LossParameters.defaults(for: .aSoftmax)
    p.m = 1
    let sphere = try HeadFactory.makeHead(kind: .aSoftmax, parameters: p, classCount: 5, featureDimension: 2)
    let modified = try HeadFactory.makeHead(kind: .modifiedSoftmax, classCount: 5, featureDimension: 2, seed: 77)
    expectSameHeads(
      sphere, modified, features: gaussianFeatures(count: 7, dimension: 2, seed: 13, scale: 5), labels: labels)
  }

  @Test func l2SoftmaxIsSoftmaxOnFeaturesRescaledToAlpha() throws {
    let l2 = try HeadFactory.makeHead(kind: .l2Softmax, classCount: 5, featureDimension: 2)
    let softmax = try HeadFactory.makeHead(kind: .softmax, classCount: 5, featureDimension: 2)
    softmax.weight.value = l2.weight.value
    let x = gaussianFeatures(count: 7, dimension: 2, seed: 14, scale: 5)
    var rescaled = x
    for i in 0..<7 {
      let norm = (x[2 * i] * x[2 * i] + x[2 * i + 1] * x[2 * i + 1]).squareRoot()
      for k in 0..<2 { rescaled[2 * i + k] = Float(l2.configuration.alpha) * x[2 * i + k] / norm }
    }
    let a = l2.forward(features: x, labels: labels, iteration: 0)
    let b = softmax.forward(features: rescaled, labels: labels, iteration: 0)
    #expect(abs(a - b) < 1e-5 * max(1, a))
  }

  @Test(arguments: gradientCases)
  func headLogitsMatchTheMarginMathReference(headCase: HeadCase) throws {
    // The renderer draws sectors from MarginRule; the heads must compute the very same logits.
    let labels = [0, 1, 2, 3, 1, 0, 2]
    let head = try headCase.makeHead(classCount: 4, featureDimension: 3)
    let x = gaussianFeatures(count: 7, dimension: 3, seed: 21, scale: 2)
    head.forward(features: x, labels: labels, iteration: 5)
    let output = try #require(head.lastOutput)
    let rule = head.rule(at: 5)
    let weights = (0..<4).map { j in (0..<3).map { Double(head.weight.value[j * 3 + $0]) } }
    let biases = head.parameters.first { $0.name.hasSuffix(".bias") }.map { b in (0..<4).map { Double(b.value[$0]) } }
    for i in 0..<7 {
      let feature = (0..<3).map { Double(x[i * 3 + $0]) }
      let margin = rule.marginLogits(feature: feature, weights: weights, biases: biases, target: labels[i])
      let free = rule.labelFreeLogits(feature: feature, weights: weights, biases: biases)
      for j in 0..<4 {
        #expect(abs(Double(output.marginLogits[i * 4 + j]) - margin[j]) < 1e-5 * max(1, abs(margin[j])))
        #expect(abs(Double(output.labelFreeLogits[i * 4 + j]) - free[j]) < 1e-5 * max(1, abs(free[j])))
      }
    }
  }
}
