import Foundation
import Randomness

/// Views of D-dimensional features in 2 or 3 dimensions: principal components of the normalised
/// features, and the exact plane of two class directions.
enum Projection {
  struct PCA {
    var report: PCAReport
    var points: [Double]
    var dimension: Int
    var labels: [Int32]
    var directions: [Double]
  }

  /// Sorted sample rows: all rows up to the cap, otherwise a seeded partial shuffle.
  static func sample(_ n: Int, cap: Int, seed: UInt64) -> [Int] {
    guard n > cap else { return Array(0..<n) }
    var g = SeededGenerator(seed: seed ^ 0x5CA1_AB1E)
    var index = Array(0..<n)
    for k in 0..<cap {
      let r = k + PairComputation.uniform(&g, n - k)
      index.swapAt(k, r)
    }
    return index[0..<cap].sorted()
  }

  static func pca(
    _ split: LabelledSplit, norms: [Double], d: Int, options: AnalysisOptions, directions: [Double], classCount c: Int,
    phase: String
  ) -> PCA {
    let rows = sample(split.features.rowCount, cap: options.pcaSampleCap, seed: options.seed)
    let m = rows.count
    // Mean and second moments of the normalised sample rows, a block at a time; each entry of the
    // matrix sums its blocks in order, so the thread count does not change a bit.
    var mean = [Double](repeating: 0, count: d)
    var moment = [Double](repeating: 0, count: d * d)
    let block = 64
    let transposed = UnsafeMutablePointer<Double>.allocate(capacity: d * block)
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: d)
    defer { transposed.deallocate(); scratch.deallocate() }
    // Split the upper triangle's rows so each part gets about the same work.
    let parts = max(1, min(options.parts, d))
    let bounds = (0...parts).map { p in Int((Double(d) * (1 - (1 - Double(p) / Double(parts)).squareRoot())).rounded())
    }
    var start = 0
    while start < m {
      let count = min(block, m - start)
      for r in 0..<count {
        let i = rows[start + r]
        let x = split.features.rows(i..<(i + 1), scratch: scratch)
        for k in 0..<d {
          let v = Double(x[k]) / norms[i]
          transposed[k * block + r] = v
          mean[k] += v
        }
      }
      moment.withUnsafeMutableBufferPointer { mm in
        let out = Shared(mm), t = Shared(transposed)
        Parallel.ranges(parts, parts: parts) { pr in
          for p in pr {
            for a in bounds[p]..<bounds[p + 1] {
              let ta = t.value + a * block
              for b in a..<d {
                out.value[a * d + b] += Kernels.dot(UnsafePointer(ta), UnsafePointer(t.value + b * block), count)
              }
            }
          }
        }
      }
      start += count
      options.progress?(phase, Double(start) / Double(m))
    }
    for k in 0..<d { mean[k] /= Double(m) }
    var covariance = [Double](repeating: 0, count: d * d)
    for a in 0..<d {
      for b in a..<d {
        let v = moment[a * d + b] / Double(m) - mean[a] * mean[b]
        covariance[a * d + b] = v
        covariance[b * d + a] = v
      }
    }
    let trace = (0..<d).reduce(0.0) { $0 + covariance[$1 * d + $1] }
    let k = min(3, d)
    let (values, vectors) = Eigen.top(covariance, d: d, count: k, seed: options.seed)
    let share2 = trace > 0 ? (values[0] + values[1]) / trace : 1
    let share3 = k >= 3 && trace > 0 ? (values[0] + values[1] + values[2]) / trace : nil
    // Points: the first rows of the sample, projected with the origin kept.
    let shown = Array(rows.prefix(options.pointCap))
    var points = [Double](repeating: 0, count: shown.count * k)
    for (r, i) in shown.enumerated() {
      let x = split.features.rows(i..<(i + 1), scratch: scratch)
      for e in 0..<k {
        var s = 0.0
        for q in 0..<d { s += Double(x[q]) * vectors[e * d + q] }
        points[r * k + e] = s / norms[i]
      }
    }
    var projectedDirections = [Double](repeating: 0, count: c * k)
    for j in 0..<c {
      for e in 0..<k {
        var s = 0.0
        for q in 0..<d { s += directions[j * d + q] * vectors[e * d + q] }
        projectedDirections[j * k + e] = s
      }
    }
    let report = PCAReport(
      sampleRows: m, rows: split.features.rowCount, eigenvalues: values, trace: trace, varianceShare2D: share2,
      varianceShare3D: share3)
    return PCA(
      report: report, points: points, dimension: k, labels: shown.map { split.labels[$0] },
      directions: projectedDirections)
  }

  struct Plane {
    var points: [Double]
    var labels: [Int32]
    var angle: Double
    var meanLength: Double
  }

  static func plane(
    _ split: LabelledSplit, norms: [Double], d: Int, directions: [Double], classes: (Int, Int),
    options: AnalysisOptions, path: String
  ) throws -> Plane {
    let (i, j) = classes
    let e1 = Array(directions[(i * d)..<((i + 1) * d)])
    var e2 = Array(directions[(j * d)..<((j + 1) * d)])
    let cosine = zip(e1, e2).reduce(0) { $0 + $1.0 * $1.1 }
    for q in 0..<d { e2[q] -= cosine * e1[q] }
    let length = e2.reduce(0) { $0 + $1 * $1 }.squareRoot()
    guard length > 1e-9 else {
      throw AnalysisError(
        path: path, reason: "--plane \(i),\(j): the two classes' directions are parallel; they span no plane")
    }
    for q in 0..<d { e2[q] /= length }
    let rows = (0..<split.labels.count).filter { split.labels[$0] == Int32(i) || split.labels[$0] == Int32(j) }
    let step = max(1, (rows.count + options.pointCap - 1) / options.pointCap)
    let kept = stride(from: 0, to: rows.count, by: step).map { rows[$0] }
    var points: [Double] = []
    points.reserveCapacity(2 * kept.count)
    var total = 0.0
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: d)
    defer { scratch.deallocate() }
    for r in kept {
      let x = split.features.rows(r..<(r + 1), scratch: scratch)
      var a = 0.0, b = 0.0
      for q in 0..<d {
        a += Double(x[q]) * e1[q]
        b += Double(x[q]) * e2[q]
      }
      a /= norms[r]
      b /= norms[r]
      points += [a, b]
      total += (a * a + b * b).squareRoot()
    }
    return Plane(
      points: points, labels: kept.map { split.labels[$0] }, angle: Kernels.degrees(cosine: cosine),
      meanLength: kept.isEmpty ? 0 : total / Double(kept.count))
  }
}

