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
  /// Which advisory bound a warning is about (nil for errors).
  public let advisory: LossWarning.Code?

  public var description: String {
    "\(severity.rawValue): \(parameter) = \(value) is outside the valid range \(validRange): \(reason)"
  }
}

/// An advisory problem: the loss builds and trains, but probably badly. What `validated(for:classCount:featureDimension:)`
/// returns, for the trainer to print when a run starts and to record in the run's metadata.
public struct LossWarning: Codable, Sendable, Equatable, CustomStringConvertible {
  /// The advisory bounds, by the stable names a run's metadata records.
  public enum Code: String, Codable, CaseIterable, Sendable {
    /// s below CosFace Eq. 6's bound for C classes: the target posterior cannot reach 0.9.
    case scaleBelowBound = "scale-below-bound"
    /// L2-softmax α below log(p(C − 2)/(1 − p)) at p = 0.9.
    case alphaBelowBound = "alpha-below-bound"
    /// A-Softmax m below SphereFace's m_min (no true angular margin).
    case marginBelowSphereFaceMinimum = "margin-below-sphereface-minimum"
    /// CosFace/AM-Softmax m beyond C/(C − 1) where the paper only says m ≪ C/(C − 1).
    case marginBeyondAdvisoryBound = "margin-beyond-advisory-bound"
    /// The combined margin's m2 and m3 together probably leave no feasible sector in 2-D.
    case combinedMarginLeavesNoSector = "combined-margin-leaves-no-sector"
  }

  public let code: Code
  public let parameter: String
  public let value: String
  public let validRange: String
  public let reason: String

  public init(code: Code, parameter: String, value: String, validRange: String, reason: String) {
    self.code = code
    self.parameter = parameter
    self.value = value
    self.validRange = validRange
    self.reason = reason
  }

