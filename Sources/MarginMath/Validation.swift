import Foundation

/// One problem with a loss's parameters: which parameter, its value, and the range it must lie in.
public struct ValidationIssue: Sendable, Equatable, CustomStringConvertible {
  public enum Severity: String, Sendable {
    /// The loss cannot work (m = 0 for L-Softmax, s ≤ 0, a margin beyond a hard feasibility bound).
    case error
    /// The loss will probably train badly, but the bound is only advisory.
    case warning
  }

  public let severity: Severity
  public let parameter: String
  public let value: String
  public let validRange: String
  public let reason: String

  public var description: String {
    "\(severity.rawValue): \(parameter) = \(value) is outside the valid range \(validRange): \(reason)"
  }
}

/// Thrown when a loss's parameters contain at least one error; carries every issue found.
public struct LossParameterError: Error, Sendable, CustomStringConvertible {
  public let kind: LossKind
  public let issues: [ValidationIssue]

  public var description: String {
    "invalid parameters for \(kind.rawValue):\n" + issues.map { "  " + $0.description }.joined(separator: "\n")
  }
}

extension LossParameters {
  /// Every error and warning for `kind` with `classCount` classes and `featureDimension`-dimensional features.
  public func issues(for kind: LossKind, classCount: Int, featureDimension: Int) -> [ValidationIssue] {
    var found: [ValidationIssue] = []
    func report(_ severity: ValidationIssue.Severity, _ name: String, _ value: Double, _ range: String, _ reason: String) {
      found.append(ValidationIssue(severity: severity, parameter: name, value: Self.format(value), validRange: range, reason: reason))
    }
    if classCount < 2 { report(.error, "classCount", Double(classCount), "2...", "a classifier needs two classes") }
    if featureDimension < 1 { report(.error, "featureDimension", Double(featureDimension), "1...", "features need a dimension") }
    let twoD = featureDimension == 2

    switch kind {
    case .lSoftmax, .aSoftmax:
      if !m.isFinite || m != m.rounded() || m < 1 || m > 4 {
        report(.error, "m", m, "1...4 (an integer)", "ψ is defined for the integer margins of the official layers (SINGLE…QUADRUPLE)")
      } else if kind == .aSoftmax && m > 1 && m < Feasibility.sphereFaceMinimumMargin(classCount: classCount) {
        report(.warning, "m", m, "\(Self.format(Feasibility.sphereFaceMinimumMargin(classCount: classCount)))...4",
               "SphereFace shows a true angular margin only from this m on (advisory)")
      }
      for (name, value) in [("lambda.base", lambda.base), ("lambda.gamma", lambda.gamma), ("lambda.power", lambda.power), ("lambda.minimum", lambda.minimum)]
      where !(value >= 0) || !value.isFinite {
        report(.error, name, value, "0...", "the λ schedule must be finite and non-negative")
      }
    case .normFace, .amSoftmax, .cosFace, .arcFace, .combined:
      if !(s > 0) || !s.isFinite {
        report(.error, "s", s, "(0, ∞)", "the logit scale must be positive")
      } else if classCount > 2 {
        let bound = Feasibility.scaleLowerBound(classCount: classCount, probability: Feasibility.advisoryProbability)
        if s < bound {
          report(.warning, "s", s, "≥ \(Self.format(bound))", "CosFace Eq. 6: below this the target posterior cannot reach 0.9 (advisory)")
        }
      }
    case .l2Softmax:
      if !(alpha > 0) || !alpha.isFinite {
        report(.error, "alpha", alpha, "(0, ∞)", "features are rescaled to norm α")
      } else if classCount > 2 {
        let bound = Feasibility.l2SoftmaxAlphaLowerBound(classCount: classCount, probability: Feasibility.advisoryProbability)
        if alpha < bound {
          report(.warning, "alpha", alpha, "≥ \(Self.format(bound))", "L2-softmax bound log(p(C−2)/(1−p)) at p = 0.9 (advisory)")
        }
      }
    case .softmax, .weightedSoftmax, .modifiedSoftmax:
      break
    }

    switch kind {
    case .amSoftmax, .cosFace:
      let (bound, isHard) = Feasibility.cosFaceMaximumMargin(classCount: classCount, featureDimension: featureDimension)
      if !(m >= 0) || !m.isFinite {
        report(.error, "m", m, "0...\(Self.format(bound))", "the additive cosine margin must be non-negative")
      } else if m > bound {
        report(isHard ? .error : .warning, "m", m, "0...\(Self.format(bound))",
               "CosFace Eq. 7 for \(classCount) classes in \(featureDimension)-D" + (isHard ? "" : " (advisory)"))
      }
    case .arcFace:
      let bound = twoD ? Feasibility.arcFaceMaximumMargin2D(classCount: classCount) : Double.pi
      if !(m >= 0) || !m.isFinite {
        report(.error, "m", m, "0..<\(Self.format(bound))", "the additive angular margin must be non-negative")
      } else if m >= bound {
        report(.error, "m", m, "0..<\(Self.format(bound))",
               twoD ? "neighbouring classes are 2π/C apart in 2-D" : "an angular margin beyond π leaves no feasible angle")
      }
    case .combined:
      if !(m1 > 0) || !m1.isFinite { report(.error, "m1", m1, "(0, ∞)", "the multiplicative angular margin must be positive") }
      if !(m2 >= 0) || !m2.isFinite || m2 >= Double.pi {
        report(.error, "m2", m2, "0..<π", "the additive angular margin must lie in [0, π)")
      }
      if !(m3 >= 0) || !m3.isFinite { report(.error, "m3", m3, "0...", "the additive cosine margin must be non-negative") }
      if twoD && m2 >= 0 && m3 >= 0 && m2.isFinite && m3.isFinite {
        let cosBound = Feasibility.cosFaceMaximumMargin(classCount: classCount, featureDimension: 2).bound
        let arcBound = Feasibility.arcFaceMaximumMargin2D(classCount: classCount)
        if m2 / arcBound + m3 / cosBound >= 1 {
          report(.warning, "m2, m3", m2 + m3, "m2/\(Self.format(arcBound)) + m3/\(Self.format(cosBound)) < 1",
                 "the combined margin probably leaves no feasible sector for \(classCount) classes in 2-D (advisory)")
        }
      }
    default:
      break
    }

    if let ramp = marginRamp, ramp.iterations < 0 {
      report(.error, "marginRamp.iterations", Double(ramp.iterations), "0...", "a ramp cannot last a negative time")
    }
    if usesBias && !kind.supportsBias {
      report(.error, "usesBias", 1, "false", "\(kind.rawValue) fixes b = 0")
    }
    if let weights = classWeights {
      if weights.count != classCount {
        report(.error, "classWeights.count", Double(weights.count), "\(classCount)", "one weight per class")
      }
      for (c, w) in weights.enumerated() where !(w >= 0) || !w.isFinite {
        report(.error, "classWeights[\(c)]", w, "[0, ∞)", "class weights must be finite and non-negative")
      }
      if !weights.isEmpty && weights.allSatisfy({ $0 == 0 }) {
        report(.error, "classWeights", 0, "at least one weight > 0", "all-zero weights make the loss 0/0")
      }
    }
    return found
  }

  /// The warnings for `kind`, or a `LossParameterError` listing every issue if any is an error.
  @discardableResult
  public func validated(for kind: LossKind, classCount: Int, featureDimension: Int) throws -> [ValidationIssue] {
    let all = issues(for: kind, classCount: classCount, featureDimension: featureDimension)
    if all.contains(where: { $0.severity == .error }) { throw LossParameterError(kind: kind, issues: all) }
    return all
  }

  static func format(_ value: Double) -> String {
    if value == value.rounded() && abs(value) < 1e9 { return String(Int(value)) }
    return String(format: "%.4g", value)
  }
}
