import Foundation
import Randomness

/// Same-class and different-class pair angles, the ROC, TAR at fixed FARs and the equal-error rate.
enum PairComputation {
  struct Result {
    var report: PairReport
    var positive: [Double]
    var negative: [Double]
  }

  /// FARs whose TAR is reported, and how many false accepts a FAR needs to be told apart.
  static let reportedFars = [1e-3, 1e-4]
  static let minimumFalseAccepts = 10.0

  static func run(_ split: LabelledSplit, norms: [Double], classCount c: Int, options: AnalysisOptions, phase: String)
    -> Result
  {
    let n = split.labels.count
    // Members of each class, in row order.
    var starts = [Int](repeating: 0, count: c + 1)
    for l in split.labels { starts[Int(l) + 1] += 1 }
    for j in 0..<c { starts[j + 1] += starts[j] }
    var fill = starts
    var members = [Int32](repeating: 0, count: n)
    for (i, l) in split.labels.enumerated() {
      members[fill[Int(l)]] = Int32(i)
      fill[Int(l)] += 1
    }
    var positivesAvailable = 0
    for j in 0..<c {
      let m = starts[j + 1] - starts[j]
      positivesAvailable += m * (m - 1) / 2
    }
    let negativesAvailable = n * (n - 1) / 2 - positivesAvailable
    var generator = SeededGenerator(seed: options.seed)
    let cap = options.pairCap
    // Pairs as (i, j) rows; drawn on one thread so the seed alone fixes them.
    var positivePairs: [(Int32, Int32)] = []
    if positivesAvailable <= cap {
      positivePairs.reserveCapacity(positivesAvailable)
      for j in 0..<c {
        for a in starts[j]..<starts[j + 1] {
          for b in (a + 1)..<starts[j + 1] { positivePairs.append((members[a], members[b])) }
        }
      }
    } else {
      var cumulative = [Int](repeating: 0, count: c)
      var total = 0
      for j in 0..<c {
        let m = starts[j + 1] - starts[j]
        total += m * (m - 1) / 2
        cumulative[j] = total
      }
      positivePairs.reserveCapacity(cap)
      for _ in 0..<cap {
        let u = Int(generator.next().multipliedFullWidth(by: UInt64(total)).high)
        var lo = 0, hi = c - 1
        while lo < hi {
          let mid = (lo + hi) / 2
          if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        let m = starts[lo + 1] - starts[lo]
        let a = uniform(&generator, m)
        var b = uniform(&generator, m - 1)
        if b >= a { b += 1 }
        positivePairs.append((members[starts[lo] + min(a, b)], members[starts[lo] + max(a, b)]))
      }
    }
    var negativePairs: [(Int32, Int32)] = []
    if negativesAvailable <= cap {
      negativePairs.reserveCapacity(negativesAvailable)
      for i in 0..<n {
        for j in (i + 1)..<max(i + 1, n) where split.labels[i] != split.labels[j] {
          negativePairs.append((Int32(i), Int32(j)))
        }
      }
    } else {
      negativePairs.reserveCapacity(cap)
      while negativePairs.count < cap {
        let i = uniform(&generator, n), j = uniform(&generator, n)
        if split.labels[i] == split.labels[j] { continue }
        negativePairs.append((Int32(min(i, j)), Int32(max(i, j))))
      }
    }
    let total = Double(positivePairs.count + negativePairs.count)
    let positive = angles(positivePairs, split: split, norms: norms, options: options) {
      options.progress?(phase, Double($0) / total)
    }
    let negative = angles(negativePairs, split: split, norms: norms, options: options) {
      options.progress?(phase, Double(positivePairs.count + $0) / total)
    }
    let report = summarize(
      positive: positive, negative: negative, positivesAvailable: positivesAvailable,
      negativesAvailable: negativesAvailable)
    return Result(report: report, positive: positive, negative: negative)
  }

  /// A uniform integer in 0..<m (Lemire's multiply; the bias is below 2⁻⁴⁰ for any m here).
  static func uniform(_ g: inout SeededGenerator, _ m: Int) -> Int {
    Int(g.next().multipliedFullWidth(by: UInt64(m)).high)
  }

  static func angles(
    _ pairs: [(Int32, Int32)], split: LabelledSplit, norms: [Double], options: AnalysisOptions, progress: (Int) -> Void
  ) -> [Double] {
    var out = [Double](repeating: 0, count: pairs.count)
    let d = split.features.dimension, features = split.features
    let slice = 1 << 16
    out.withUnsafeMutableBufferPointer { o in
      let result = Shared(o)
      var start = 0
      while start < pairs.count {
        let end = min(pairs.count, start + slice * options.parts)
        let base = start
        Parallel.ranges(end - base, parts: options.parts) { r in
          let a = UnsafeMutablePointer<Float>.allocate(capacity: d),
            b = UnsafeMutablePointer<Float>.allocate(capacity: d)
          defer { a.deallocate(); b.deallocate() }
          for p in (base + r.lowerBound)..<(base + r.upperBound) {
            let (i, j) = (Int(pairs[p].0), Int(pairs[p].1))
            let x = features.rows(i..<(i + 1), scratch: a), y = features.rows(j..<(j + 1), scratch: b)
            result.value[p] = Kernels.degrees(cosine: Kernels.dot(x, y, d) / (norms[i] * norms[j]))
          }
        }
        start = end
        progress(start)
      }
    }
    return out
  }

  static func pairSet(_ angles: [Double], sorted: [Double], available: Int) -> PairSet {
    PairSet(
      available: available, count: angles.count, sampled: angles.count < available,
      mean: angles.isEmpty ? 0 : angles.reduce(0, +) / Double(angles.count), median: AngleDistribution.median(sorted),
      histogram: AngleHistogram(angles))
  }

  static func summarize(positive: [Double], negative: [Double], positivesAvailable: Int, negativesAvailable: Int)
    -> PairReport
  {
    let pos = positive.sorted(), neg = negative.sorted()
    let np = Double(pos.count), nn = Double(neg.count)
    // TAR where at most `far` of the negatives are accepted (accept: angle < threshold).
    func point(_ far: Double) -> RocPoint {
      let k = Int((far * nn).rounded(.down))
      guard k < neg.count, !pos.isEmpty else { return RocPoint(targetFar: far, far: 1, tar: 1, thresholdDegrees: nil) }
      let t = neg[k]
      return RocPoint(
        targetFar: far, far: Double(AngleDistribution.lowerBound(neg, t)) / nn,
        tar: Double(AngleDistribution.lowerBound(pos, t)) / np,
        thresholdDegrees: t)
    }
    var roc: [RocPoint] = []
    if !neg.isEmpty {
      // Ten points a decade, from one negative pair up to all of them.
      let lowest = (log10(1 / nn) * 10).rounded(.up)
      for e in stride(from: lowest, through: 0, by: 1) { roc.append(point(pow(10, e / 10))) }
    }
    let tarAtFar = reportedFars.map { far -> TarAtFar in
      guard far * nn >= minimumFalseAccepts else {
        let needed = Int((minimumFalseAccepts / far).rounded(.up))
        return TarAtFar(
          far: far, tar: nil, achievedFar: nil, thresholdDegrees: nil,
          note:
            "not resolved: FAR \(far) needs at least \(needed) negative pairs (\(Int(minimumFalseAccepts)) false accepts), there are \(neg.count)"
        )
      }
      let p = point(far)
      return TarAtFar(far: far, tar: p.tar, achievedFar: p.far, thresholdDegrees: p.thresholdDegrees, note: nil)
    }
    // Equal-error rate: walk the thresholds (accept angle <= t) from below every pair upwards.
    var best = EqualErrorRate(rate: 0.5, thresholdDegrees: nil, far: 0, frr: 1)
    if !pos.isEmpty && !neg.isEmpty {
      var bestGap = 1.0
      var i = 0, j = 0
      while i < pos.count || j < neg.count {
        let t = min(i < pos.count ? pos[i] : .infinity, j < neg.count ? neg[j] : .infinity)
        while i < pos.count && pos[i] <= t { i += 1 }
        while j < neg.count && neg[j] <= t { j += 1 }
        let far = Double(j) / nn, frr = 1 - Double(i) / np
        if abs(far - frr) < bestGap {
          bestGap = abs(far - frr)
          best = EqualErrorRate(rate: (far + frr) / 2, thresholdDegrees: t, far: far, frr: frr)
        }
      }
    }
    return PairReport(
      positive: pairSet(positive, sorted: pos, available: positivesAvailable),
      negative: pairSet(negative, sorted: neg, available: negativesAvailable), roc: roc, tarAtFar: tarAtFar, eer: best)
  }
}
