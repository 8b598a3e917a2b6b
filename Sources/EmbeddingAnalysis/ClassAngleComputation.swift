import Foundation

/// Angles between class directions (centres or weights): each class's nearest other class through a
/// blocked Float32 product of the C × C cosines, whose near-winners are recomputed in Double, and the
/// exact matrix of the classes shown in the heatmap.
enum ClassAngleComputation {
  /// A Float32 cosine can be off by about D · 2⁻²⁴; every class within this of the best is rechecked.
  static let screeningSlack: Float = 1e-4

  static func summary(
    of words: String, directions: [Double], classCount c: Int, d: Int, names: [String], options: AnalysisOptions,
    phase: String
  ) throws -> ClassAngles {
    let nearest = nearestClasses(directions, classCount: c, d: d, options: options, phase: phase)
    let meanNearest = nearest.reduce(0) { $0 + $1.degrees } / Double(c)
    // Each unordered pair once, closest first; ties by class index.
    var pairs: [ClassPair] = []
    var seen = Set<Int>()
    for n in nearest.sorted(by: {
      ($0.degrees, min($0.class, $0.nearest), max($0.class, $0.nearest)) < (
        $1.degrees, min($1.class, $1.nearest), max($1.class, $1.nearest)
      )
    }) {
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
      nearest: nearest, closestPairs: Array(pairs.prefix(options.closestPairCount)), order: order.map { shown[$0] },
      matrixDegrees: ordered, note: note)
  }

  /// The best few screening cosines of one class: (cosine, other class), best first, ties by index.
  struct Shortlist {
    static let size = 3

    @inline(__always)
    static func better(_ v: Float, _ k: Int32, than w: Float, _ l: Int32) -> Bool {
      l < 0 || v > w || (v == w && k < l)
    }
  }

  /// For every class, the closest other class (ties: the lower index) and the angle to it.
  ///
  /// Each pair's screening cosine is computed once (upper-triangle tiles of the C × C product) and
  /// offered to both classes' shortlists; the shortlist members within `screeningSlack` of the best
  /// are recomputed in Double. A class whose whole shortlist is that close (near-identical
  /// directions) is recomputed against every class. Shortlists keep the best by value then index,
  /// so neither the tile order nor the thread count changes the answer.
  static func nearestClasses(_ directions: [Double], classCount c: Int, d: Int, options: AnalysisOptions, phase: String)
    -> [NearestClass]
  {
    let single = directions.map { Float($0) }
    let tileSize = 64
    let blocks = (c + tileSize - 1) / tileSize
    var tiles: [(Int, Int)] = []
    for bj in 0..<blocks { for bk in bj..<blocks { tiles.append((bj, bk)) } }
    let parts = max(1, min(options.parts, tiles.count))
    // Per part, per class: the shortlist, flat.
    let n = Shortlist.size
    var values = [Float](repeating: -.infinity, count: parts * c * n)
    var classes = [Int32](repeating: -1, count: parts * c * n)
    values.withUnsafeMutableBufferPointer { vv in
      classes.withUnsafeMutableBufferPointer { cc in
        single.withUnsafeBufferPointer { f in
          let state = Shared((vv.baseAddress!, cc.baseAddress!, f.baseAddress!))
          let slice = max(parts, 128)
          var done = 0
          while done < tiles.count {
            let end = min(tiles.count, done + slice)
            let base = done
            Parallel.ranges(parts, parts: parts) { pr in
              let tile = UnsafeMutablePointer<Float>.allocate(capacity: tileSize * tileSize)
              let small = UnsafeMutablePointer<Float>.allocate(capacity: 8)
              defer { tile.deallocate(); small.deallocate() }
              let (vals, cls, fp) = state.value
              for p in pr {
                let myValues = vals + p * c * n, myClasses = cls + p * c * n
                @inline(__always) func offer(_ row: Int, _ v: Float, _ k: Int) {
                  let rv = myValues + row * n, rc = myClasses + row * n
                  let kk = Int32(k)
                  guard Shortlist.better(v, kk, than: rv[n - 1], rc[n - 1]) else { return }
                  var i = n - 1
                  while i > 0 && Shortlist.better(v, kk, than: rv[i - 1], rc[i - 1]) {
                    rv[i] = rv[i - 1]
                    rc[i] = rc[i - 1]
                    i -= 1
                  }
                  rv[i] = v
                  rc[i] = kk
                }
                var t = base + p
                while t < end {
                  let (bj, bk) = tiles[t]
                  let j0 = bj * tileSize, j1 = min(c, j0 + tileSize)
                  let k0 = bk * tileSize, k1 = min(c, k0 + tileSize)
                  let j4 = j0 + (j1 - j0) / 4 * 4, k2 = k0 + (k1 - k0) / 2 * 2
                  var k = k0
                  while k < k2 {
                    var j = j0
                    while j < j4 {
                      Kernels.screen4x2(fp + j * d, fp + k * d, d, small)
                      for q in 0..<2 {
                        for i in 0..<4 { tile[(j + i - j0) * tileSize + k + q - k0] = small[4 * q + i] }
                      }
                      j += 4
                    }
                    k += 2
                  }
                  for j in j0..<j1 {
                    for k in (j < j4 ? k2 : k0)..<k1 {
                      tile[(j - j0) * tileSize + k - k0] = Kernels.screen(fp + j * d, fp + k * d, d)
                    }
                  }
                  for j in j0..<j1 {
                    for k in max(k0, j + 1)..<max(max(k0, j + 1), k1) {
                      let v = tile[(j - j0) * tileSize + k - k0]
                      offer(j, v, k)
                      offer(k, v, j)
                    }
                  }
                  t += parts
                }
              }
            }
            done = end
            options.progress?(phase, Double(done) / Double(tiles.count))
          }
        }
      }
    }
    // Merge the parts' shortlists and settle each class in Double.
    return directions.withUnsafeBufferPointer { e in
      let ep = e.baseAddress!
      return (0..<c).map { j -> NearestClass in
        var merged: [(Float, Int32)] = []
        for p in 0..<parts {
          for i in 0..<n where classes[(p * c + j) * n + i] >= 0 {
            merged.append((values[(p * c + j) * n + i], classes[(p * c + j) * n + i]))
          }
        }
        merged.sort { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        let list = Array(merged.prefix(n))
        let top = list[0].0
        var candidates: [Int]
        if list.count == n && list[n - 1].0 >= top - screeningSlack {
          candidates = (0..<c).filter { $0 != j }
        } else {
          candidates = list.filter { $0.0 >= top - screeningSlack }.map { Int($0.1) }.sorted()
        }
        var winner = -1, winnerCos = -2.0
        for k in candidates {
          let exact = Kernels.dot(ep + j * d, ep + k * d, d)
          if exact > winnerCos { winner = k; winnerCos = exact }
        }
        return NearestClass(class: j, nearest: winner, degrees: Kernels.degrees(cosine: winnerCos))
      }
    }
  }

  static func exactMatrix(_ directions: [Double], classes: [Int], d: Int) -> [[Double]] {
    directions.withUnsafeBufferPointer { e in
      classes.map { a in
        classes.map { b in
          a == b ? 0 : Kernels.degrees(cosine: Kernels.dot(e.baseAddress! + a * d, e.baseAddress! + b * d, d))
        }
      }
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
