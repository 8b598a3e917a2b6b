/// Which data a run trains on: a dataset name (or IDX directory), an optional class
/// subset (relabelled in the order given), and optional per-class caps on the training split.
public struct DatasetSelection: Codable, Equatable, Sendable {
  public var name: String
  public var classes: [Int]?
  /// Original label → the most training images kept of that class.
  public var trainCaps: [Int: Int]?

  public init(name: String, classes: [Int]? = nil, trainCaps: [Int: Int]? = nil) {
    self.name = name
    self.classes = classes
    self.trainCaps = trainCaps
  }
}
