import Foundation

/// Angles between class directions (centres or weights): each class's nearest other class through a
/// blocked Float32 product of the C × C cosines, whose near-winners are recomputed in Double, and the
/// exact matrix of the classes shown in the heatmap.
enum ClassAngleComputation {
  /// A Float32 cosine can be off by about D · 2⁻²⁴; every class within this of the best is rechecked.
  static let screeningSlack: Float = 1e-4

  static func summary(
    of words: String, directions: [Double], classCount c: Int, d: Int, names: [String], options: AnalysisOptions, phase: String
  ) throws -> ClassAngles {
    let nearest = nearestClasses(directions, classCount: c, d: d, options: options, phase: phase)
    let meanNearest = nearest.reduce(0) { $0 + $1.degrees } / Double(c)
    // Each unordered pair once, closest first; ties by class index.
    var pairs: [ClassPair] = []
    var seen = Set<Int>()
    for n in nearest.sorted(by: { ($0.degrees, min($0.class, $0.nearest), max($0.class, $0.nearest)) < ($1.degrees, min($1.class, $1.nearest), max($1.class, $1.nearest)) }) {
      let a = min(n.class, n.nearest), b = max(n.class, n.nearest)
      guard seen.insert(a * c + b).inserted else { continue }
      pairs.append(ClassPair(a: a, b: b, nameA: names[a], nameB: names[b], degrees: n.degrees))
    }
    // The heatmap's classes: all of them, or those of the closest pairs until the cap is reached.
    var shown: [Int]
    var note: String?
    if c <= options.matrixCap {
      shown = Array(0..<c)
    } else {
      var set = Set<Int>()
      shown = []
      for p in pairs where shown.count + 2 <= options.matrixCap {
        for k in [p.a, p.b] where set.insert(k).inserted { shown.append(k) }
      }
      note = "\(shown.count) of \(c) classes shown: those of the closest pairs"
    }
    let matrix = exactMatrix(directions, classes: shown, d: d)
    let order = greedyOrder(matrix)
    let ordered = order.map { r in order.map { matrix[r][$0] } }
    return ClassAngles(
      of: words, meanNearestDegrees: meanNearest, minimumDegrees: pairs.first?.degrees ?? 0,
      nearest: nearest, closestPairs: Array(pairs.prefix(options.closestPairCount)), order: order.map { shown[$0] }, matrixDegrees: ordered, note: note)
  }

  /// For every class, the closest other class (ties: the lower index) and the angle to it.
  static func nearestClasses(_ directions: [Double], classCount c: Int, d: Int, options: AnalysisOptions, phase: String) -> [NearestClass] {
    let single = directions.map { Float($0) }
    var best = [Int](repeating: 0, count: c)
    var bestCos = [Double](repeating: -2, count: c)
    let rowBlock = 32
    let blocks = (c + rowBlock - 1) / rowBlock
    best.withUnsafeMutableBufferPointer { bestOut in
      bestCos.withUnsafeMutableBufferPointer { cosOut in
        let out = Shared((bestOut, cosOut))
        single.withUnsafeBufferPointer { f in
          directions.withUnsafeBufferPointer { e in
            let fp = Shared(f.baseAddress!), ep = Shared(e.baseAddress!)
            var doneBlocks = 0
            let slice = max(1, 64 / max(1, options.parts)) * options.parts
            while doneBlocks < blocks {
              let end = min(blocks, doneBlocks + slice)
              let base = doneBlocks
              Parallel.ranges(end - base, parts: options.parts) { r in
                let cosines = UnsafeMutablePointer<Float>.allocate(capacity: rowBlock * c)
                defer { cosines.deallocate() }
                for b in (base + r.lowerBound)..<(base + r.upperBound) {
                  let j0 = b * rowBlock, j1 = min(c, j0 + rowBlock)
                  // Each other direction is loaded once per block of rows.
                  for k in 0..<c {
                    let dk = fp.value + k * d
                    for j in j0..<j1 { cosines[(j - j0) * c + k] = Kernels.screen(fp.value + j * d, dk, d) }
                  }
                  for j in j0..<j1 {
                    let row = cosines + (j - j0) * c
                    var top = -Float.infinity
                    for k in 0..<c where k != j && row[k] > top { top = row[k] }
                    var winner = -1, winnerCos = -2.0
                    for k in 0..<c where k != j && row[k] >= top - screeningSlack {
                      let exact = Kernels.dot(ep.value + j * d, ep.value + k * d, d)
                      if exact > winnerCos { winner = k; winnerCos = exact }
                    }
                    out.value.0[j] = winner
                    out.value.1[j] = winnerCos
                  }
                }
              }
              doneBlocks = end
              options.progress?(phase, Double(doneBlocks) / Double(blocks))
            }
          }
        }
      }
    }
    return (0..<c).map { NearestClass(class: $0, nearest: best[$0], degrees: Kernels.degrees(cosine: bestCos[$0])) }
  }

  static func exactMatrix(_ directions: [Double], classes: [Int], d: Int) -> [[Double]] {
    directions.withUnsafeBufferPointer { e in
      classes.map { a in classes.map { b in a == b ? 0 : Kernels.degrees(cosine: Kernels.dot(e.baseAddress! + a * d, e.baseAddress! + b * d, d)) } }
    }
  }

  /// A chain that starts at the closest pair and always steps to the nearest class not yet placed,
  /// so near classes sit together (ties: the lower index). Indices into `matrix`.
  static func greedyOrder(_ matrix: [[Double]]) -> [Int] {
    let n = matrix.count
    guard n > 2 else { return Array(0..<n) }
    var start = 0, closest = Double.infinity
    for a in 0..<n { for b in (a + 1)..<n where matrix[a][b] < closest { closest = matrix[a][b]; start = a } }
    var placed = [Bool](repeating: false, count: n)
    var order = [start]
    placed[start] = true
    while order.count < n {
      let last = order[order.count - 1]
      var next = -1, angle = Double.infinity
      for k in 0..<n where !placed[k] && matrix[last][k] < angle {
        next = k
        angle = matrix[last][k]
      }
      order.append(next)
      placed[next] = true
    }
    return order
  }
}
