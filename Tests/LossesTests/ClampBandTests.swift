import Engine
import Foundation
@testable import Losses
import MarginMath
import Testing

/// The gradient of features almost parallel (θ = 1e-4) or anti-parallel (θ = π − 1e-4) to their
/// class weight, against the gradient written in angles, which never goes through cos θ or a clamp.
///
/// In 2-D a feature is x = r (cos φ, sin φ) and θ_j = |φ − ω_j|, so every logit is a function of r
/// and the signed angles δ_j = φ − ω_j, and ∂z/∂x = ∂z/∂r · x/r + ∂z/∂φ · (−x₂, x₁)/r². A cosine
/// clamp with a zero derivative drops ∂z/∂φ wherever it is active.
@Suite struct ClampBandTests {
  struct Case: Sendable, CustomStringConvertible {
    let kind: LossKind
    let theta: Double
    /// A neighbouring class 0.6 rad away, so the sample is not yet confidently classified.
    var crowded = false
    var description: String {
      "\(kind.rawValue) at θ = \(theta == 1e-4 ? "1e-4" : "π − 1e-4")\(crowded ? " crowded" : "")"
    }
    var weightAngles: [Double] { crowded ? [0.3, 0.9, 4.1] : [0.3, 2.3, 4.1] }
  }

  static let cases =
    [LossKind.arcFace, .aSoftmax, .lSoftmax, .cosFace].flatMap { kind in
      [1e-4, Double.pi - 1e-4].map { Case(kind: kind, theta: $0) }
    } + [Case(kind: .arcFace, theta: 1e-4, crowded: true)]

  /// Class weights at distinct angles (`Case.weightAngles`) and norms; the feature is at `theta` from class 0.
  static let weightNorms = [1.3, 0.8, 1.1]
  static let featureNorm = 2.0

  static func parameters(for kind: LossKind) -> LossParameters {
    var p = LossParameters.defaults(for: kind)
    p.marginRamp = nil
    if kind.usesLambda { p.lambda = .disabled }
    return p
  }

  static func setUp(_ testCase: Case) throws -> (head: any ClassificationHead, x: Tensor) {
    let head = try HeadFactory.makeHead(
      kind: testCase.kind, parameters: parameters(for: testCase.kind), classCount: 3, featureDimension: 2)
    head.weight.value = Tensor(
      shape: [3, 2],
      scalars: zip(testCase.weightAngles, weightNorms).flatMap { [Float($1 * cos($0)), Float($1 * sin($0))] })
    let phi = testCase.weightAngles[0] + testCase.theta
    let x = Tensor(shape: [1, 2], scalars: [Float(featureNorm * cos(phi)), Float(featureNorm * sin(phi))])
    return (head, x)
  }

  /// (z, ∂z/∂r, ∂z/∂φ) of class j in angle form, from the Float values actually stored.
  static func angularLogit(_ kind: LossKind, _ p: LossParameters, x: Tensor, w: Tensor, j: Int, isTarget: Bool) -> (
    Double, Double, Double
  ) {
    let (x1, x2) = (Double(x[0]), Double(x[1]))
    let (w1, w2) = (Double(w[2 * j]), Double(w[2 * j + 1]))
    let r = (x1 * x1 + x2 * x2).squareRoot()
    let b = (w1 * w1 + w2 * w2).squareRoot()
    let delta = atan2(w1 * x2 - w2 * x1, w1 * x1 + w2 * x2)  // φ − ω_j, exact for small angles
    let theta = abs(delta)
    let sign: Double = delta < 0 ? -1 : 1
    switch kind {
    case .arcFace, .cosFace:
      guard isTarget else { return (p.s * cos(delta), 0, -p.s * sin(delta)) }
      if kind == .cosFace { return (p.s * (cos(theta) - p.m), 0, -p.s * sin(theta) * sign) }
      if theta < Double.pi - p.m { return (p.s * cos(theta + p.m), 0, -p.s * sin(theta + p.m) * sign) }
      return (p.s * (cos(theta) - p.m * sin(p.m)), 0, -p.s * sin(theta) * sign)
    case .aSoftmax, .lSoftmax:
      let u = kind == .lSoftmax ? b : 1
      guard isTarget else { return (u * r * cos(delta), u * cos(delta), -u * r * sin(delta)) }
      let m = Double(Int(p.m))
      let k = min(m - 1, (theta * m / Double.pi).rounded(.down))
      let parity: Double = Int(k) % 2 == 0 ? 1 : -1
      let psi = parity * cos(m * theta) - 2 * k
      let psiPrime = -parity * m * sin(m * theta)
      return (u * r * psi, u * psi, u * r * psiPrime * sign)
    default:
      preconditionFailure("no angle form for \(kind.rawValue)")
    }
  }

