import Engine
import Foundation
import Losses
import MarginMath
import Testing

/// Synthetic Gaussian clusters in `inputDimension` dimensions, one per class.
struct Clusters {
  let inputDimension: Int
  let classCount: Int
  let means: [[Float]]

  init(classCount: Int, inputDimension: Int, seed: UInt64) {
    var generator = SeededGenerator(seed: seed)
    self.classCount = classCount
    self.inputDimension = inputDimension
    means = (0..<classCount).map { _ in (0..<inputDimension).map { _ in 3 * generator.nextNormal() } }
  }

  /// `count` samples; class c is drawn with probability proportional to `classShares[c]`.
  func sample(count: Int, classShares: [Double]? = nil, seed: UInt64) -> (inputs: [[Float]], labels: [Int]) {
    var generator = SeededGenerator(seed: seed)
    let shares = classShares ?? [Double](repeating: 1, count: classCount)
    let total = shares.reduce(0, +)
    var inputs: [[Float]] = []
    var labels: [Int] = []
    for _ in 0..<count {
      var u = Double(generator.nextUniform()) * total
      var c = 0
      while c < classCount - 1 && u >= shares[c] { u -= shares[c]; c += 1 }
      labels.append(c)
      inputs.append(means[c].map { $0 + 0.5 * generator.nextNormal() })
    }
    return (inputs, labels)
  }
}

/// A bias-free linear map from inputs to the D-dimensional feature, with its own matmul loops.
final class LinearFeatureMap {
  let weight: Parameter  // D × inputDimension
  let inputDimension: Int
  let featureDimension: Int
  private var lastInputs: [[Float]] = []

  init(inputDimension: Int, featureDimension: Int, seed: UInt64) {
    var generator = SeededGenerator(seed: seed)
    let std = (1 / Float(inputDimension)).squareRoot()
    weight = Parameter(
      name: "map.weight",
      value: Tensor(
        shape: [featureDimension, inputDimension],
        scalars: (0..<(featureDimension * inputDimension)).map { _ in std * generator.nextNormal() }))
    self.inputDimension = inputDimension
    self.featureDimension = featureDimension
  }

  func forward(_ inputs: [[Float]]) -> Tensor {
    lastInputs = inputs
    var out = [Float](repeating: 0, count: inputs.count * featureDimension)
    for (i, input) in inputs.enumerated() {
      for f in 0..<featureDimension {
        var sum: Float = 0
        for k in 0..<inputDimension { sum += weight.value[f * inputDimension + k] * input[k] }
        out[i * featureDimension + f] = sum
      }
    }
    return Tensor(shape: [inputs.count, featureDimension], scalars: out)
  }

  /// Accumulates dL/dP = Σ_i g_i inputᵢᵀ.
  func backward(_ gradient: Tensor) {
    for (i, input) in lastInputs.enumerated() {
      for f in 0..<featureDimension {
        let g = gradient[i * featureDimension + f]
        for k in 0..<inputDimension { weight.gradient.scalars[f * inputDimension + k] += g * input[k] }
      }
    }
  }
}

/// Plain SGD with momentum, the update Caffe uses: v ← μv − lr·g, θ ← θ + v.
final class MomentumSGD {
  let learningRate: Float
  let momentum: Float
  private var velocities: [ObjectIdentifier: [Float]] = [:]

  init(learningRate: Float, momentum: Float = 0.9) {
    self.learningRate = learningRate
    self.momentum = momentum
  }

  func step(_ parameters: [Parameter]) {
    for p in parameters {
      var v = velocities[ObjectIdentifier(p)] ?? [Float](repeating: 0, count: p.value.count)
      for k in 0..<p.value.count {
        v[k] = momentum * v[k] - learningRate * p.gradient[k]
        p.value.scalars[k] += v[k]
      }
      velocities[ObjectIdentifier(p)] = v
      p.zeroGradient()
    }
  }
}

