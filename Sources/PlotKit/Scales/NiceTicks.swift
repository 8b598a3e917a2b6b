import Foundation

/// Tick steps of the form 1, 2 or 5 × 10^k, and limits rounded to them.
public enum NiceTicks {
  /// The smallest 1/2/5 × 10^k step that splits `span` into at most `targetCount` intervals.
  public static func step(forSpan span: Double, targetCount: Int = 5) -> Double {
    guard span.isFinite, span > 0 else { return 1 }
    let raw = span / Double(max(1, targetCount))
    let magnitude = pow(10, floor(log10(raw)))
    for multiplier in [1.0, 2.0, 5.0, 10.0] where multiplier * magnitude >= raw * (1 - 1e-9) {
      return multiplier * magnitude
    }
    return 10 * magnitude
  }

  /// `range` widened outward to multiples of a nice step (a degenerate range becomes ±1 around it).
  public static func expand(_ range: AxisRange, targetCount: Int = 5) -> AxisRange {
    var r = range
    if r.span <= 0 || !r.span.isFinite {
      let c = r.lower.isFinite ? r.lower : 0
      let pad = c == 0 ? 1 : abs(c) * 0.1
      r = AxisRange(c - pad, c + pad)
    }
    let s = step(forSpan: r.span, targetCount: targetCount)
    return AxisRange(floor(r.lower / s + 1e-9) * s, ceil(r.upper / s - 1e-9) * s)
  }

  /// A symmetric range [−L, L] with L a multiple of a nice step and L ≥ `maxAbs`.
  /// The rounding step is finer than the tick step (10 intervals over the span), so the limits
  /// hug the data instead of jumping to the next tick (±600, not ±1000, for data reaching 510).
  public static func symmetric(maxAbs: Double, targetCount: Int = 10) -> AxisRange {
    let m = maxAbs.isFinite && maxAbs > 0 ? maxAbs : 1
    let s = step(forSpan: 2 * m, targetCount: targetCount)
    let half = ceil(m / s - 1e-9) * s
    return AxisRange(-half, half)
  }

  /// Tick positions (multiples of the nice step) inside `range`.
  public static func ticks(in range: AxisRange, targetCount: Int = 5) -> [Double] {
    let s = step(forSpan: range.span, targetCount: targetCount)
    let first = ceil(range.lower / s - 1e-9)
    let last = floor(range.upper / s + 1e-9)
    guard first <= last, last - first < 1000 else { return [] }
    return stride(from: first, through: last, by: 1).map { $0 * s }
  }

  /// Ticks at powers of ten inside a positive range (for log axes).
  public static func logTicks(in range: AxisRange) -> [Double] {
    guard range.lower > 0 else { return [] }
    let first = ceil(log10(range.lower) - 1e-9)
    let last = floor(log10(range.upper) + 1e-9)
    guard first <= last else { return [] }
    return stride(from: first, through: last, by: 1).map { pow(10, $0) }
  }

  /// A tick label with just enough decimals for `step` (no "-0", no trailing noise).
  public static func label(_ value: Double, step: Double) -> String {
    let decimals = step >= 1 ? 0 : min(6, Int(ceil(-log10(step) - 1e-9)))
    let v = abs(value) < step * 1e-6 ? 0 : value
    return String(format: "%.\(decimals)f", v).replacingOccurrences(of: "-", with: "\u{2212}")
  }

  /// One axis's log labels in one notation: plain numbers ("0.001", "0.01", "0.1", "1") when every
  /// power lies in 10^−4 … 10^4, otherwise powers of ten ("10⁻⁶", "10⁰", "10²") throughout, so an
  /// axis never shows "1e−3" beside "0.01".
  public static func logLabels(_ values: [Double]) -> [String] {
    let exponents = values.map { Int(log10($0).rounded()) }
    if exponents.allSatisfy({ (-4...4).contains($0) }) {
      return zip(values, exponents).map { v, e in label(v, step: pow(10, Double(min(0, e)))) }
    }
    let digits: [Character: String] = [
      "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹",
    ]
    return exponents.map { e in
      "10" + (e < 0 ? "⁻" : "") + String(abs(e)).map { digits[$0] ?? "" }.joined()
    }
  }

  /// A log-axis label: "1", "10", "100", "0.1", or "1e−5" style beyond that.
  public static func logLabel(_ value: Double) -> String {
    let e = Int(log10(value).rounded())
    if (-2...3).contains(e) {
      return label(value, step: pow(10, Double(min(0, e))))
    }
    return "1e\(e < 0 ? "\u{2212}" : "")\(abs(e))"
  }
}