/// The largest eigenpairs of a symmetric matrix: cyclic Jacobi for small D, subspace iteration
/// with a Rayleigh–Ritz step (Jacobi on the small matrix) otherwise.
enum Eigen {
  /// The `count` largest eigenvalues, descending, and their unit eigenvectors (row per vector,
  /// sign fixed so the largest-magnitude entry is positive).
  static func top(_ a: [Double], d: Int, count: Int, seed: UInt64) -> (values: [Double], vectors: [Double]) {
    if d <= 128 {
      let (values, vectors) = jacobi(a, n: d)
      let order = (0..<d).sorted { (values[$0], -$0) > (values[$1], -$1) }.prefix(count)
      var v: [Double] = []
      for e in order { v += fixedSign((0..<d).map { vectors[$0 * d + e] }) }
      return (order.map { values[$0] }, v)
    }
    let k = min(d, count + 8)
    var g = SeededGenerator(seed: seed ^ 0xE16E_5EED)
    // q: k columns stored as rows.
    var q = (0..<(k * d)).map { _ in Double(g.nextNormal()) }
    orthonormalize(&q, k: k, d: d)
    var previous = [Double](repeating: .infinity, count: count)
    var ritz: (values: [Double], vectors: [Double]) = ([], [])
    for iteration in 1...300 {
      var z = [Double](repeating: 0, count: k * d)
      a.withUnsafeBufferPointer { ap in
        q.withUnsafeBufferPointer { qp in
          for e in 0..<k {
            for r in 0..<d { z[e * d + r] = Kernels.dot(ap.baseAddress! + r * d, qp.baseAddress! + e * d, d) }
          }
        }
      }
      q = z
      orthonormalize(&q, k: k, d: d)
      if iteration % 10 == 0 || iteration == 300 {
        ritz = rayleighRitz(a, q: q, k: k, d: d)
        let current = Array(ritz.values.prefix(count))
        let scale = max(abs(current[0]), 1e-300)
        if zip(current, previous).allSatisfy({ abs($0 - $1) <= 1e-12 * scale }) { break }
        previous = current
      }
    }
    return (Array(ritz.values.prefix(count)), Array(ritz.vectors.prefix(count * d)))
  }

