import Foundation

/// Counts of values in contiguous bins.
public struct Histogram: Hashable, Sendable {
  /// Bin edges, ascending; bin i is [edges[i], edges[i+1]) and the last bin includes its upper edge.
  public let edges: [Double]
  public let counts: [Double]

  public init(edges: [Double], counts: [Double]) {
    precondition(edges.count == counts.count + 1, "Histogram expects one more edge than counts")
    self.edges = edges
    self.counts = counts
  }

  /// Bins `values` into `binCount` equal bins over `range`; values outside are ignored.
  public init(values: [Double], binCount: Int, range: ClosedRange<Double>) {
    precondition(binCount > 0 && range.upperBound > range.lowerBound, "Histogram needs bins and a non-empty range")
    let width = (range.upperBound - range.lowerBound) / Double(binCount)
    var counts = [Double](repeating: 0, count: binCount)
    for v in values where v.isFinite && range.contains(v) {
      counts[min(binCount - 1, Int((v - range.lowerBound) / width))] += 1
    }
    self.init(edges: (0...binCount).map { range.lowerBound + Double($0) * width }, counts: counts)
  }

  public var total: Double { counts.reduce(0, +) }

  /// Counts divided by the total and bin width, so areas sum to 1 (compares splits of unequal size).
  public func density() -> Histogram {
    let t = total
    guard t > 0 else { return self }
    return Histogram(edges: edges, counts: counts.indices.map { counts[$0] / (t * (edges[$0 + 1] - edges[$0])) })
  }
}
