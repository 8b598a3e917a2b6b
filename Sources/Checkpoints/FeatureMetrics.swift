import Foundation

/// Geometry of a set of D-dimensional features relative to the class weights:
/// what `margins metrics` prints and every checkpoint's JSON stores.
/// Angles are in degrees (what readers compare with the papers' figures).
public struct FeatureMetrics: Codable, Equatable, Sendable {
  public struct ClassAngles: Codable, Equatable, Sendable {
    public let count: Int
    /// Mean and standard deviation of the angle between each feature and its own class weight.
    public let meanDegrees: Double
    public let standardDeviationDegrees: Double
  }

  public struct NormStatistics: Codable, Equatable, Sendable {
    public let mean: Double
    public let standardDeviation: Double
    public let minimum: Double
    public let maximum: Double
  }

  /// Label-free accuracy: the class whose logit is largest, as computed by the caller's head.
  public let accuracy: Double?
  public let perClass: [ClassAngles]
  /// Mean over all features of the angle to the own class weight.
  public let meanAngleToOwnWeightDegrees: Double
  /// The smallest angle between two class weight directions.
  public let minimumWeightAngleDegrees: Double
  /// 2-D only: the smallest gap between neighbouring classes' angular ranges (each range spans the
  /// central `1 - 2 * trim` of its class's feature angles); negative when neighbours overlap.
  public let achievedMarginDegrees: Double?
  public let featureNorms: NormStatistics

  /// The fraction of each class's angles left out at each end of its angular range (outliers).
  public static let rangeTrim = 0.05

  /// Computes the metrics of `features` (N x D, row-major) with `labels` against `classWeights` (C x D).
  /// - Parameter accuracy: the label-free accuracy, when the caller has it (it needs the loss head).
  public init(features: [Float], labels: [Int], classWeights: [Float], dimension: Int, accuracy: Double? = nil) {
    precondition(dimension > 0 && features.count == labels.count * dimension, "features must be N x \(dimension)")
    precondition(classWeights.count % dimension == 0, "class weights must be C x \(dimension)")
    let classCount = classWeights.count / dimension
    self.accuracy = accuracy
    let weights = (0..<classCount).map {
      Array(classWeights[($0 * dimension)..<(($0 + 1) * dimension)]).map(Double.init)
    }
    var anglesByClass = [[Double]](repeating: [], count: classCount)
    var norms: [Double] = []
    norms.reserveCapacity(labels.count)
    for (i, label) in labels.enumerated() {
      let x = features[(i * dimension)..<((i + 1) * dimension)].map(Double.init)
      norms.append(Self.norm(x))
      anglesByClass[label].append(Self.angle(x, weights[label]))
    }
    perClass = anglesByClass.map { angles in
      let (mean, std) = Self.moments(angles)
      return ClassAngles(count: angles.count, meanDegrees: mean, standardDeviationDegrees: std)
    }
    meanAngleToOwnWeightDegrees = Self.moments(anglesByClass.flatMap { $0 }).mean
    var minimum = 180.0
    for a in 0..<classCount {
      for b in (a + 1)..<max(a + 1, classCount) { minimum = min(minimum, Self.angle(weights[a], weights[b])) }
    }
    minimumWeightAngleDegrees = minimum
    let (normMean, normStd) = Self.moments(norms)
    featureNorms = NormStatistics(
      mean: normMean, standardDeviation: normStd, minimum: norms.min() ?? 0, maximum: norms.max() ?? 0)
    achievedMarginDegrees =
      dimension == 2 ? Self.angularGap(features: features, labels: labels, classCount: classCount) : nil
  }

  /// The angle between two vectors in degrees, 0 for a zero vector (no NaN).
  static func angle(_ a: [Double], _ b: [Double]) -> Double {
    let denominator = norm(a) * norm(b)
    guard denominator > 0 else { return 0 }
    let cosine = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } / denominator
    return acos(min(1, max(-1, cosine))) * 180 / .pi
  }

  static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

  static func moments(_ values: [Double]) -> (mean: Double, standardDeviation: Double) {
    guard !values.isEmpty else { return (0, 0) }
    let mean = values.reduce(0, +) / Double(values.count)
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
    return (mean, variance.squareRoot())
  }

  /// The smallest gap, in degrees, between the angular ranges of classes that are neighbours on the circle.
  static func angularGap(features: [Float], labels: [Int], classCount: Int) -> Double? {
    var ranges: [(start: Double, end: Double)] = []
    for c in 0..<classCount {
      let angles = labels.indices.filter { labels[$0] == c }.map {
        atan2(Double(features[2 * $0 + 1]), Double(features[2 * $0]))
      }
      guard !angles.isEmpty else { continue }
      // Measure each angle from the class's circular mean so a class straddling ±180° stays contiguous.
      let centre = atan2(angles.reduce(0) { $0 + sin($1) }, angles.reduce(0) { $0 + cos($1) })
      let offsets = angles.map { remainder($0 - centre, 2 * .pi) }.sorted()
      let trim = Int((Double(offsets.count) * rangeTrim).rounded(.down))
      ranges.append((centre + offsets[trim], centre + offsets[offsets.count - 1 - trim]))
    }
    guard ranges.count >= 2 else { return nil }
    // Order the ranges by their midpoints around the circle, then measure each gap to the next one.
    let ordered = ranges.map { range -> (start: Double, end: Double) in
      let shift = floor(((range.start + range.end) / 2) / (2 * .pi)) * 2 * .pi
      return (range.start - shift, range.end - shift)
    }.sorted { ($0.start + $0.end) < ($1.start + $1.end) }
    var smallest = Double.infinity
    for i in ordered.indices {
      let current = ordered[i]
      let next = ordered[(i + 1) % ordered.count]
      let nextStart = i + 1 < ordered.count ? next.start : next.start + 2 * .pi
      smallest = min(smallest, nextStart - current.end)
    }
    return smallest * 180 / .pi
  }
}
