import Foundation

/// Everything `margins analyze` computes, as written to its JSON (schema in docs/analysis.md).
/// Angles are in degrees. Optional numbers are `null` when they cannot be computed, with a note.
public struct AnalysisReport: Codable, Sendable {
  public static let currentSchemaVersion = 1
  public var schemaVersion = AnalysisReport.currentSchemaVersion
  public var tool = "margins analyze"
  public var code: String
  public var definitions = Definitions()
  public var options: ReportOptions
  public var files: [FileReport]

  public init(code: String, options: ReportOptions, files: [FileReport]) {
    self.code = code
    self.options = options
    self.files = files
  }

  /// The words behind each number, carried in the output so a reader of the JSON alone knows them.
  public struct Definitions: Codable, Sendable {
    public var angle = "angle(a, b) = arccos(a·b / (|a| |b|)) in degrees, computed in double precision"
    public var centre =
      "class centre c_j = the mean of the L2-normalised features of class j in that split, then L2-normalised"
    public var wEC = "W-EC (ArcFace Table 3): mean over classes j of angle(W_j, c_j)"
    public var wInter = "W-Inter (ArcFace Table 3): mean over classes j of min over k != j of angle(W_j, W_k)"
    public var intra =
      "Intra (ArcFace Table 3): mean over samples i of angle(x_i, c_{y_i}), with the centres of the same split"
    public var inter = "Inter (ArcFace Table 3): mean over classes j of min over k != j of angle(c_j, c_k)"
    public var classDirections =
      "the class weights W when the file has them, otherwise the class centres of the training split (or of the file's only split)"
    public var targetAngle = "angle(x_i, direction of class y_i) (ArcFace Fig. 4)"
    public var pairs =
      "positive pairs: two different samples of one class; negative pairs: samples of two different classes; every pair when there are at most pairCap of a kind, otherwise pairCap pairs drawn with replacement by the seeded SplitMix64 generator (positive: a class with probability proportional to its pair count, then two distinct members; negative: two uniform samples, redrawn while their classes agree)"
    public var roc =
      "a pair is accepted when its angle is below the threshold; TAR = accepted positives / positives, FAR = accepted negatives / negatives"
    public var tarAtFar =
      "threshold = the k-th smallest negative angle with k = floor(FAR x negatives) (0-based), so at most that share of negatives is accepted; reported only when FAR x negatives >= 10"
    public var eer =
      "over thresholds t (accept angle <= t) at every distinct pair angle and below all of them: the t with the smallest |FAR - FRR| (the smallest such t); rate = (FAR + FRR) / 2"
    public var classAngles =
      "angles between class directions; nearest = the closest other class; closestPairs = the closest (class, nearest class) pairs; order = the shown classes as a greedy nearest-neighbour chain from the closest pair, so near classes sit together"
    public var pca =
      "principal components of the L2-normalised features (mean removed) fitted on a seeded sample; the views project the normalised features (origin kept) onto the first 2 or 3 components and show their directions: a projection, not the features"
    public var plane =
      "the plane spanned by two classes' directions: the normalised features of those two classes projected onto it; their cosines to both directions are exact, the distance from the circle is the part of the feature outside the plane"
  }

  public struct ReportOptions: Codable, Sendable {
    public var pairCap: Int
    public var seed: UInt64
    @ExplicitNull public var plane: [Int]?
    public var pcaSampleCap: Int
    public var matrixCap: Int

    public init(_ o: AnalysisOptions) {
      pairCap = o.pairCap
      seed = o.seed
      plane = o.plane.map { [$0.0, $0.1] }
      pcaSampleCap = o.pcaSampleCap
      matrixCap = o.matrixCap
    }
  }
}

public struct FileReport: Codable, Sendable {
  public var path: String
  public var dimension: Int
  public var classCount: Int
  @ExplicitNull public var epoch: Int?
  public var hasClassWeights: Bool
  /// "class weights" or "class centres (train split)" and the like: what the class directions are.
  public var classDirections: String
  /// Angles between the class weights (W-Inter's inputs); nil without weights.
  @ExplicitNull public var weightAngles: ClassAngles?
  public var splits: [SplitReport]
}

public struct SplitReport: Codable, Sendable {
  public var name: String
  public var rows: Int
  public var featuresArray: String
  public var labelsArray: String
  public var table3: Table3
  public var targetAngles: AngleDistribution
  public var pairs: PairReport
  public var centreAngles: ClassAngles
  public var pca: PCAReport
  @ExplicitNull public var plane: PlaneReport?
}

public struct Table3: Codable, Sendable {
  @ExplicitNull public var wEC: Double?
  @ExplicitNull public var wInter: Double?
  public var intra: Double
  public var inter: Double
}

