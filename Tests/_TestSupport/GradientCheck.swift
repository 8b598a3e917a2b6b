import Engine

/// One coordinate where the analytic gradient disagrees with central differences, or (index −1)
/// the report that no coordinate was checked at all.
public struct GradientMismatch: CustomStringConvertible, Sendable {
  public let label: String
  public let index: Int
  public let analytic: Double
  public let numeric: Double
  public let objectivePlus: Double
  public let objectiveMinus: Double
  /// How many coordinates the tensor has (reported when none was checked).
  public var coordinateCount = 0

  /// Every coordinate was skipped (or the tensor was empty), so nothing was verified.
  public var checkedNothing: Bool { index < 0 }

  public var description: String {
    if checkedNothing { return "\(label): no coordinate was checked (\(coordinateCount) in the tensor, all skipped)" }
    return "\(label)[\(index)]: analytic \(analytic), numeric \(numeric) "
      + "(objective +step \(objectivePlus), -step \(objectiveMinus))"
  }
}

/// Caffe's gradient checker: central differences, pass when
/// `|g - ĝ| <= tolerance * max(|g|, |ĝ|, 1)`.
///
/// The engine is Float32, so the defaults are Caffe's Float settings (step 1e-2,
/// tolerance 1e-2): a central difference has truncation error O(step² f''') and
/// rounding error O(ulp(f) / step) ≈ 1e-7·|f| / 1e-2 = 1e-5·|f|, both well below
/// 1e-2 of a gradient of order one. Objectives should be accumulated in Double.
public struct GradientChecker: Sendable {
  public var step: Float
  public var tolerance: Double

  public init(step: Float = 1e-2, tolerance: Double = 1e-2) {
    self.step = step
    self.tolerance = tolerance
  }

  /// Compares `analytic` with the central differences of `objective` around `point`.
  ///
  /// - Parameters:
  ///   - label: names the checked tensor in failure messages.
  ///   - point: where the gradient is taken.
  ///   - analytic: the gradient to verify, same shape as `point`.
  ///   - skip: coordinates to leave out (inputs inside a kink band).
  ///   - objective: the scalar function of the perturbed tensor; must be deterministic.
  /// - Returns: every coordinate that failed (empty when the gradient is right); a single
  ///   `checkedNothing` entry when `skip` left no coordinate to check, so a vacuous check fails.
  public func mismatches(
    label: String,
    at point: Tensor,
    analytic: Tensor,
    skip: (Int) -> Bool = { _ in false },
    objective: (Tensor) -> Double
  ) -> [GradientMismatch] {
    precondition(point.shape == analytic.shape, "\(label): gradient shape \(analytic.shape) != \(point.shape)")
    var failures: [GradientMismatch] = []
    var probe = point
    var checked = 0
    for index in 0..<point.count where !skip(index) {
      checked += 1
      let original = probe[index]
      probe[index] = original + step
      let plus = objective(probe)
      probe[index] = original - step
      let minus = objective(probe)
      probe[index] = original
      // The actually applied step differs from `step` by Float rounding.
      let h = Double(original + step) - Double(original - step)
      let numeric = (plus - minus) / h
      let g = Double(analytic[index])
      let scale = max(abs(g), abs(numeric), 1)
      if abs(g - numeric) > tolerance * scale || !numeric.isFinite || !g.isFinite {
        failures.append(
          GradientMismatch(
            label: label, index: index, analytic: g, numeric: numeric,
            objectivePlus: plus, objectiveMinus: minus))
      }
    }
    if checked == 0 {
      return [
        GradientMismatch(
          label: label, index: -1, analytic: .nan, numeric: .nan, objectivePlus: .nan, objectiveMinus: .nan,
          coordinateCount: point.count)
      ]
    }
    return failures
  }
}

/// A random projection objective ⟨r, y⟩ with fixed weights, as Caffe uses to check every output.
public struct RandomProjection: Sendable {
  public let weights: [Float]

  public init(count: Int, seed: UInt64 = 1701) {
    var generator = SeededGenerator(seed: seed)
    weights = (0..<count).map { _ in generator.nextUniform() * 2 - 1 }
  }

  /// ⟨r, y⟩ accumulated in Double.
  public func value(_ output: Tensor) -> Double {
    precondition(output.count == weights.count, "projection expects \(weights.count) scalars, got \(output.count)")
    var sum = 0.0
    for i in 0..<weights.count { sum += Double(weights[i]) * Double(output[i]) }
    return sum
  }

  /// dValue/dOutput, the tensor to feed to `backward`.
  public func gradient(shape: [Int]) -> Tensor {
    Tensor(shape: shape, scalars: weights)
  }
}