  /// `warning: s = 1 is outside the advised range ≥ 3.955: …`, one line for a terminal or a log.
  public var description: String {
    "warning: \(parameter) = \(value) is outside the advised range \(validRange): \(reason)"
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
    func report(
      _ severity: ValidationIssue.Severity, _ name: String, _ value: Double, _ range: String, _ reason: String,
      advisory: LossWarning.Code? = nil
    ) {
      precondition((severity == .warning) == (advisory != nil), "every warning names its advisory bound")
      found.append(
        ValidationIssue(
          severity: severity, parameter: name, value: Self.format(value), validRange: range, reason: reason,
          advisory: advisory))
    }
    if classCount < 2 { report(.error, "classCount", Double(classCount), "2...", "a classifier needs two classes") }
    if featureDimension < 1 {
      report(.error, "featureDimension", Double(featureDimension), "1...", "features need a dimension")
    }
    let twoD = featureDimension == 2

    switch kind {
    case .lSoftmax, .aSoftmax:
      if !m.isFinite || m != m.rounded() || m < 1 || m > 4 {
        report(
          .error, "m", m, "1...4 (an integer)",
          "ψ is defined for the integer margins of the official layers (SINGLE…QUADRUPLE)")
      } else if kind == .aSoftmax && m > 1 && m < Feasibility.sphereFaceMinimumMargin(classCount: classCount) {
        report(
          .warning, "m", m, "\(Self.format(Feasibility.sphereFaceMinimumMargin(classCount: classCount)))...4",
          "SphereFace shows a true angular margin only from this m on (advisory)",
          advisory: .marginBelowSphereFaceMinimum)
      }
      for (name, value) in [
        ("lambda.base", lambda.base), ("lambda.gamma", lambda.gamma), ("lambda.power", lambda.power),
        ("lambda.minimum", lambda.minimum),
      ]
      where !(value >= 0) || !value.isFinite {
        report(.error, name, value, "0...", "the λ schedule must be finite and non-negative")
      }
    case .normFace, .amSoftmax, .cosFace, .arcFace, .combined:
      if !(s > 0) || !s.isFinite {
        report(.error, "s", s, "(0, ∞)", "the logit scale must be positive")
      } else if classCount >= 2 {
        let bound = Feasibility.scaleLowerBound(classCount: classCount, probability: Feasibility.advisoryProbability)
        if s < bound {
          report(
            .warning, "s", s, "≥ \(Self.format(bound))",
            "CosFace Eq. 6: below this the target posterior of \(classCount) classes cannot reach 0.9 (advisory)",
            advisory: .scaleBelowBound)
        }
      }
    case .l2Softmax:
      if !(alpha > 0) || !alpha.isFinite {
        report(.error, "alpha", alpha, "(0, ∞)", "features are rescaled to norm α")
      } else if classCount > 2 {
        let bound = Feasibility.l2SoftmaxAlphaLowerBound(
          classCount: classCount, probability: Feasibility.advisoryProbability)
        if alpha < bound {
          report(
            .warning, "alpha", alpha, "≥ \(Self.format(bound))",
            "L2-softmax bound log(p(C−2)/(1−p)) at p = 0.9 for C = \(classCount) (advisory)", advisory: .alphaBelowBound
          )
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
        report(
          isHard ? .error : .warning, "m", m, "0...\(Self.format(bound))",
          "CosFace Eq. 7 for \(classCount) classes in \(featureDimension)-D" + (isHard ? "" : " (advisory)"),
          advisory: isHard ? nil : .marginBeyondAdvisoryBound)
      }
    case .arcFace:
      let bound = twoD ? Feasibility.arcFaceMaximumMargin2D(classCount: classCount) : Double.pi
      if !(m >= 0) || !m.isFinite {
        report(.error, "m", m, "0..<\(Self.format(bound))", "the additive angular margin must be non-negative")
      } else if m >= bound {
        report(
          .error, "m", m, "0..<\(Self.format(bound))",
          twoD ? "neighbouring classes are 2π/C apart in 2-D" : "an angular margin beyond π leaves no feasible angle")
      }
    case .combined:
      if !(m1 > 0) || !m1.isFinite {
        report(.error, "m1", m1, "(0, ∞)", "the multiplicative angular margin must be positive")
      }
      if !(m2 >= 0) || !m2.isFinite || m2 >= Double.pi {
        report(.error, "m2", m2, "0..<π", "the additive angular margin must lie in [0, π)")
      }
      if !(m3 >= 0) || !m3.isFinite {
        report(.error, "m3", m3, "0...", "the additive cosine margin must be non-negative")
      }
      if twoD && m2 >= 0 && m3 >= 0 && m2.isFinite && m3.isFinite {
        let cosBound = Feasibility.cosFaceMaximumMargin(classCount: classCount, featureDimension: 2).bound
        let arcBound = Feasibility.arcFaceMaximumMargin2D(classCount: classCount)
        if m2 / arcBound + m3 / cosBound >= 1 {
          report(
            .warning, "m2, m3", m2 + m3, "m2/\(Self.format(arcBound)) + m3/\(Self.format(cosBound)) < 1",
            "the combined margin probably leaves no feasible sector for \(classCount) classes in 2-D (advisory)",
            advisory: .combinedMarginLeavesNoSector)
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

  /// The advisory warnings for `kind` with the dataset's `classCount` classes in `featureDimension`-D,
  /// or a `LossParameterError` listing every issue if any is an error.
  ///
  /// The class count has no default on purpose: every margin and scale bound depends on it, and
  /// a 4-class dataset must not be judged by the 10-class bounds.
  @discardableResult
  public func validated(for kind: LossKind, classCount: Int, featureDimension: Int) throws -> [LossWarning] {
    let all = issues(for: kind, classCount: classCount, featureDimension: featureDimension)
    if all.contains(where: { $0.severity == .error }) { throw LossParameterError(kind: kind, issues: all) }
    return all.compactMap { issue in
      issue.advisory.map {
        LossWarning(
          code: $0, parameter: issue.parameter, value: issue.value, validRange: issue.validRange, reason: issue.reason)
      }
    }
  }

  static func format(_ value: Double) -> String {
    if value == value.rounded() && abs(value) < 1e9 { return String(Int(value)) }
    return String(format: "%.4g", value)
  }
}
