import Foundation
import Randomness

/// Points and matrices the figures draw, beside the report's numbers.
public struct SplitViews: Sendable {
  /// Sample rows' normalised features projected on the first 3 (or 2) principal components, row-major.
  public var pcaPoints: [Double]
  public var pcaDimension: Int
  public var pcaLabels: [Int32]
  /// The plane view's points (x, y) and labels; empty without `--plane`.
  public var planePoints: [Double]
  public var planeLabels: [Int32]
  /// The projected class directions (first 3 components), C rows, for drawing rays.
  public var pcaDirections: [Double]
  /// Pair angles (for the histogram figure; the report holds their histograms too).
  public var positiveAngles: [Double]
  public var negativeAngles: [Double]
  /// Target angles of every row.
  public var targetAngles: [Double]
}

public struct FileAnalysis: Sendable {
  public var report: FileReport
  public var views: [SplitViews]
}

public enum EmbeddingAnalyzer {
  /// Analyses every split of `input`. Throws `AnalysisError` for input that has no answer (one
  /// class, a class missing from a split, zero-length or non-finite features, a class whose
  /// normalised features cancel out), before anything is written.
  public static func analyze(_ input: AnalysisInput, options: AnalysisOptions = AnalysisOptions()) throws
    -> FileAnalysis
  {
    let c = input.classCount, d = input.dimension
    guard d >= 2 else {
      throw AnalysisError(path: input.path, reason: "features have D = \(d); the analysis needs D >= 2")
    }
    guard let firstSplit = input.splits.first else { throw AnalysisError(path: input.path, reason: "no features") }
    guard c >= 2 else {
      throw AnalysisError(
        path: input.path, array: firstSplit.labelsArray,
        reason: "holds one class only; inter-class angles, negative pairs and the ROC need at least two classes")
    }
    // Every class must be in every split: a missing one has no centre, so Intra, Inter and W-EC
    // would silently average over fewer classes than the others.
    for split in input.splits {
      guard split.features.dimension == d else {
        throw AnalysisError(
          path: input.path, array: split.featuresArray,
          reason: "has D = \(split.features.dimension), other features have D = \(d)")
      }
      guard split.labels.count == split.features.rowCount else {
        throw AnalysisError(
          path: input.path, array: split.labelsArray,
          reason: "has \(split.labels.count) labels for \(split.features.rowCount) rows of \(split.featuresArray)")
      }
      var present = [Bool](repeating: false, count: c)
      for (row, l) in split.labels.enumerated() {
        guard l >= 0 && Int(l) < c else {
          throw AnalysisError(
            path: input.path, array: split.labelsArray,
            reason: "holds label \(l) at row \(row), outside the \(c) classes")
        }
        present[Int(l)] = true
      }
      if let missing = present.firstIndex(of: false) {
        let others =
          input.splits.count > 1
          ? " (another split has it)" : (input.classWeights != nil ? " (\(input.weightsArray) has a row for it)" : "")
        throw AnalysisError(
          path: input.path, array: split.labelsArray,
          reason:
            "class '\(input.classNames[missing])' has no rows in the \(split.name) split\(others); \(present.filter { !$0 }.count) of \(c) classes are absent"
        )
      }
    }
    if let w = input.classWeights {
      guard w.count == c * d else {
        throw AnalysisError(
          path: input.path, array: input.weightsArray, reason: "has \(w.count) values; expected [\(c), \(d)]")
      }
      guard w.allSatisfy(\.isFinite) else {
        throw AnalysisError(path: input.path, array: input.weightsArray, reason: "holds NaN or infinite values")
      }
      for j in 0..<c where (0..<d).allSatisfy({ w[j * d + $0] == 0 }) {
        throw AnalysisError(
          path: input.path, array: input.weightsArray,
          reason: "row \(j) (class '\(input.classNames[j])') is zero: it has no direction")
      }
    }
    if let (i, j) = options.plane {
      guard i >= 0, j >= 0, i < c, j < c, i != j else {
        throw AnalysisError(path: input.path, reason: "--plane \(i),\(j) needs two different classes in 0..<\(c)")
      }
    }

    // Norms and centres of every split first: every check runs before the long work.
    var stats: [SplitStatistics] = []
    for (s, split) in input.splits.enumerated() {
      stats.append(
        try SplitStatistics(
          split, classCount: c, path: input.path, options: options, phase: phaseName("centres", split, input)))
      _ = s
    }
    let referenceIndex = input.splits.firstIndex { $0.name == "train" } ?? 0
    let weights = input.classWeights.map { normalisedRows($0, rows: c, d: d) }
    let directions = weights ?? stats[referenceIndex].centres
    let directionWords =
      weights != nil
      ? "class weights"
      : (input.splits.count > 1 ? "class centres (\(input.splits[referenceIndex].name) split)" : "class centres")
    let weightAngles = try weights.map {
      try ClassAngleComputation.summary(
        of: "class weights", directions: $0, classCount: c, d: d, names: input.classNames, options: options,
        phase: "weight angles")
    }

    var splits: [SplitReport] = []
    var views: [SplitViews] = []
    for (s, split) in input.splits.enumerated() {
      let st = stats[s]
      let phase = { (name: String) in phaseName(name, split, input) }
      let ownCentres = st.centres
      let sameReference = weights == nil && s == referenceIndex
      let (intra, target) = perRowAngles(
        split, norms: st.norms, centres: ownCentres, reference: sameReference ? nil : directions, d: d,
        options: options, phase: phase("angles"))
      let targetAngles = target ?? intra
      let centreAngles = try ClassAngleComputation.summary(
        of: "class centres", directions: ownCentres, classCount: c, d: d, names: input.classNames, options: options,
        phase: phase("centre angles"))
      var wEC: Double?
      if let weights {
        var sum = 0.0
        for j in 0..<c {
          sum += weights.withUnsafeBufferPointer { w in
            ownCentres.withUnsafeBufferPointer { cc in
              Kernels.degrees(cosine: Kernels.dot(w.baseAddress! + j * d, cc.baseAddress! + j * d, d))
            }
          }
        }
        wEC = sum / Double(c)
      }
      let table3 = Table3(
        wEC: wEC, wInter: weightAngles?.meanNearestDegrees, intra: intra.reduce(0, +) / Double(intra.count),
        inter: centreAngles.meanNearestDegrees)
      let pairs = PairComputation.run(split, norms: st.norms, classCount: c, options: options, phase: phase("pairs"))
      let pca = Projection.pca(
        split, norms: st.norms, d: d, options: options, directions: directions, classCount: c, phase: phase("pca"))
      var plane: PlaneReport?
      var planePoints: [Double] = [], planeLabels: [Int32] = []
      if let (i, j) = options.plane {
        let p = try Projection.plane(
          split, norms: st.norms, d: d, directions: directions, classes: (i, j), options: options, path: input.path)
        plane = PlaneReport(
          classes: [i, j], names: [input.classNames[i], input.classNames[j]], spannedBy: directionWords,
          angleBetweenDegrees: p.angle,
          points: p.labels.count, meanInPlaneLength: p.meanLength)
        planePoints = p.points
        planeLabels = p.labels
      }
      let reference =
        weights != nil
        ? "class weight"
        : (sameReference ? "class centre" : "class centre (\(input.splits[referenceIndex].name) split)")
      splits.append(
        SplitReport(
          name: split.name, rows: split.features.rowCount, featuresArray: split.featuresArray,
          labelsArray: split.labelsArray, table3: table3,
          targetAngles: AngleDistribution(reference: reference, angles: targetAngles), pairs: pairs.report,
          centreAngles: centreAngles,
          pca: pca.report, plane: plane))
      views.append(
        SplitViews(
          pcaPoints: pca.points, pcaDimension: pca.dimension, pcaLabels: pca.labels, planePoints: planePoints,
          planeLabels: planeLabels,
          pcaDirections: pca.directions, positiveAngles: pairs.positive, negativeAngles: pairs.negative,
          targetAngles: targetAngles))
    }
    let report = FileReport(
      path: input.path, dimension: d, classCount: c, epoch: input.epoch, hasClassWeights: weights != nil,
      classDirections: directionWords,
      weightAngles: weightAngles, splits: splits)
    return FileAnalysis(report: report, views: views)
  }

