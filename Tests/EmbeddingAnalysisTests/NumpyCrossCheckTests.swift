import EmbeddingAnalysis
import FileFormats
import _TestSupport
import Foundation
import Testing

/// Writes inputs with numpy, runs benchmarks/analysis_numpy.py (an independent numpy computation
/// of the same statistics) and the Swift analysis on the same files, and compares.
enum CrossCheck {
  static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
    .appendingPathComponent("benchmarks/analysis_numpy.py").path

  /// Runs `generator` (numpy code writing f.npy, l.npy and optionally w.npy into the working
  /// directory), then the reference script; returns the directory and the reference's first split.
  static func reference(_ generator: String, weights: Bool, pairs: Int = 500_000, pcaSample: Int = 20_000) throws -> (
    String, [String: Any], [String: Any]
  ) {
    let dir = makeTemporaryDirectory("analysis")
    let setup = "import numpy as np, os\nos.chdir('\(dir)')\n" + generator
    let out = try Python.shared.run(setup)
    guard out.isEmpty else { throw AnalysisError(path: "python3", reason: out) }
    let command =
      "import subprocess, sys\nr = subprocess.run([sys.executable, '\(script)', '\(dir)/f.npy', '--labels', '\(dir)/l.npy'"
      + (weights ? ", '--class-weights', '\(dir)/w.npy'" : "")
      + ", '--pairs', '\(pairs)', '--pca-sample', '\(pcaSample)', '--json', '\(dir)/ref.json'], capture_output=True, text=True)\nprint(r.stderr.strip())"
    let err = try Python.shared.run(command)
    guard err.isEmpty else { throw AnalysisError(path: script, reason: err) }
    let json =
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/ref.json")))
      as! [String: Any]
    let file = (json["files"] as! [[String: Any]])[0]
    return (dir, file, (file["splits"] as! [[String: Any]])[0])
  }

  /// The Swift side on the same files (labels already 0..<C).
  static func analyze(_ dir: String, weights: Bool, options: AnalysisOptions = AnalysisOptions()) throws -> FileAnalysis
  {
    try EmbeddingAnalyzer.analyze(input(dir, weights: weights), options: options)
  }

  static func input(_ dir: String, weights: Bool) throws -> AnalysisInput {
    let features = try MappedFeatures(try MappedNumpyArray(path: dir + "/f.npy"))
    let labels = try MappedNumpyArray(path: dir + "/l.npy").integers().map(Int32.init)
    var w: [Double]?
    if weights {
      let a = try MappedNumpyArray(path: dir + "/w.npy")
      var floats = [Float](repeating: 0, count: a.count)
      floats.withUnsafeMutableBufferPointer { a.copyFloats(0..<a.count, into: $0.baseAddress!) }
      w = floats.map(Double.init)
    }
    let c = Int(labels.max()!) + 1
    return AnalysisInput(
      path: dir + "/f.npy", dimension: features.dimension,
      splits: [
        LabelledSplit(name: "all", features: features, labels: labels, featuresArray: "features", labelsArray: "labels")
      ],
      classWeights: w, classNames: (0..<max(c, weights ? (w!.count / features.dimension) : 0)).map(String.init))
  }

  static func number(_ object: Any?, _ path: String...) -> Double? {
    var o = object
    for key in path { o = (o as? [String: Any])?[key] }
    return (o as? NSNumber)?.doubleValue
  }

