import Foundation

/// One split of a file: features, their labels as class indices 0..<C, and the arrays they came from.
public struct LabelledSplit: Sendable {
  /// "train", "test", or "all" for a file with one unnamed split.
  public var name: String
  public var features: any FeatureRows
  public var labels: [Int32]
  public var featuresArray: String
  public var labelsArray: String

  public init(name: String, features: any FeatureRows, labels: [Int32], featuresArray: String, labelsArray: String) {
    self.name = name
    self.features = features
    self.labels = labels
    self.featuresArray = featuresArray
    self.labelsArray = labelsArray
  }
}

/// A file to analyse: its splits, optional class weights [C, D], and the class names.
public struct AnalysisInput: Sendable {
  public var path: String
  public var dimension: Int
  public var splits: [LabelledSplit]
  /// C × D, row-major; nil when the file has none (centre, triplet or contrastive losses).
  public var classWeights: [Double]?
  public var classNames: [String]
  public var epoch: Int?
  /// The array the class weights came from, for messages.
  public var weightsArray: String

  public init(
    path: String, dimension: Int, splits: [LabelledSplit], classWeights: [Double]?, classNames: [String],
    epoch: Int? = nil,
    weightsArray: String = "class_weights"
  ) {
    self.path = path
    self.dimension = dimension
    self.splits = splits
    self.classWeights = classWeights
    self.classNames = classNames
    self.epoch = epoch
    self.weightsArray = weightsArray
  }

  public var classCount: Int { classNames.count }
}

/// What to compute and how much.
public struct AnalysisOptions: Sendable {
  /// The most same-class and different-class pairs each; below it every pair is used.
  public var pairCap = 500_000
  public var seed: UInt64 = 1701
  /// Two classes whose weights (or centres) span the exact plane view.
  public var plane: (Int, Int)?
  /// The most rows the principal components are fitted on (a seeded sample above it).
  public var pcaSampleCap = 20_000
  /// The most points kept for the projection figures.
  public var pointCap = 20_000
  /// The most classes in the stored angle matrix (the heatmap).
  public var matrixCap = 100
  /// How many closest class pairs are named.
  public var closestPairCount = 10
  /// Threads: the machine's cores by default.
  public var parts = max(1, ProcessInfo.processInfo.activeProcessorCount)
  public var progress: AnalysisProgress?

  public init() {}
}
