import Graphics2D
import Randomness
import Foundation

/// Labelled 2-D points: the plain input of scatter and angular panels.
///
/// Coordinates are kept as `Float` because that is how feature checkpoints store them; a
/// 70,000-point cloud is then 560 kB of coordinates.
public struct FeatureCloud: Sendable {
  public var xs: [Float]
  public var ys: [Float]
  /// Class index of each point (0-based).
  public var labels: [UInt8]
  /// Display names for classes 0…C−1 (e.g. "0"…"9"); classes beyond the list are named by index.
  public var classNames: [String]

  /// - Precondition: `xs`, `ys` and `labels` have the same length.
  public init(xs: [Float], ys: [Float], labels: [UInt8], classNames: [String]) {
    precondition(
      xs.count == ys.count && ys.count == labels.count,
      "FeatureCloud expects equal counts, got xs \(xs.count), ys \(ys.count), labels \(labels.count)")
    self.xs = xs
    self.ys = ys
    self.labels = labels
    self.classNames = classNames
  }

  /// Points from a row-major N × 2 array `[x0, y0, x1, y1, …]`.
  public init(interleaved: [Float], labels: [UInt8], classNames: [String]) {
    precondition(interleaved.count == 2 * labels.count, "FeatureCloud expects N x 2 values for N labels")
    var xs = [Float](), ys = [Float]()
    xs.reserveCapacity(labels.count)
    ys.reserveCapacity(labels.count)
    for i in 0..<labels.count {
      xs.append(interleaved[2 * i])
      ys.append(interleaved[2 * i + 1])
    }
    self.init(xs: xs, ys: ys, labels: labels, classNames: classNames)
  }

  public var count: Int { labels.count }

  /// Number of classes: enough for every label and every name.
  public var classCount: Int { max(classNames.count, Int(labels.max() ?? 0) + 1) }

  public func name(ofClass c: Int) -> String { c < classNames.count ? classNames[c] : "\(c)" }

  /// Data bounds of the finite points, or `nil` for an empty cloud.
  public var bounds: AxisLimits? {
    AxisLimits(bounding: (0..<count).lazy.map { Point(x: Double(xs[$0]), y: Double(ys[$0])) })
  }

  /// Each point scaled to unit length (x/‖x‖), optionally pushed outward by
  /// `radialOffsetPerClass × class` so classes form concentric rings; zero vectors are dropped.
  ///
  /// With `radialJitter` > 0 each point also moves to a seeded random radius within ± that much of
  /// its ring, so points at the same angle spread into a band whose darkness shows their density
  /// instead of piling up into a one-pixel ring. The jitter depends only on the point's index.
  public func projectedOntoUnitCircle(radialOffsetPerClass: Float = 0, radialJitter: Float = 0) -> FeatureCloud {
    var rng = SeededGenerator(seed: 0x5EED_C1C1E)
    var px = [Float](), py = [Float](), pl = [UInt8]()
    px.reserveCapacity(count)
    py.reserveCapacity(count)
    pl.reserveCapacity(count)
    for i in 0..<count {
      let n = (xs[i] * xs[i] + ys[i] * ys[i]).squareRoot()
      guard n > 0, n.isFinite else { continue }
      let jitter = radialJitter > 0 ? radialJitter * (2 * rng.nextUniform() - 1) : 0
      let r = 1 + radialOffsetPerClass * Float(labels[i]) + jitter
      px.append(xs[i] / n * r)
      py.append(ys[i] / n * r)
      pl.append(labels[i])
    }
    return FeatureCloud(xs: px, ys: py, labels: pl, classNames: classNames)
  }

  /// Per-class median position (robust "centroid" for placing class labels); `nil` for empty classes.
  public func classMedians() -> [Point?] {
    var byClass = [[Int]](repeating: [], count: classCount)
    for i in 0..<count where xs[i].isFinite && ys[i].isFinite { byClass[Int(labels[i])].append(i) }
    return byClass.map { indices in
      guard !indices.isEmpty else { return nil }
      func median(_ values: [Float]) -> Double {
        let s = values.sorted()
        return s.count % 2 == 1 ? Double(s[s.count / 2]) : Double(s[s.count / 2 - 1] + s[s.count / 2]) / 2
      }
      return Point(x: median(indices.map { xs[$0] }), y: median(indices.map { ys[$0] }))
    }
  }

  /// The angle (degrees, 0…180) between each point and its own class direction; points whose
  /// class has no direction, and zero vectors, are skipped. Input for angle histograms.
  public func anglesToOwnClass(directions: [Point]) -> [Double] {
    var result = [Double]()
    result.reserveCapacity(count)
    for i in 0..<count {
      let c = Int(labels[i])
      guard c < directions.count else { continue }
      let w = directions[c]
      let x = Double(xs[i]), y = Double(ys[i])
      let nx = (x * x + y * y).squareRoot(), nw = (w.x * w.x + w.y * w.y).squareRoot()
      guard nx > 0, nw > 0 else { continue }
      let cosine = max(-1, min(1, (x * w.x + y * w.y) / (nx * nw)))
      result.append(acos(cosine) * 180 / .pi)
    }
    return result
  }
}
