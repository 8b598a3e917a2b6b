import Dispatch
import Foundation
import Graphics2D

/// When a scatter is drawn as per-pixel, per-class counts instead of markers.
public enum DensityMode: String, Hashable, Sendable, CaseIterable {
  /// Above ``DensityLayer/defaultThreshold`` points in a panel.
  case auto
  case always
  case never

  /// Whether a panel of `count` points is aggregated.
  public func aggregates(count: Int, threshold: Int = DensityLayer.defaultThreshold) -> Bool {
    switch self {
    case .auto: count > threshold
    case .always: true
    case .never: false
    }
  }
}

/// Rows that can be counted into a ``DensityCounter`` (in memory, or streamed from a file).
public protocol DensitySource: Sendable {
  /// Number of rows.
  var count: Int { get }
  /// Data bounds of the finite rows (the panel's limits come from it), `nil` when there are none.
  var bounds: AxisLimits? { get }
  /// Adds rows `rows` to `counter`; called from several threads with disjoint ranges.
  func accumulate(rows: Range<Int>, into counter: DensityCounter) throws
}

/// One thread's view of a count buffer: the data → pixel transform and the counts, laid out
/// `(row * width + column) * classCount + class`.
public struct DensityCounter {
  @usableFromInline let counts: UnsafeMutablePointer<UInt32>
  @usableFromInline let width: Int
  @usableFromInline let height: Int
  @usableFromInline let classCount: Int
  @usableFromInline let ax: Double, bx: Double, ay: Double, by: Double

  /// Counts one point of class `label` (points off the grid, non-finite or of an unknown class are
  /// skipped: they are outside the axes box or were refused by the reader already).
  @inlinable @inline(__always)
  public func add(x: Float, y: Float, label: Int) {
    let px = ax * Double(x) + bx, py = ay * Double(y) + by
    // The negated comparison also rejects NaN.
    guard px >= 0, py >= 0, px < Double(width), py < Double(height), label >= 0, label < classCount else { return }
    counts[(Int(py) * width + Int(px)) * classCount + label] &+= 1
  }
}

/// Per-pixel, per-class counts of a panel's points, shaded by the mix of class colours with an
/// intensity from the total count (the approach of datashader's categorical aggregation).
public struct DensityGrid: Sendable {
  public let width: Int
  public let height: Int
  public let classCount: Int
  /// Counts, `(row * width + column) * classCount + class`; row 0 is the top of the image.
  public private(set) var counts: [UInt32]

  /// Counts `source` on a `width` × `height` grid where data x maps to column `ax * x + bx` and y to
  /// row `ay * y + by`. The rows are split across `threads` threads, each counting into its own
  /// buffer (no atomics in the hot loop), and the buffers are then added.
  public static func counting(
    _ source: any DensitySource, width: Int, height: Int, classCount: Int,
    transform: (ax: Double, bx: Double, ay: Double, by: Double), threads: Int = 2
  ) throws -> DensityGrid {
    let cells = width * height * classCount
    let parts = max(1, min(threads, source.count / 50_000 + 1))
    let buffers = (0..<parts).map { _ in UnsafeMutablePointer<UInt32>.allocate(capacity: max(cells, 1)) }
    defer { buffers.forEach { $0.deallocate() } }
    let errors = ErrorBox()
    let pointers = PointerList(buffers)
    DispatchQueue.concurrentPerform(iterations: parts) { k in
      let buffer = pointers.items[k]
      buffer.initialize(repeating: 0, count: max(cells, 1))
      let n = source.count
      let rows = (n * k / parts)..<(n * (k + 1) / parts)
      let counter = DensityCounter(
        counts: buffer, width: width, height: height, classCount: classCount, ax: transform.ax, bx: transform.bx,
        ay: transform.ay, by: transform.by)
      do { try source.accumulate(rows: rows, into: counter) } catch { errors.record(error) }
    }
    if let error = errors.first { throw error }
    var grid = DensityGrid(width: width, height: height, classCount: classCount)
    grid.counts.withUnsafeMutableBufferPointer { total in
      for buffer in buffers {
        for i in 0..<cells { total[i] &+= buffer[i] }
      }
    }
    return grid
  }

  public init(width: Int, height: Int, classCount: Int) {
    self.width = width
    self.height = height
    self.classCount = classCount
    counts = [UInt32](repeating: 0, count: width * height * classCount)
  }

  /// The count of class `c` at pixel (`column`, `row`).
  public func count(column: Int, row: Int, classIndex c: Int) -> Int {
    Int(counts[(row * width + column) * classCount + c])
  }

  /// The image: each non-empty pixel gets the count-weighted mean of its classes' colours, so
  /// overlapping classes show as a mixed colour whatever order they come in, and an opacity from
  /// log(1 + total) / log(1 + busiest pixel's total), never below `minimumAlpha` (a single point
  /// stays visible). Empty pixels are transparent (the background shows).
  public func shaded(palette: Palette, minimumAlpha: Double = 0.25) -> RasterImage {
    let colors = (0..<classCount).map { c -> (Double, Double, Double) in
      let k = palette.color(forClass: c)
      return (k.red, k.green, k.blue)
    }
    var busiest: UInt32 = 0
    var totals = [UInt32](repeating: 0, count: width * height)
    counts.withUnsafeBufferPointer { p in
      for i in 0..<(width * height) {
        var t: UInt32 = 0
        for c in 0..<classCount { t &+= p[i * classCount + c] }
        totals[i] = t
        busiest = max(busiest, t)
      }
    }
    var words = [UInt32](repeating: 0, count: width * height)
    let scale = busiest > 1 ? 1 / log1p(Double(busiest)) : 0
    counts.withUnsafeBufferPointer { p in
      for i in 0..<(width * height) where totals[i] > 0 {
        let t = Double(totals[i])
        var r = 0.0, g = 0.0, b = 0.0
        for c in 0..<classCount {
          let n = Double(p[i * classCount + c])
          if n == 0 { continue }
          r += n * colors[c].0
          g += n * colors[c].1
          b += n * colors[c].2
        }
        let a = busiest > 1 ? minimumAlpha + (1 - minimumAlpha) * log1p(t) * scale : 1
        func byte(_ v: Double) -> UInt32 { UInt32(max(0, min(255, (v * 255).rounded()))) }
        words[i] = byte(a) << 24 | byte(r / t * a) << 16 | byte(g / t * a) << 8 | byte(b / t * a)
      }
    }
    return RasterImage(width: width, height: height, premultipliedARGB: words)
  }
}

