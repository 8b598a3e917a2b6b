import Foundation

/// One edge of the label-free decision diagram on the sphere: the part of the tie circle of classes
/// `first` and `second` where those two beat every other class.
public struct SphereBoundaryArc: Sendable, Equatable {
  public var first: Int
  public var second: Int
  public var circle: GreatCircle
  /// Arcs of `circle` (its own parameter t) where the two classes lead.
  public var intervals: [AngularInterval]

  /// The arcs as point lists at most `maxStep` radians apart.
  public func samples(maxStep: Double = Double.pi / 180) -> [[Vector3]] {
    intervals.map { circle.samples($0, maxStep: maxStep) }
  }
}

/// Decision boundaries of a head with 3-D class weights, on the unit sphere of feature directions.
///
/// Every logit has the form `U(‖W_j‖) · R · h_j(cos θ_j)` (see `MarginRule`); for the label-free decision
/// h = cos θ, so classes i and j tie where `U_i cos θ_i = U_j cos θ_j`, i.e. on the great circle with
/// normal `U_i Ŵ_i − U_j Ŵ_j` (U = ‖W‖ for softmax, L-Softmax and L2-softmax, 1 for the normalised
/// losses, whose boundary is therefore the set cos θ_i = cos θ_j). A bias moves the boundary off a great
/// circle and makes it depend on ‖x‖, so these functions take bias-free heads (the figures' runs have none).
public enum SphereBoundaries {
  /// The great circle where the label-free logits of classes `i` and `j` tie; nil when they tie everywhere.
  public static func decisionCircle(between i: Int, and j: Int, weights: [Vector3], rule: MarginRule) -> GreatCircle? {
    GreatCircle(normal: logitAxis(weights[i], rule) - logitAxis(weights[j], rule))
  }

  /// `U(‖W‖) · Ŵ`: the label-free logit of a unit feature x is `R · (U Ŵ) · x`.
  static func logitAxis(_ w: Vector3, _ rule: MarginRule) -> Vector3 {
    guard let unit = w.direction else { return .zero }
    return rule.kind.weightScaling == .norm ? w : unit
  }

  /// Every edge of the label-free decision diagram (each pair of classes whose tie circle has a part
  /// where both lead), found like `SectorGeometry`: a scan of `samples` points per circle and bisection.
  public static func decisionArcs(weights: [Vector3], rule: MarginRule, samples: Int = 1440) -> [SphereBoundaryArc] {
    let logits = SphereLogits(weights: weights, rule: rule)
    var arcs: [SphereBoundaryArc] = []
    for i in weights.indices {
      for j in weights.indices where j > i {
        guard let circle = decisionCircle(between: i, and: j, weights: weights, rule: rule) else { continue }
        let lead: (Double) -> Double = { t in logits.lead(circle.point(at: t), i, j) }
        let intervals = SectorGeometry.intervals(where: lead, samples: samples)
        if !intervals.isEmpty {
          arcs.append(SphereBoundaryArc(first: i, second: j, circle: circle, intervals: intervals))
        }
      }
    }
    return arcs
  }
}
