import Foundation

/// The rows of the decision-boundary table (ArcFace, Deng et al., arXiv:1801.07698 v1, Table 1).
///
/// Each row's class-1 boundary, with θ_i the angle between W_i and x:
///
/// | row               | class-1 boundary                      | axes drawn   |
/// |-------------------|---------------------------------------|--------------|
/// | softmax           | (W1 − W2)x + b1 − b2 = 0              | cos θ1–cos θ2 |
/// | wNormSoftmax      | ‖x‖(cos θ1 − cos θ2) = 0              | cos θ1–cos θ2 |
/// | sphereFace        | ‖x‖(cos mθ1 − cos θ2) = 0             | θ1–θ2        |
/// | fNormSphereFace   | s(cos mθ1 − cos θ2) = 0               | θ1–θ2        |
/// | cosineFace        | s(cos θ1 − m − cos θ2) = 0            | cos θ1–cos θ2 |
/// | arcFace           | s(cos(θ1 + m) − cos θ2) = 0           | θ1–θ2        |
///
/// Class 2 swaps the indices. Positive factors ‖x‖ and s do not move a boundary, so they are not
/// parameters. The axes follow the papers' figures (CosFace Fig. 2, CVPR 2018; ArcFace Fig. 5, CVPR 2019).
public enum BinaryBoundaryRow: Sendable, Equatable {
  /// Softmax with weight norms ‖W1‖, ‖W2‖ and biases; in the cos plane the boundary is
  /// ‖x‖(‖W1‖ cos θ1 − ‖W2‖ cos θ2) + b1 − b2 = 0, so with a bias it depends on ‖x‖.
  case softmax(
    weightNorm1: Double = 1, weightNorm2: Double = 1, bias1: Double = 0, bias2: Double = 0, featureNorm: Double = 1)
  case wNormSoftmax
  case sphereFace(m: Int)
  case fNormSphereFace(m: Int)
  case cosineFace(m: Double)
  case arcFace(m: Double)

  /// The six rows with the margins of the papers' figures (m = 4 for SphereFace, 0.35 CosFace, 0.5 ArcFace).
  public static let table: [BinaryBoundaryRow] = [
    .softmax(), .wNormSoftmax, .sphereFace(m: 4), .fNormSphereFace(m: 4), .cosineFace(m: 0.35), .arcFace(m: 0.5),
  ]

  public var title: String {
    switch self {
    case .softmax: "Softmax"
    case .wNormSoftmax: "W-Norm Softmax"
    case .sphereFace: "SphereFace"
    case .fNormSphereFace: "F-Norm SphereFace"
    case .cosineFace: "CosineFace"
    case .arcFace: "ArcFace"
    }
  }

  public var axes: BoundaryAxes {
    switch self {
    case .softmax, .wNormSoftmax, .cosineFace: .cosines
    case .sphereFace, .fNormSphereFace, .arcFace: .angles
    }
  }

  /// g₁(u, v): positive where class 1 wins under its margin rule, with (u, v) in the row's axes.
  ///
  /// The table writes cos mθ1 and cos(θ1 + m); those hold where the boundaries lie (θ1 ≤ π/m,
  /// θ1 ≤ π − m). Beyond, g₁ uses the losses' monotone extensions (L-Softmax's ψ, insightface's
  /// fallback), so its sign is the margin rule everywhere in the square, not only near the boundary.
  public func classOneMargin(_ u: Double, _ v: Double) -> Double {
    switch self {
    case .softmax(let w1, let w2, let b1, let b2, let r):
      return r * (w1 * u - w2 * v) + b1 - b2
    case .wNormSoftmax:
      return u - v
    case .sphereFace(let m), .fNormSphereFace(let m):
      return TargetTransform.largeMargin(m: m).value(angle: u) - cos(v)
    case .cosineFace(let m):
      return u - m - v
    case .arcFace(let m):
      return TargetTransform.additiveAngular(m: m, easyMargin: false).value(angle: u) - cos(v)
    }
  }

  /// Samples the two boundaries and the margin region between them.
  ///
  /// - Parameter samples: points per boundary polyline (at least 2).
  /// - Returns: class 1's boundary g₁ = 0, class 2's (the mirror image, indices swapped), and the
  ///   margin region as a closed polygon. The region is empty when the two boundaries coincide
  ///   (softmax, W-norm softmax), and for softmax with unequal norms no margin exists (it overlaps).
  public func diagram(samples: Int = 181) -> BinaryBoundaryDiagram {
    precondition(samples >= 2, "a polyline needs at least 2 samples, got \(samples)")
    let (lo, hi) = axes == .cosines ? (-1.0, 1.0) : (0.0, Double.pi)
    let us = (0..<samples).map { lo + (hi - lo) * Double($0) / Double(samples - 1) }
    var classOne: [Point2] = []
    // Solve g₁(u, v) = 0 for v at each u, in closed form, keeping points inside the square.
    for u in us {
      let v: Double?
      switch self {
      case .softmax(let w1, let w2, let b1, let b2, let r):
        v = w2 * r > 0 ? (r * w1 * u + b1 - b2) / (r * w2) : nil
      case .wNormSoftmax:
        v = u
      case .sphereFace(let m), .fNormSphereFace(let m):
        // cos v = cos(m u) with v ∈ [0, π]: v = m u while m u ≤ π (the table's cos mθ, not ψ).
        v = Double(m) * u <= Double.pi + 1e-12 ? Double(m) * u : nil
      case .cosineFace(let m):
        v = u - m
      case .arcFace(let m):
        v = u + m <= Double.pi + 1e-12 ? u + m : nil
      }
      if let v, v >= lo - 1e-12, v <= hi + 1e-12 { classOne.append(Point2(x: u, y: min(hi, max(lo, v)))) }
    }
    let classTwo = classOne.map { Point2(x: $0.y, y: $0.x) }.sorted { $0.x < $1.x }
    let hasMargin: Bool
    switch self {
    case .softmax, .wNormSoftmax: hasMargin = false
    case .sphereFace(let m), .fNormSphereFace(let m): hasMargin = m > 1
    case .cosineFace(let m), .arcFace(let m): hasMargin = m > 0
    }
    // Both boundaries run from the square's low diagonal corner side to its high one, and the
    // diagonal u = v (no class favoured) lies between them, so the corners close the band.
    let region =
      hasMargin
      ? [Point2(x: lo, y: lo)] + classOne + [Point2(x: hi, y: hi)] + classTwo.reversed()
      : []
    return BinaryBoundaryDiagram(
      row: title, axes: axes, lower: lo, upper: hi, classOne: classOne, classTwo: classTwo, marginRegion: region)
  }
}

/// The axes a boundary diagram is drawn in.
public enum BoundaryAxes: String, Codable, Sendable {
  /// θ1 horizontal, θ2 vertical, both in [0, π].
  case angles
  /// cos θ1 horizontal, cos θ2 vertical, both in [−1, 1].
  case cosines
}

/// One panel of the binary decision-margin figure, ready to draw.
public struct BinaryBoundaryDiagram: Codable, Sendable, Equatable {
  public var row: String
  public var axes: BoundaryAxes
  /// The square [lower, upper]² the panel covers.
  public var lower: Double
  public var upper: Double
  /// Class 1's boundary (g₁ = 0), sampled along the horizontal axis.
  public var classOne: [Point2]
  /// Class 2's boundary, the mirror image of class 1's across the diagonal.
  public var classTwo: [Point2]
  /// The margin region (neither class satisfies its margin rule) as a closed polygon; empty without a margin.
  public var marginRegion: [Point2]
}
