import Graphics2D
import MarginMath

/// Why a scene cannot be built; every case names the array at fault.
public enum SphereSceneError: Error, Equatable, CustomStringConvertible {
  case dimension(array: String, row: Int, found: Int)
  case count(array: String, expected: Int, found: Int)
  case label(row: Int, label: Int, classCount: Int)
  case nonFinite(array: String, rows: Int)
  case empty
  case colors(needed: Int, found: Int)
  case viewDirection(Vector3)

  public var description: String {
    switch self {
    case .dimension(let array, let row, let found):
      return
        "\(array): row \(row) has \(found) values; a sphere view needs 3-D vectors (D = 3; higher dimensions are never dropped silently)"
    case .count(let array, let expected, let found):
      return "\(array): expected \(expected) rows, found \(found)"
    case .label(let row, let label, let classCount):
      return "labels: row \(row) is \(label), outside 0..<\(classCount)"
    case .nonFinite(let array, let rows):
      return "\(array): \(rows) rows hold NaN or Inf"
    case .empty:
      return "features: no rows"
    case .colors(let needed, let found):
      return "class colours: \(needed) classes but \(found) colours"
    case .viewDirection(let d):
      return "view direction (\(d.x), \(d.y), \(d.z)): expected a non-zero, finite vector"
    }
  }
}

/// What a sphere scene draws: 3-D features with labels, optional class weights and the loss's rule.
public struct SphereSceneInput: Sendable {
  public let features: [Vector3]
  public let labels: [Int]
  public let classCount: Int
  /// One weight row per class, or nil (then no boundaries, zones or arrows; the view follows class means).
  public let weights: [Vector3]?
  /// The rule boundaries and zones follow; nil draws no boundaries or zones.
  public let rule: MarginRule?

  /// Checks shapes and values: D = 3 for features and weights, one label per row in 0..<classCount,
  /// one weight row per class, every value finite.
  public init(
    features rows: [[Double]], labels: [Int], classCount: Int, weights: [[Double]]? = nil, rule: MarginRule? = nil
  ) throws {
    guard !rows.isEmpty else { throw SphereSceneError.empty }
    func vectors(_ array: String, _ rows: [[Double]]) throws -> [Vector3] {
      var bad = 0
      let result = try rows.enumerated().map { i, row -> Vector3 in
        guard let v = Vector3(row) else { throw SphereSceneError.dimension(array: array, row: i, found: row.count) }
        if !row.allSatisfy(\.isFinite) { bad += 1 }
        return v
      }
      guard bad == 0 else { throw SphereSceneError.nonFinite(array: array, rows: bad) }
      return result
    }
    features = try vectors("features", rows)
    guard labels.count == rows.count else {
      throw SphereSceneError.count(array: "labels", expected: rows.count, found: labels.count)
    }
    if let i = labels.firstIndex(where: { !(0..<classCount).contains($0) }) {
      throw SphereSceneError.label(row: i, label: labels[i], classCount: classCount)
    }
    self.labels = labels
    self.classCount = classCount
    if let weights {
      guard weights.count == classCount else {
        throw SphereSceneError.count(array: "class_weights", expected: classCount, found: weights.count)
      }
      self.weights = try vectors("class_weights", weights)
    } else {
      self.weights = nil
    }
    self.rule = rule
  }

  /// The directions that choose an automatic view: the class weights, or else each class's mean direction.
  public var classDirections: [Vector3] {
    if let weights { return weights }
    var sums = Array(repeating: Vector3.zero, count: classCount)
    for (f, y) in zip(features, labels) { if let d = f.direction { sums[y] = sums[y] + d } }
    return sums.filter { $0.direction != nil }
  }
}
