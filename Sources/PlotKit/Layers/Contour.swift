import Graphics2D

/// Level sets of a function sampled on a grid (marching squares), for decision boundaries given
/// as functions, e.g. `{ p in cos(m * p.x) - cos(p.y) }` for SphereFace in θ1–θ2 space.
public enum Contour {
  /// The curves where `f` changes sign inside `limits`, sampled on a `resolution` × `resolution`
  /// grid and joined into polylines (closed loops repeat their first point).
  ///
  /// Crossings are placed by linear interpolation along cell edges; saddle cells are split by
  /// the sign of the cell-centre average. A jump in `f` through zero also counts as a crossing.
  public static func zeroLevel(of f: (Point) -> Double, in limits: AxisLimits, resolution: Int = 200) -> [[Point]] {
    let n = max(2, resolution)
    let dx = limits.x.span / Double(n), dy = limits.y.span / Double(n)
    func node(_ i: Int, _ j: Int) -> Point {
      Point(x: limits.x.lower + Double(i) * dx, y: limits.y.lower + Double(j) * dy)
    }
    var values = [Double](repeating: 0, count: (n + 1) * (n + 1))
    for j in 0...n {
      for i in 0...n { values[j * (n + 1) + i] = f(node(i, j)) }
    }
    func value(_ i: Int, _ j: Int) -> Double { values[j * (n + 1) + i] }
    func positive(_ v: Double) -> Bool { v >= 0 || v.isNaN }

    // Edge ids: even = horizontal edge from node (i, j) to (i+1, j); odd = vertical edge to (i, j+1).
    func horizontal(_ i: Int, _ j: Int) -> Int { 2 * (j * (n + 1) + i) }
    func vertical(_ i: Int, _ j: Int) -> Int { 2 * (j * (n + 1) + i) + 1 }
    func crossing(_ edge: Int) -> Point {
      let k = edge / 2, i = k % (n + 1), j = k / (n + 1)
      let (i2, j2) = edge % 2 == 0 ? (i + 1, j) : (i, j + 1)
      let a = value(i, j), b = value(i2, j2)
      let t = a.isFinite && b.isFinite && a != b ? max(0, min(1, a / (a - b))) : 0.5
      let p = node(i, j), q = node(i2, j2)
      return Point(x: p.x + (q.x - p.x) * t, y: p.y + (q.y - p.y) * t)
    }

    var neighbours = [Int: [Int]]()
    func connect(_ a: Int, _ b: Int) {
      neighbours[a, default: []].append(b)
      neighbours[b, default: []].append(a)
    }
    for j in 0..<n {
      for i in 0..<n {
        let sa = positive(value(i, j)), sb = positive(value(i + 1, j))
        let sc = positive(value(i + 1, j + 1)), sd = positive(value(i, j + 1))
        let bottom = horizontal(i, j), right = vertical(i + 1, j), top = horizontal(i, j + 1), left = vertical(i, j)
        var crossed = [Int]()
        if sa != sb { crossed.append(bottom) }
        if sb != sc { crossed.append(right) }
        if sc != sd { crossed.append(top) }
        if sd != sa { crossed.append(left) }
        if crossed.count == 2 {
          connect(crossed[0], crossed[1])
        } else if crossed.count == 4 {
          let centre = (value(i, j) + value(i + 1, j) + value(i + 1, j + 1) + value(i, j + 1)) / 4
          if positive(centre) == sa {
            connect(bottom, right)
            connect(top, left)
          } else {
            connect(left, bottom)
            connect(right, top)
          }
        }
      }
    }

    // Walk chains: open ones from their ends first, then the remaining loops.
    var visited = Set<Int>()
    var result = [[Point]]()
    func walk(from start: Int) {
      var chain = [start]
      visited.insert(start)
      var current = start
      while let next = neighbours[current]?.first(where: { !visited.contains($0) }) {
        visited.insert(next)
        chain.append(next)
        current = next
      }
      if chain.count > 2, neighbours[current]?.contains(start) == true { chain.append(start) }
      if chain.count > 1 { result.append(chain.map(crossing)) }
    }
    let ends = neighbours.keys.filter { neighbours[$0]?.count == 1 }.sorted()
    for e in ends where !visited.contains(e) { walk(from: e) }
    for e in neighbours.keys.sorted() where !visited.contains(e) { walk(from: e) }
    return result
  }
}

/// A region given by a predicate (e.g. "classified correctly but inside the margin"), filled
/// by sampling the predicate at every output pixel (2 × 2 samples for smooth edges) and painting
/// the result as an image under the vector axes.
public struct RegionMaskLayer: PlotLayer {
  public var inside: (Point) -> Bool
  public var color: Color
  public var name: String?

  public init(color: Color = .gray(0.78), name: String? = nil, inside: @escaping (Point) -> Bool) {
    self.inside = inside
    self.color = color
    self.name = name
  }

  public var dataBounds: AxisLimits? { nil }

  public var legendEntries: [LegendEntry] {
    name.map { [LegendEntry(label: $0, color: color, symbol: .patch)] } ?? []
  }

  public func draw(in canvas: PlotCanvas) throws {
    let s = canvas.rasterScale
    guard let grid = PixelGrid(covering: canvas.mapping.box, scale: s) else { return }
    let x0 = grid.x0, y0 = grid.y0, width = grid.width, height = grid.height
    let a = color.alpha
    var words = [UInt32](repeating: 0, count: width * height)
    for row in 0..<height {
      for column in 0..<width {
        var hits = 0
        for (ox, oy) in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
          let device = Point(x: (x0 + Double(column) + ox) / s, y: (y0 + Double(row) + oy) / s)
          if inside(canvas.mapping.data(device)) { hits += 1 }
        }
        guard hits > 0 else { continue }
        let coverage = a * Double(hits) / 4
        func byte(_ v: Double) -> UInt32 { UInt32((v * coverage * 255).rounded()) }
        words[row * width + column] = byte(1) << 24 | byte(color.red) << 16 | byte(color.green) << 8 | byte(color.blue)
      }
    }
    canvas.drawImage(
      RasterImage(width: width, height: height, premultipliedARGB: words),
      in: grid.frame)
  }
}