  static func phaseName(_ name: String, _ split: LabelledSplit, _ input: AnalysisInput) -> String {
    input.splits.count > 1 ? "\(split.name) \(name)" : name
  }

  static func normalisedRows(_ v: [Double], rows: Int, d: Int) -> [Double] {
    var out = v
    for j in 0..<rows {
      var s = 0.0
      for k in 0..<d { s += v[j * d + k] * v[j * d + k] }
      let n = s.squareRoot()
      for k in 0..<d { out[j * d + k] = v[j * d + k] / n }
    }
    return out
  }

  /// Rows per block inside a part: small enough for a converted copy to stay in cache.
  static let block = 256

  /// Runs `body` over row ranges of `count` rows on `options.parts` threads, a slice at a time,
  /// reporting progress after each slice.
  static func rowPass(_ count: Int, options: AnalysisOptions, phase: String, _ body: (Range<Int>) -> Void) {
    let slice = 1 << 16
    var start = 0
    while start < count {
      let end = min(count, start + slice * options.parts)
      let base = start
      Parallel.ranges(end - start, parts: options.parts) { r in body((base + r.lowerBound)..<(base + r.upperBound)) }
      start = end
      options.progress?(phase, Double(start) / Double(count))
    }
  }

  /// Intra angles (to the split's own centres) and, when `reference` is given, target angles to it.
  static func perRowAngles(
    _ split: LabelledSplit, norms: [Double], centres: [Double], reference: [Double]?, d: Int, options: AnalysisOptions,
    phase: String
  ) -> (intra: [Double], target: [Double]?) {
    let n = split.features.rowCount
    var intra = [Double](repeating: 0, count: n)
    var target = [Double](repeating: 0, count: reference == nil ? 0 : n)
    let features = split.features
    intra.withUnsafeMutableBufferPointer { intraOut in
      target.withUnsafeMutableBufferPointer { targetOut in
        let outputs = Shared((intraOut, targetOut))
        rowPass(n, options: options, phase: phase) { range in
          let scratch = UnsafeMutablePointer<Float>.allocate(capacity: block * d)
          defer { scratch.deallocate() }
          centres.withUnsafeBufferPointer { cc in
            (reference ?? []).withUnsafeBufferPointer { rr in
              var lo = range.lowerBound
              while lo < range.upperBound {
                let hi = min(range.upperBound, lo + block)
                let x = features.rows(lo..<hi, scratch: scratch)
                for i in lo..<hi {
                  let row = x + (i - lo) * d
                  let y = Int(split.labels[i])
                  outputs.value.0[i] = Kernels.degrees(cosine: Kernels.dot(row, cc.baseAddress! + y * d, d) / norms[i])
                  if reference != nil {
                    outputs.value.1[i] = Kernels.degrees(
                      cosine: Kernels.dot(row, rr.baseAddress! + y * d, d) / norms[i])
                  }
                }
                lo = hi
              }
            }
          }
        }
      }
    }
    return (intra, reference == nil ? nil : target)
  }
}