  /// ∂z_j/∂x from the angle form.
  static func logitGradient(_ terms: (Double, Double, Double), x: Tensor) -> [Double] {
    let (x1, x2) = (Double(x[0]), Double(x[1]))
    let r2 = x1 * x1 + x2 * x2
    let r = r2.squareRoot()
    return [terms.1 * x1 / r - terms.2 * x2 / r2, terms.1 * x2 / r + terms.2 * x1 / r2]
  }

  /// dL/dx of one sample with label 0, from the angle form.
  static func lossGradient(_ kind: LossKind, x: Tensor, w: Tensor) -> [Double] {
    let p = parameters(for: kind)
    let terms = (0..<3).map { angularLogit(kind, p, x: x, w: w, j: $0, isTarget: $0 == 0) }
    let largest = terms.map(\.0).max()!
    let exps = terms.map { exp($0.0 - largest) }
    let total = exps.reduce(0, +)
    var gradient = [0.0, 0.0]
    for j in 0..<3 {
      let weight = exps[j] / total - (j == 0 ? 1 : 0)
      let g = logitGradient(terms[j], x: x)
      gradient[0] += weight * g[0]
      gradient[1] += weight * g[1]
    }
    return gradient
  }

  static func norm(_ v: [Double]) -> Double { (v[0] * v[0] + v[1] * v[1]).squareRoot() }

  @Test(arguments: cases)
  func targetLogitKeepsItsAngularGradient(testCase: Case) throws {
    let (head, x) = try Self.setUp(testCase)
    let computation = HeadComputation(kind: testCase.kind, classCount: 3, featureDimension: 2)
    _ = computation.forward(features: x, weight: head.weight.value, bias: nil, rule: head.rule(at: 0), labels: [0])
    computation.setLogitGradient([1, 0, 0])
    let analytic = computation.backward(weight: head.weight, bias: nil, alpha: nil).scalars.map(Double.init)
    let expected = Self.logitGradient(
      Self.angularLogit(
        testCase.kind, Self.parameters(for: testCase.kind), x: x, w: head.weight.value, j: 0, isTarget: true), x: x)
    // The tangential component alone: the part a zero-slope clamp drops.
    let (x1, x2) = (Double(x[0]), Double(x[1]))
    let r = (x1 * x1 + x2 * x2).squareRoot()
    let tangent = { (g: [Double]) in (-x2 * g[0] + x1 * g[1]) / r }
    let want = tangent(expected)
    #expect(want != 0)
    #expect(
      abs(tangent(analytic) - want) <= 1e-3 * abs(want), "tangential ∂z_y/∂x \(tangent(analytic)), expected \(want)")
  }

  @Test(arguments: cases)
  func sampleGradientMatchesTheAngleForm(testCase: Case) throws {
    let (head, x) = try Self.setUp(testCase)
    head.forward(features: x, labels: [0], iteration: 0)
    let analytic = head.backward().scalars.map(Double.init)
    let expected = Self.lossGradient(testCase.kind, x: x, w: head.weight.value)
    let error = Self.norm([analytic[0] - expected[0], analytic[1] - expected[1]])
    // 5e-5 relative: the ε = 1e-6 norm guard lowers cos θ by ~ε²/2 (1/‖x‖² + 1/‖W‖²) ≈ 4e-13, which at
    // θ = 1e-4 moves the effective sin θ by 4e-5 relative (the head is exact for the guarded function).
    #expect(error <= 5e-5 * Self.norm(expected) + 1e-9, "‖dL/dx − true‖ = \(error), ‖true‖ = \(Self.norm(expected))")
  }
}