  /// Every statistic of `split` against the reference, angles to 1e-4 degrees.
  static func compare(_ report: FileReport, _ file: [String: Any], _ ref: [String: Any], pairsToo: Bool = true) {
    let s = report.splits[0]
    let tolerance = 1e-4
    #expect(abs(s.table3.intra - number(ref, "table3", "intra")!) < tolerance)
    #expect(abs(s.table3.inter - number(ref, "table3", "inter")!) < tolerance)
    if let wEC = number(ref, "table3", "wEC") {
      #expect(abs(s.table3.wEC! - wEC) < tolerance)
      #expect(abs(s.table3.wInter! - number(ref, "table3", "wInter")!) < tolerance)
    } else {
      #expect(s.table3.wEC == nil && s.table3.wInter == nil)
    }
    #expect(abs(s.targetAngles.mean - number(ref, "targetAngles", "mean")!) < tolerance)
    #expect(abs(s.targetAngles.median - number(ref, "targetAngles", "median")!) < tolerance)
    #expect(abs(s.targetAngles.minimum - number(ref, "targetAngles", "minimum")!) < tolerance)
    #expect(abs(s.targetAngles.maximum - number(ref, "targetAngles", "maximum")!) < tolerance)
    #expect(abs(s.targetAngles.shareBeyond90 - number(ref, "targetAngles", "shareBeyond90")!) < 1e-12)
    let centres = ref["centreAngles"] as! [String: Any]
    #expect(abs(s.centreAngles.meanNearestDegrees - number(centres, "meanNearestDegrees")!) < tolerance)
    #expect(s.centreAngles.order == (centres["order"] as! [Int]))
    let refPairs = (centres["closestPairs"] as! [[String: Any]])
    #expect(s.centreAngles.closestPairs.map { [$0.a, $0.b] } == refPairs.map { [$0["a"] as! Int, $0["b"] as! Int] })
    for (mine, theirs) in zip(s.centreAngles.closestPairs, refPairs) {
      #expect(abs(mine.degrees - number(theirs, "degrees")!) < tolerance)
    }
    let matrix = centres["matrixDegrees"] as! [[Double]]
    #expect(zip(s.centreAngles.matrixDegrees.joined(), matrix.joined()).allSatisfy { abs($0 - $1) < tolerance })
    if let weights = file["weightAngles"] as? [String: Any], let w = report.weightAngles {
      #expect(abs(w.meanNearestDegrees - number(weights, "meanNearestDegrees")!) < tolerance)
      #expect(w.order == (weights["order"] as! [Int]))
    }
    let pca = ref["pca"] as! [String: Any]
    #expect(abs(s.pca.varianceShare2D - number(pca, "varianceShare2D")!) < 1e-9)
    if let share3 = number(pca, "varianceShare3D") { #expect(abs(s.pca.varianceShare3D! - share3) < 1e-9) }
    let values = pca["eigenvalues"] as! [Double]
    #expect(zip(s.pca.eigenvalues, values).allSatisfy { abs($0 - $1) < 1e-9 })
    guard pairsToo else { return }
    let p = ref["pairs"] as! [String: Any]
    #expect(s.pairs.positive.available == Int(number(p, "positive", "available")!))
    #expect(s.pairs.negative.available == Int(number(p, "negative", "available")!))
    #expect(s.pairs.positive.count == Int(number(p, "positive", "count")!))
    #expect(s.pairs.negative.count == Int(number(p, "negative", "count")!))
    #expect(abs(s.pairs.positive.mean - number(p, "positive", "mean")!) < tolerance)
    #expect(abs(s.pairs.negative.median - number(p, "negative", "median")!) < tolerance)
    for (mine, theirs) in zip(s.pairs.tarAtFar, p["tarAtFar"] as! [[String: Any]]) {
      if let tar = number(theirs, "tar") {
        #expect(mine.tar.map { abs($0 - tar) < 1e-12 } == true)
        #expect(abs(mine.thresholdDegrees! - number(theirs, "thresholdDegrees")!) < tolerance)
      } else {
        #expect(mine.tar == nil && mine.note != nil)
      }
    }
    #expect(abs(s.pairs.eer.rate - number(p, "eer", "rate")!) < 1e-12)
    if let t = number(p, "eer", "thresholdDegrees") { #expect(abs(s.pairs.eer.thresholdDegrees! - t) < tolerance) }
  }
}

@Suite(.timeLimit(.minutes(5)), .serialized, .enabled(if: Python.hasNumpy, "needs python3 with numpy"))
struct NumpyCrossCheckTests {
  @Test func randomFeaturesWithClassWeightsAgreeWithNumpy() throws {
    let (dir, file, ref) = try CrossCheck.reference(
      """
      rng = np.random.default_rng(11)
      C, D, N = 10, 16, 400
      W = rng.normal(size=(C, D))
      y = rng.permutation(np.arange(N) % C)
      np.save('f.npy', (W[y] * 2 + rng.normal(size=(N, D))).astype(np.float32))
      np.save('l.npy', y)
      np.save('w.npy', (W + 0.3 * rng.normal(size=(C, D))).astype(np.float32))
      """, weights: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let a = try CrossCheck.analyze(dir, weights: true)
    CrossCheck.compare(a.report, file, ref)
    #expect(a.report.classDirections == "class weights")
    #expect(a.report.splits[0].pairs.positive.sampled == false)
  }

  @Test func withoutWeightsTheCentresStandInAt64Dimensions() throws {
    let (dir, file, ref) = try CrossCheck.reference(
      """
      rng = np.random.default_rng(12)
      C, D, N = 7, 64, 300
      M = rng.normal(size=(C, D))
      y = np.arange(N) % C
      np.save('f.npy', (M[y] + 0.8 * rng.normal(size=(N, D))).astype(np.float64))
      np.save('l.npy', y.astype(np.int32))
      """, weights: false)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let a = try CrossCheck.analyze(dir, weights: false)
    CrossCheck.compare(a.report, file, ref)
    #expect(a.report.classDirections == "class centres")
    #expect(a.report.weightAngles == nil)
    #expect(a.report.splits[0].targetAngles.reference == "class centre")
    // Without W the target angle is the angle to the class centre: Intra's own numbers.
    #expect(abs(a.report.splits[0].targetAngles.mean - a.report.splits[0].table3.intra) < 1e-12)
  }

  @Test func adversarialInputsAgreeWithNumpy() throws {
    // Class 0: one sample. Class 1: ten identical rows. Classes 2 and 3: antipodal centres.
    // Float16 storage, and a class whose features point every which way (class 4).
    let (dir, file, ref) = try CrossCheck.reference(
      """
      rng = np.random.default_rng(13)
      D = 5
      rows, labels = [], []
      rows.append(rng.normal(size=D)); labels.append(0)
      same = rng.normal(size=D)
      for _ in range(10): rows.append(same); labels.append(1)
      e = np.eye(D)[0]
      for _ in range(20): rows.append(e * 3 + 0.2 * rng.normal(size=D)); labels.append(2)
      for _ in range(20): rows.append(-e * 3 + 0.2 * rng.normal(size=D)); labels.append(3)
      for _ in range(30): rows.append(rng.normal(size=D)); labels.append(4)
      np.save('f.npy', np.array(rows).astype(np.float16))
      np.save('l.npy', np.array(labels, dtype=np.uint8))
      np.save('w.npy', rng.normal(size=(5, D)).astype(np.float32))
      """, weights: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let a = try CrossCheck.analyze(dir, weights: true)
    CrossCheck.compare(a.report, file, ref)
    let pairs = a.report.splits[0].centreAngles.matrixDegrees
    let order = a.report.splits[0].centreAngles.order
    let (r2, r3) = (order.firstIndex(of: 2)!, order.firstIndex(of: 3)!)
    #expect(pairs[r2][r3] > 170, "antipodal centres are nearly 180° apart")
  }

  @Test func sampledPairsGiveTheSameOtherStatisticsAndCountTARDirectly() throws {
    let (dir, file, ref) = try CrossCheck.reference(
      """
      rng = np.random.default_rng(14)
      C, D, N = 50, 512, 3000
      W = rng.normal(size=(C, D))
      y = np.arange(N) % C
      np.save('f.npy', (W[y] * 0.15 + rng.normal(size=(N, D))).astype(np.float32))
      np.save('l.npy', y)
      np.save('w.npy', W.astype(np.float32))
      """, weights: true, pairs: 20_000, pcaSample: 3000)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var options = AnalysisOptions()
    options.pairCap = 20_000
    options.pcaSampleCap = 3000
    let a = try CrossCheck.analyze(dir, weights: true, options: options)
    CrossCheck.compare(a.report, file, ref, pairsToo: false)
    let s = a.report.splits[0], v = a.views[0]
    #expect(s.pairs.positive.sampled && s.pairs.negative.sampled)
    #expect(v.positiveAngles.count == 20_000 && v.negativeAngles.count == 20_000)
    // TAR and FAR by a direct count over the pair angles.
    for r in s.pairs.tarAtFar {
      guard let t = r.thresholdDegrees, let tar = r.tar else {
        #expect(r.far * 20_000 < 10, "FAR \(r.far) should be resolved with 20,000 negatives")
        continue
      }
      let accepted = v.negativeAngles.filter { $0 < t }.count
      #expect(Double(accepted) / 20_000 <= r.far)
      #expect(Double(accepted) / 20_000 == r.achievedFar)
      #expect(Double(v.positiveAngles.filter { $0 < t }.count) / 20_000 == tar)
      // One more accepted negative would pass the FAR: the threshold is as loose as allowed.
      #expect(Double(v.negativeAngles.filter { $0 <= t }.count) / 20_000 > r.far)
    }
    let eer = s.pairs.eer
    let t = try #require(eer.thresholdDegrees)
    #expect(abs(Double(v.negativeAngles.filter { $0 <= t }.count) / 20_000 - eer.far) < 1e-15)
    #expect(abs(Double(v.positiveAngles.filter { $0 > t }.count) / 20_000 - eer.frr) < 1e-15)
  }

  @Test func theResultDoesNotDependOnTheThreadCount() throws {
    let (dir, _, _) = try CrossCheck.reference(
      """
      rng = np.random.default_rng(15)
      C, D, N = 40, 96, 5000
      y = np.arange(N) % C
      np.save('f.npy', (rng.normal(size=(C, D))[y] + rng.normal(size=(N, D))).astype(np.float32))
      np.save('l.npy', y)
      np.save('w.npy', rng.normal(size=(C, D)).astype(np.float32))
      """, weights: true, pairs: 30_000)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    var reports: [Data] = []
    for parts in [1, 2, 3] {
      var options = AnalysisOptions()
      options.parts = parts
      options.pairCap = 30_000
      options.plane = (3, 8)
      reports.append(try encoder.encode(try CrossCheck.analyze(dir, weights: true, options: options).report))
    }
    #expect(reports[0] == reports[1])
    #expect(reports[0] == reports[2])
  }
}