/// Row norms and class centres of one split, checked.
struct SplitStatistics {
  var norms: [Double]
  /// C × D, unit rows.
  var centres: [Double]
  var counts: [Int]

  init(_ split: LabelledSplit, classCount c: Int, path: String, options: AnalysisOptions, phase: String) throws {
    let n = split.features.rowCount, d = split.features.dimension
    let features = split.features
    var norms = [Double](repeating: 0, count: n)
    norms.withUnsafeMutableBufferPointer { out in
      let o = Shared(out)
      EmbeddingAnalyzer.rowPass(n, options: options, phase: phase) { range in
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: EmbeddingAnalyzer.block * d)
        defer { scratch.deallocate() }
        var lo = range.lowerBound
        while lo < range.upperBound {
          let hi = min(range.upperBound, lo + EmbeddingAnalyzer.block)
          let x = features.rows(lo..<hi, scratch: scratch)
          for i in lo..<hi {
            let row = x + (i - lo) * d
            o.value[i] = Kernels.dot(row, row, d).squareRoot()
          }
          lo = hi
        }
      }
    }
    if let bad = norms.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
      let badRows = norms.filter { !($0.isFinite && $0 > 0) }.count
      let what = norms[bad].isNaN || norms[bad].isInfinite ? "NaN or infinite values" : "all zeros (no direction)"
      throw AnalysisError(
        path: path, array: split.featuresArray,
        reason:
          "row \(bad) holds \(what); \(badRows) of \(n) rows have no direction (angles need non-zero, finite features)")
    }
    // Sums split by columns, not rows: each sum then adds its rows in row order on any thread count.
    var sums = [Double](repeating: 0, count: c * d)
    var counts = [Int](repeating: 0, count: c)
    for l in split.labels { counts[Int(l)] += 1 }
    let columnParts = max(1, min(options.parts, d / 8))
    sums.withUnsafeMutableBufferPointer { sumsOut in
      let s = Shared(sumsOut)
      var start = 0
      let slice = 1 << 16
      while start < n {
        let end = min(n, start + slice)
        Parallel.ranges(d, parts: columnParts) { cols in
          let scratch = UnsafeMutablePointer<Float>.allocate(capacity: EmbeddingAnalyzer.block * d)
          defer { scratch.deallocate() }
          var lo = start
          while lo < end {
            let hi = min(end, lo + EmbeddingAnalyzer.block)
            let x = features.rows(lo..<hi, scratch: scratch)
            for i in lo..<hi {
              let row = x + (i - lo) * d
              let inverse = 1 / norms[i]
              let base = Int(split.labels[i]) * d
              for k in cols { s.value[base + k] += Double(row[k]) * inverse }
            }
            lo = hi
          }
        }
        start = end
        options.progress?(phase, Double(start) / Double(n))
      }
    }
    var centres = sums
    for j in 0..<c {
      var sq = 0.0
      for k in 0..<d { sq += sums[j * d + k] * sums[j * d + k] }
      let length = sq.squareRoot()
      // The mean of unit vectors shorter than 1e-6: its direction is rounding noise.
      guard length > 1e-6 * Double(counts[j]) else {
        throw AnalysisError(
          path: path, array: split.featuresArray,
          reason:
            "class \(j)'s normalised features cancel out in the \(split.name) split (mean length \(length / Double(counts[j]))): the class has no centre direction"
        )
      }
      for k in 0..<d { centres[j * d + k] = sums[j * d + k] / length }
    }
    self.norms = norms
    self.centres = centres
    self.counts = counts
  }
}