/// A scatter aggregated per pixel and class (see ``DensityGrid``): the cost is one pass over the
/// points and one over the pixels, whatever the overlap, and the picture does not depend on the
/// order the classes are drawn in.
public struct DensityLayer: PlotLayer {
  /// Points per panel above which `--density auto` aggregates: below it markers read better and
  /// cost little (1,000,000 markers draw in about 0.7 s).
  public static let defaultThreshold = 200_000

  public var source: any DensitySource
  public var classNames: [String]
  public var palette: Palette
  /// Threads counting the rows (the build machine has two cores).
  public var threads: Int

  public init(source: any DensitySource, classNames: [String], palette: Palette = .colorBlindSafe, threads: Int = 2) {
    self.source = source
    self.classNames = classNames
    self.palette = palette
    self.threads = threads
  }

  public init(cloud: FeatureCloud, palette: Palette = .colorBlindSafe, threads: Int = 2) {
    self.init(
      source: CloudDensitySource(cloud: cloud), classNames: (0..<cloud.classCount).map(cloud.name(ofClass:)),
      palette: palette, threads: threads)
  }

  /// The caption line a figure with this layer carries.
  public static func captionValue(pointCount: Int) -> String {
    "\(pointCount.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))) points aggregated per pixel and class"
  }

  public var dataBounds: AxisLimits? { source.bounds }

  public var legendEntries: [LegendEntry] {
    classNames.enumerated().map { LegendEntry(label: $1, color: palette.color(forClass: $0), symbol: .dot) }
  }

  /// The counts on the pixel grid of `canvas`'s axes box (snapped like the point rasters).
  public func grid(in canvas: PlotCanvas) throws -> (grid: DensityGrid, frame: Rect)? {
    let s = canvas.rasterScale
    let m = canvas.mapping
    guard let pixels = PixelGrid(covering: m.box, scale: s), m.xScale == .linear, m.yScale == .linear else {
      return nil
    }
    let ax = m.pointsPerUnitX * s, ay = -m.pointsPerUnitY * s
    let transform = (
      ax: ax, bx: m.box.minX * s - pixels.x0 - m.limits.x.lower * ax,
      ay: ay, by: m.box.maxY * s - pixels.y0 - m.limits.y.lower * ay
    )
    let grid = try DensityGrid.counting(
      source, width: pixels.width, height: pixels.height, classCount: max(1, classNames.count), transform: transform,
      threads: threads)
    return (grid, pixels.frame)
  }

  public func draw(in canvas: PlotCanvas) throws {
    guard let (grid, frame) = try grid(in: canvas) else { return }
    canvas.drawImage(grid.shaded(palette: palette), in: frame)
  }
}

/// A ``FeatureCloud`` as a density source.
public struct CloudDensitySource: DensitySource {
  public let cloud: FeatureCloud
  public init(cloud: FeatureCloud) { self.cloud = cloud }
  public var count: Int { cloud.count }
  public var bounds: AxisLimits? { cloud.bounds }
  public func accumulate(rows: Range<Int>, into counter: DensityCounter) throws {
    cloud.xs.withUnsafeBufferPointer { xs in
      cloud.ys.withUnsafeBufferPointer { ys in
        cloud.labels.withUnsafeBufferPointer { labels in
          for i in rows { counter.add(x: xs[i], y: ys[i], label: Int(labels[i])) }
        }
      }
    }
  }
}

extension LimitsPolicy {
  /// Symmetric limits for features spread around the origin (softmax-family features radiate from
  /// it), nice limits fitted to the data otherwise: ReLU-style features in one quadrant, or a cloud
  /// far from 0, would fill a corner of symmetric axes. "Around the origin" means the origin lies
  /// inside the data on both axes with at least a fifth of the larger side on the smaller one.
  public static func forFeatures(_ bounds: AxisLimits?) -> LimitsPolicy {
    guard let b = bounds else { return .symmetric }
    func centred(_ r: AxisRange) -> Bool {
      guard r.lower < 0, r.upper > 0 else { return false }
      return min(-r.lower, r.upper) >= 0.2 * max(-r.lower, r.upper)
    }
    return centred(b.x) && centred(b.y) ? .symmetric : .nice
  }
}

private final class ErrorBox: @unchecked Sendable {
  // Unchecked: every access holds the lock.
  private let lock = NSLock()
  private var errors: [any Error] = []
  func record(_ error: any Error) { lock.withLock { errors.append(error) } }
  var first: (any Error)? { lock.withLock { errors.first } }
}

private struct PointerList: @unchecked Sendable {
  // Unchecked: each thread writes only the buffer at its own index.
  let items: [UnsafeMutablePointer<UInt32>]
  init(_ items: [UnsafeMutablePointer<UInt32>]) { self.items = items }
}