struct SmokeCase: Sendable, CustomStringConvertible {
  let kind: LossKind
  let classCount: Int
  let learningRate: Float
  let note: String
  var lambda: LambdaSchedule?
  var description: String { "\(kind.rawValue) C=\(classCount)" + (note.isEmpty ? "" : " \(note)") }
}

let smokeCases: [SmokeCase] =
  [6, 10].flatMap { classes in
    LossKind.allCases.map { kind in
      // Raw-feature losses see logits that grow with ‖x‖, so they take a smaller step.
      SmokeCase(kind: kind, classCount: classes, learningRate: kind.featureScaling == .norm ? 0.01 : 0.05, note: "")
    }
  } + [
    // The full multiplicative margin from the first step (the L-Softmax README: MNIST needs no λ).
    SmokeCase(kind: .lSoftmax, classCount: 6, learningRate: 0.01, note: "m=4 λ=0", lambda: .disabled),
    SmokeCase(kind: .aSoftmax, classCount: 6, learningRate: 0.01, note: "m=4 λ=0", lambda: .disabled),
  ]

@Suite struct SmokeTrainingTests {
  /// Every loss, with its 2-D defaults (an ArcFace/combined ramp shortened to 200 of the 1500 steps), trains a
  /// linear 12 → 2 map on Gaussian clusters: the loss must fall below half its initial value, never be
  /// NaN, and the label-free test accuracy must exceed 90 %.
  @Test(arguments: smokeCases)
  func lossFallsAndLabelFreeAccuracyIsHigh(smoke: SmokeCase) throws {
    let c = smoke.classCount
    let clusters = Clusters(classCount: c, inputDimension: 12, seed: 100 + UInt64(c))
    let imbalanced = smoke.kind == .weightedSoftmax
    let shares = imbalanced ? (0..<c).map { Double($0 + 1) * Double($0 + 1) } : nil
    let train = clusters.sample(count: 2048, classShares: shares, seed: 1)
    let test = clusters.sample(count: 600, seed: 2)

    var parameters = LossParameters.defaults(for: smoke.kind)
    if parameters.marginRamp != nil { parameters.marginRamp = MarginRamp(iterations: 200) }
    if let lambda = smoke.lambda { parameters.lambda = lambda }
    if imbalanced {
      parameters.classWeights = ClassWeights.balanced(
        counts: (0..<c).map { k in train.labels.filter { $0 == k }.count })
    }
    let head = try HeadFactory.makeHead(
      kind: smoke.kind, parameters: parameters, classCount: c, featureDimension: 2, seed: 7)
    let map = LinearFeatureMap(inputDimension: 12, featureDimension: 2, seed: 11)
    let optimiser = MomentumSGD(learningRate: smoke.learningRate)
    let trainable = [map.weight] + head.parameters

    let batch = 32
    let steps = 1500
    var losses: [Double] = []
    for step in 0..<steps {
      let start = (step * batch) % train.labels.count
      let inputs = Array(train.inputs[start..<(start + batch)])
      let labels = Array(train.labels[start..<(start + batch)])
      let loss = head.forward(features: map.forward(inputs), labels: labels, iteration: step + 1)
      try #require(loss.isFinite, "loss is \(loss) at step \(step)")
      map.backward(head.backward())
      optimiser.step(trainable)
      losses.append(loss)
    }
    let initial = losses.prefix(5).reduce(0, +) / 5
    let final = losses.suffix(20).reduce(0, +) / 20
    let accuracy = head.accuracy(features: map.forward(test.inputs), labels: test.labels)
    head.forward(features: map.forward(test.inputs), labels: test.labels, iteration: steps)
    let marginAccuracy = try #require(head.lastOutput).marginAccuracy
    print(
      String(
        format:
          "smoke %@: loss %.3f -> %.3f, label-free test accuracy %.3f, margin-rule accuracy %.3f, lambda %.2f, m %.3f",
        smoke.description, initial, final, accuracy, marginAccuracy, head.lambda(at: steps), head.margin(at: steps)))
    #expect(final < 0.5 * initial, "loss \(initial) -> \(final)")
    #expect(accuracy > 0.9, "label-free accuracy \(accuracy)")
  }
}
