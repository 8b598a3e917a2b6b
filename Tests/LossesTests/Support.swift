import Engine
import Foundation
import Losses
import MarginMath

/// One head configuration under test.
struct HeadCase: Sendable, CustomStringConvertible {
  let kind: LossKind
  let parameters: LossParameters
  let label: String

  init(_ kind: LossKind, _ label: String = "", _ change: (inout LossParameters) -> Void = { _ in }) {
    var p = LossParameters.defaults(for: kind)
    p.marginRamp = nil
    change(&p)
    self.kind = kind
    parameters = p
    self.label = label
  }

  var description: String { label.isEmpty ? kind.rawValue : "\(kind.rawValue) \(label)" }

  func makeHead(classCount: Int, featureDimension: Int, seed: UInt64 = 1701) throws -> any ClassificationHead {
    try HeadFactory.makeHead(
      kind: kind, parameters: parameters, classCount: classCount, featureDimension: featureDimension, seed: seed)
  }
}

/// Every loss, every margin: the grid the gradient checks and identities run over.
let gradientCases: [HeadCase] = {
  var cases: [HeadCase] = [
    HeadCase(.softmax),
    HeadCase(.softmax, "bias") { $0.usesBias = true },
    HeadCase(.weightedSoftmax, "weights") { $0.classWeights = [0.5, 2, 1, 0.25] },
    HeadCase(.weightedSoftmax, "weights+bias") {
      $0.classWeights = [1, 3, 0.2, 1]; $0.usesBias = true
    },
    HeadCase(.weightedSoftmax, "weights /batch") {
      $0.classWeights = [0.5, 2, 1, 0.25]; $0.normalization = .batch
    },
    HeadCase(.cosFace, "weights /batch") {
      $0.m = 0.2; $0.s = 4; $0.classWeights = [1, 3, 0.2, 1]; $0.normalization = .batch
    },
    HeadCase(.modifiedSoftmax),
    HeadCase(.l2Softmax, "alpha fixed"),
    HeadCase(.l2Softmax, "alpha learned+bias") {
      $0.learnsAlpha = true; $0.alpha = 3; $0.usesBias = true
    },
    HeadCase(.normFace) { $0.s = 5 },
    HeadCase(.amSoftmax, "m=0.15") {
      $0.m = 0.15; $0.s = 5
    },
    HeadCase(.cosFace, "m=0.35") {
      $0.m = 0.35; $0.s = 4
    },
    HeadCase(.arcFace, "m=0.3") {
      $0.m = 0.3; $0.s = 5
    },
    HeadCase(.arcFace, "m=0.5") {
      $0.m = 0.5; $0.s = 4
    },
    HeadCase(.arcFace, "m=0.5 easy") {
      $0.m = 0.5; $0.s = 4; $0.easyMargin = true
    },
    HeadCase(.combined, "(1.2,0.2,0.1)") {
      $0.m1 = 1.2; $0.m2 = 0.2; $0.m3 = 0.1; $0.s = 4
    },
    HeadCase(.combined, "(0.9,0.4,0.15)") {
      $0.m1 = 0.9; $0.m2 = 0.4; $0.m3 = 0.15; $0.s = 4
    },
  ]
  for m in 1...4 {
    for lambda in [0.0, 3.7] {
      let schedule = LambdaSchedule(base: lambda, gamma: 0, power: 1, minimum: 0)
      cases.append(
        HeadCase(.lSoftmax, "m=\(m) λ=\(lambda)") {
          $0.m = Double(m); $0.lambda = schedule
        })
      cases.append(
        HeadCase(.aSoftmax, "m=\(m) λ=\(lambda)") {
          $0.m = Double(m); $0.lambda = schedule
        })
    }
  }
  return cases
}()

/// Deterministic Gaussian features, N × D, scaled by `scale`.
func gaussianFeatures(count n: Int, dimension d: Int, seed: UInt64, scale: Float = 1) -> Tensor {
  var generator = SeededGenerator(seed: seed)
  return Tensor(shape: [n, d], scalars: (0..<(n * d)).map { _ in generator.nextNormal() * scale })
}

/// The cosine between row i of `x` and row j of `w` (both row-major, D columns).
func cosine(_ x: Tensor, _ i: Int, _ w: Tensor, _ j: Int) -> Double {
  let d = x.shape[1]
  var dot = 0.0, xx = 0.0, ww = 0.0
  for k in 0..<d {
    let a = Double(x[i * d + k]), b = Double(w[j * d + k])
    dot += a * b
    xx += a * a
    ww += b * b
  }
  return dot / (xx * ww).squareRoot()
}

/// Features whose target cosines stay at least `margin` from every kink of the rule and from ±1,
/// so central differences with step 1e-3 never straddle a branch switch.
func featuresAwayFromKinks(
  head: any ClassificationHead, labels: [Int], seed: UInt64, margin: Double = 0.05
) -> Tensor {
  let rule = head.rule(at: 0)
  var kinks = rule.transform.kinkCosines + [1, -1]
  if case .combined(let m1, let m2, _) = rule.transform, m1 > 0 {
    // Keep m1 θ + m2 below π so the transform stays monotone around the point.
    kinks.append(cos(min(Double.pi, (Double.pi - m2) / m1)))
  }
  var attempt: UInt64 = 0
  while true {
    let x = gaussianFeatures(
      count: labels.count, dimension: head.featureDimension, seed: seed &+ attempt * 7919, scale: 1.5)
    let ok = labels.indices.allSatisfy { i in
      let c = cosine(x, i, head.weight.value, labels[i])
      return kinks.allSatisfy { abs(c - $0) > margin }
    }
    if ok || attempt > 10_000 { return x }
    attempt += 1
  }
}

/// The largest |a − b| / max(1, |a|, |b|) over two tensors.
func relativeDifference(_ a: Tensor, _ b: Tensor) -> Double {
  precondition(a.shape == b.shape)
  var worst = 0.0
  for k in 0..<a.count {
    let x = Double(a[k]), y = Double(b[k])
    worst = max(worst, abs(x - y) / max(1, abs(x), abs(y)))
  }
  return worst
}

/// Runs forward and backward from zeroed gradients; returns the loss, dL/dx and copies of every parameter gradient.
func lossAndGradients(_ head: any ClassificationHead, _ x: Tensor, _ labels: [Int], iteration: Int = 0) -> (
  Double, Tensor, [Tensor]
) {
  head.parameters.forEach { $0.zeroGradient() }
  let loss = head.forward(features: x, labels: labels, iteration: iteration)
  let dx = head.backward()
  return (loss, dx, head.parameters.map(\.gradient))
}