/// 180 bins of one degree over [0, 180]; the last bin holds 180 itself.
public struct AngleHistogram: Codable, Sendable {
  public var binWidthDegrees = 1.0
  public var counts: [Int]

  init(_ angles: [Double]) {
    var counts = [Int](repeating: 0, count: 180)
    for a in angles { counts[max(0, min(179, Int(a)))] += 1 }
    self.counts = counts
  }
}

public struct AngleDistribution: Codable, Sendable {
  /// What the angle is measured to: "class weight", "class centre (train split)", …
  public var reference: String
  public var count: Int
  public var mean: Double
  public var median: Double
  public var minimum: Double
  public var maximum: Double
  public var shareBeyond90: Double
  public var histogram: AngleHistogram

  init(reference: String, angles: [Double]) {
    self.reference = reference
    let sorted = angles.sorted()
    count = sorted.count
    mean = sorted.isEmpty ? 0 : angles.reduce(0, +) / Double(count)
    median = Self.median(sorted)
    minimum = sorted.first ?? 0
    maximum = sorted.last ?? 0
    shareBeyond90 = sorted.isEmpty ? 0 : Double(sorted.count - Self.upperBound(sorted, 90)) / Double(count)
    histogram = AngleHistogram(angles)
  }

  /// The middle value, or the mean of the two middle ones (numpy's median).
  static func median(_ sorted: [Double]) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let n = sorted.count
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
  }

  /// The number of values <= x in ascending `sorted`.
  static func upperBound(_ sorted: [Double], _ x: Double) -> Int {
    var lo = 0, hi = sorted.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if sorted[mid] <= x { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }

  /// The number of values < x in ascending `sorted`.
  static func lowerBound(_ sorted: [Double], _ x: Double) -> Int {
    var lo = 0, hi = sorted.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if sorted[mid] < x { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }
}

public struct PairSet: Codable, Sendable {
  /// Pairs of this kind that exist.
  public var available: Int
  /// Pairs used.
  public var count: Int
  public var sampled: Bool
  public var mean: Double
  public var median: Double
  public var histogram: AngleHistogram
}

public struct RocPoint: Codable, Sendable {
  /// The FAR asked for on the log grid, and the FAR reached (at most the first).
  public var targetFar: Double
  public var far: Double
  public var tar: Double
  /// Pairs below this angle are accepted; nil when every pair is (the FAR = 1 end).
  @ExplicitNull public var thresholdDegrees: Double?
}

public struct TarAtFar: Codable, Sendable {
  public var far: Double
  @ExplicitNull public var tar: Double?
  @ExplicitNull public var achievedFar: Double?
  @ExplicitNull public var thresholdDegrees: Double?
  @ExplicitNull public var note: String?
}

public struct EqualErrorRate: Codable, Sendable {
  public var rate: Double
  /// Accept angles <= this; nil when the best threshold accepts no pair.
  @ExplicitNull public var thresholdDegrees: Double?
  public var far: Double
  public var frr: Double
}

public struct PairReport: Codable, Sendable {
  public var positive: PairSet
  public var negative: PairSet
  public var roc: [RocPoint]
  public var tarAtFar: [TarAtFar]
  public var eer: EqualErrorRate
}

public struct ClassPair: Codable, Sendable, Equatable {
  public var a: Int
  public var b: Int
  public var nameA: String
  public var nameB: String
  public var degrees: Double
}

public struct NearestClass: Codable, Sendable {
  public var `class`: Int
  public var nearest: Int
  public var degrees: Double
}

public struct ClassAngles: Codable, Sendable {
  /// "class centres" or "class weights".
  public var of: String
  /// The mean over classes of the angle to the nearest other class (Inter or W-Inter).
  public var meanNearestDegrees: Double
  public var minimumDegrees: Double
  public var nearest: [NearestClass]
  public var closestPairs: [ClassPair]
  /// The shown classes (all when C <= matrixCap), in heatmap order.
  public var order: [Int]
  /// angle(order[r], order[c]) for the shown classes.
  public var matrixDegrees: [[Double]]
  @ExplicitNull public var note: String?
}

public struct PCAReport: Codable, Sendable {
  public var sampleRows: Int
  public var rows: Int
  /// The three largest eigenvalues of the covariance (fewer when D < 3), and its trace.
  public var eigenvalues: [Double]
  public var trace: Double
  public var varianceShare2D: Double
  @ExplicitNull public var varianceShare3D: Double?
}

public struct PlaneReport: Codable, Sendable {
  public var classes: [Int]
  public var names: [String]
  /// "class weights" or "class centres …".
  public var spannedBy: String
  public var angleBetweenDegrees: Double
  public var points: Int
  /// The mean length of the projected normalised features (1 = entirely in the plane).
  public var meanInPlaneLength: Double
}