  static func fixedSign(_ v: [Double]) -> [Double] {
    guard let big = v.indices.max(by: { abs(v[$0]) < abs(v[$1]) }) else { return v }
    return v[big] < 0 ? v.map { -$0 } : v
  }

  static func orthonormalize(_ q: inout [Double], k: Int, d: Int) {
    for e in 0..<k {
      for _ in 0..<2 {
        for f in 0..<e {
          var s = 0.0
          for r in 0..<d { s += q[e * d + r] * q[f * d + r] }
          for r in 0..<d { q[e * d + r] -= s * q[f * d + r] }
        }
      }
      var n = 0.0
      for r in 0..<d { n += q[e * d + r] * q[e * d + r] }
      n = n.squareRoot()
      for r in 0..<d { q[e * d + r] = n > 0 ? q[e * d + r] / n : (r == e ? 1 : 0) }
    }
  }

  static func rayleighRitz(_ a: [Double], q: [Double], k: Int, d: Int) -> (values: [Double], vectors: [Double]) {
    var aq = [Double](repeating: 0, count: k * d)
    for e in 0..<k {
      for r in 0..<d {
        var s = 0.0
        for c in 0..<d { s += a[r * d + c] * q[e * d + c] }
        aq[e * d + r] = s
      }
    }
    var t = [Double](repeating: 0, count: k * k)
    for e in 0..<k {
      for f in 0..<k {
        var s = 0.0
        for r in 0..<d { s += q[e * d + r] * aq[f * d + r] }
        t[e * k + f] = s
      }
    }
    for e in 0..<k {
      for f in (e + 1)..<max(e + 1, k) { let m = (t[e * k + f] + t[f * k + e]) / 2; t[e * k + f] = m; t[f * k + e] = m }
    }
    let (values, vectors) = jacobi(t, n: k)
    let order = (0..<k).sorted { (values[$0], -$0) > (values[$1], -$1) }
    var outVectors: [Double] = []
    for e in order {
      var v = [Double](repeating: 0, count: d)
      for f in 0..<k { let w = vectors[f * k + e]; for r in 0..<d { v[r] += w * q[f * d + r] } }
      outVectors += fixedSign(v)
    }
    return (order.map { values[$0] }, outVectors)
  }

  /// Eigenvalues and eigenvectors (columns of the returned n × n matrix) of a symmetric matrix.
  static func jacobi(_ input: [Double], n: Int) -> (values: [Double], vectors: [Double]) {
    var a = input
    var v = [Double](repeating: 0, count: n * n)
    for i in 0..<n { v[i * n + i] = 1 }
    for _ in 0..<100 {
      var off = 0.0
      for p in 0..<n { for q in (p + 1)..<max(p + 1, n) { off += a[p * n + q] * a[p * n + q] } }
      var diagonal = 0.0
      for p in 0..<n { diagonal += a[p * n + p] * a[p * n + p] }
      if off <= 1e-30 * max(diagonal, 1e-300) { break }
      for p in 0..<n {
        for q in (p + 1)..<max(p + 1, n) where a[p * n + q] != 0 {
          let theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q])
          let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
          let c = 1 / (t * t + 1).squareRoot(), s = t * c
          for k in 0..<n {
            let akp = a[k * n + p], akq = a[k * n + q]
            a[k * n + p] = c * akp - s * akq
            a[k * n + q] = s * akp + c * akq
          }
          for k in 0..<n {
            let apk = a[p * n + k], aqk = a[q * n + k]
            a[p * n + k] = c * apk - s * aqk
            a[q * n + k] = s * apk + c * aqk
          }
          for k in 0..<n {
            let vkp = v[k * n + p], vkq = v[k * n + q]
            v[k * n + p] = c * vkp - s * vkq
            v[k * n + q] = s * vkp + c * vkq
          }
        }
      }
    }
    return ((0..<n).map { a[$0 * n + $0] }, v)
  }
}
