import Foundation

/// The encoding half of the animation speed goal (40 frames of 10,000 points at 600 × 600 px in ≤ 3 s
/// and ≤ 5 MB): synthetic frames that look like a feature animation (a grey-shaded sphere disc and
/// antialiased dots in class colours drifting towards their class centres), encoded and timed.
/// Frame synthesis is not timed; quantisation, LZW compression and the atomic write are.
public enum GIFBenchmark {
  public struct Result: Sendable {
    public var frames: Int
    public var side: Int
    public var points: Int
    /// Wall-clock and CPU (this process) seconds of the encoding.
    public var seconds: Double
    public var cpuSeconds: Double
    public var bytes: Int
  }

  /// Deterministic synthetic frames (seeded LCG), `side` × `side` px.
  public static func syntheticFrames(count: Int, points: Int, side: Int, classColors: [GIFColor]) -> [GIFFrame] {
    precondition(!classColors.isEmpty && count >= 1 && side >= 8)
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func uniform() -> Double {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(state >> 11) / Double(1 << 53)
    }
    let s = Double(side)
    let centres = classColors.indices.map { k -> (Double, Double) in
      let a = 2 * Double.pi * Double(k) / Double(classColors.count)
      return (s / 2 + 0.3 * s * cos(a), s / 2 + 0.3 * s * sin(a))
    }
    let starts = (0..<points).map { _ in (uniform() * s, uniform() * s) }
    let labels = (0..<points).map { $0 % classColors.count }
    let jitter = (0..<points).map { _ in ((uniform() - 0.5) * 0.12 * s, (uniform() - 0.5) * 0.12 * s) }
    var background = [UInt8](repeating: 255, count: side * side * 4)
    for y in 0..<side {
      for x in 0..<side {
        let dx = (Double(x) - s / 2) / (0.45 * s), dy = (Double(y) - s / 2) / (0.45 * s)
        let r2 = dx * dx + dy * dy
        guard r2 <= 1 else { continue }
        let shade = UInt8(200 + 50 * (1 - r2).squareRoot() * (0.6 - 0.4 * dx - 0.3 * dy).clamped())
        let p = 4 * (y * side + x)
        (background[p], background[p + 1], background[p + 2]) = (shade, shade, shade)
      }
    }
    return (0..<count).map { f in
      var rgba = background
      let t = count == 1 ? 1 : Double(f) / Double(count - 1)
      for i in 0..<points {
        let (cx, cy) = centres[labels[i]]
        let x = starts[i].0 + (cx + jitter[i].0 - starts[i].0) * t
        let y = starts[i].1 + (cy + jitter[i].1 - starts[i].1) * t
        let c = classColors[labels[i]]
        // A dot of radius 2 px, its rim coverage blending the colour into what lies beneath.
        for py in max(0, Int(y) - 3)...min(side - 1, Int(y) + 3) {
          for px in max(0, Int(x) - 3)...min(side - 1, Int(x) + 3) {
            let d = ((Double(px) + 0.5 - x) * (Double(px) + 0.5 - x) + (Double(py) + 0.5 - y) * (Double(py) + 0.5 - y)).squareRoot()
            let coverage = (2.5 - d).clamped()
            guard coverage > 0 else { continue }
            let p = 4 * (py * side + px)
            func mix(_ under: UInt8, _ over: UInt8) -> UInt8 { UInt8((Double(under) * (1 - coverage) + Double(over) * coverage).rounded()) }
            (rgba[p], rgba[p + 1], rgba[p + 2]) = (mix(rgba[p], c.red), mix(rgba[p + 1], c.green), mix(rgba[p + 2], c.blue))
          }
        }
      }
      return GIFFrame(width: side, height: side, rgba: rgba)
    }
  }

  /// Encodes `frames` to `path` with the figure palette of `classColors` and times it.
  public static func measure(frames: [GIFFrame], points: Int, classColors: [GIFColor], path: String) throws -> Result {
    let palette = try GIFPalette.figure(classColors: classColors)
    let start = Date()
    let cpuStart = clock()
    try GIFWriter.write(frames, to: path, palette: palette)
    let cpuSeconds = Double(clock() - cpuStart) / Double(CLOCKS_PER_SEC)
    let seconds = Date().timeIntervalSince(start)
    let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    return Result(frames: frames.count, side: frames.first?.width ?? 0, points: points, seconds: seconds, cpuSeconds: cpuSeconds, bytes: bytes)
  }
}

extension Double {
  fileprivate func clamped() -> Double { Swift.min(1, Swift.max(0, self)) }
}
