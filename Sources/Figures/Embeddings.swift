import Checkpoints
import Foundation
import MarginMath

/// Labelled features from anywhere: what every checkpoint figure and `margins plot` draws.
///
/// The arrays are the whole truth: accuracies, angles and sectors are computed from them. What
/// arrays alone cannot say (the loss, its parameters, the epoch, λ in force) comes from scalar
/// arrays of the file or, for this tool's checkpoints, their metadata. See ``EmbeddingReader``
/// for the file format.
public struct Embeddings: Sendable {
  /// One split: N × D features (row-major) and their labels.
  public struct Split: Sendable {
    /// "train", "test", or the file's own name for a single unnamed split ("all").
    public var name: String
    public var features: [Float]
    public var labels: [Int]

    public var count: Int { labels.count }

    /// "Training Set" / "Testing Set", as the L-Softmax figure says.
    public var setName: String {
      switch name {
      case "train": "Training Set"
      case "test": "Testing Set"
      case "all": "Features"
      default: name
      }
    }
  }

  /// The loss the features were trained with, and the values in force at this checkpoint.
  public struct Loss: Sendable {
    public var kind: LossKind
    public var parameters: LossParameters
    /// λ in force (L-Softmax/A-Softmax annealing); `nil` computes it from the schedule at `iteration`.
    public var lambda: Double?
    /// The margin in force (after a ramp), when the file states it.
    public var marginInForce: Double?

    public init(kind: LossKind, parameters: LossParameters, lambda: Double? = nil, marginInForce: Double? = nil) {
      self.kind = kind
      self.parameters = parameters
      self.lambda = lambda
      self.marginInForce = marginInForce
    }
  }

  /// The file the arrays came from (named in errors, captions and provenance).
  public var path: String
  public var dimension: Int
  public var splits: [Split]
  /// C × D class weights (raw); `nil` when the file has none: then no accuracy and no sectors.
  public var classWeights: [Float]?
  public var classBias: [Float]?
  /// The feature norm α of an L2-softmax head.
  public var alpha: Float?
  public var classNames: [String]
  public var epoch: Int?
  public var iteration: Int?
  public var loss: Loss?
  /// Rows dropped because a feature was NaN or infinite (only with `dropNonfinite`).
  public var droppedNonfinite: Int
  /// This tool's checkpoint metadata, when the file is one of its checkpoints.
  public var metadata: CheckpointMetadata?
  /// What the reader did that the user should hear about (aliases read, labels mapped, weights
  /// transposed); printed by the commands and recorded in the provenance.
  public var notes: [String] = []
  /// The file's class count when only some classes were kept (`--classes`): accuracies are then
  /// argmax over the kept classes' weights and say so.
  public var selectedFromClassCount: Int?
  /// The train file paired with this test file (`margins plot train.npz test.npz`), if any.
  public var pairedTrainPath: String?

  public var classCount: Int { classNames.count }

  public func split(_ name: String) -> Split? { splits.first { $0.name == name } }

  /// A short identity for titles and captions: "experiment/run" for this tool's checkpoints,
  /// otherwise the file name without its extension.
  public var label: String {
    if let m = metadata { return "\(m.experiment)/\(m.run)" }
    func stem(_ p: String) -> String { ((p as NSString).lastPathComponent as NSString).deletingPathExtension }
    if let train = pairedTrainPath { return "\(stem(train))+\(stem(path))" }
    return stem(path)
  }

  /// The margin rule in force: λ as stored (never recomputed when the file has it), margins at
  /// `iteration` (after any ramp), α learned by an L2-softmax head. `nil` without a loss.
  public var rule: MarginRule? {
    guard let loss else { return nil }
    var parameters = loss.parameters
    if let alpha { parameters.alpha = Double(alpha) }
    let computed = MarginRule(kind: loss.kind, parameters: parameters, iteration: iteration ?? Int.max / 2)
    guard let lambda = loss.lambda else { return computed }
    return MarginRule(kind: computed.kind, lambda: lambda, transform: computed.transform, scale: computed.scale)
  }

  /// The class weight rows as directions (first two coordinates).
  public var directions: [(x: Double, y: Double)]? {
    guard let w = classWeights else { return nil }
    return (0..<(w.count / dimension)).map { (Double(w[$0 * dimension]), Double(w[$0 * dimension + 1])) }
  }

  /// The fraction of `split` that the label-free rule (argmax of the loss's logits; W x + b when the
  /// loss is unknown) assigns to its label. `nil` without class weights.
  public func accuracy(of split: Split) -> Double? {
    guard let w = classWeights, split.count > 0 else { return nil }
    let d = dimension, c = w.count / d
    let rows = (0..<c).map { j in (0..<d).map { Double(w[j * d + $0]) } }
    let biases = classBias.map { $0.map(Double.init) }
    let rule = self.rule ?? MarginRule(kind: .softmax, parameters: LossParameters(), iteration: 0)
    // `rule.logit` term by term (the same sums in the same order, so the same bits), with the weight
    // norms computed once and the feature norm once per row: this runs for every animation frame.
    let weightNorms = rows.map(Norms.guarded)
    var correct = 0
    var x = [Double](repeating: 0, count: d)
    for i in 0..<split.count {
      var squared = 0.0
      for k in 0..<d {
        x[k] = Double(split.features[i * d + k])
        squared += x[k] * x[k]
      }
      let featureNorm = Norms.guarded(squaredNorm: squared)
      var best = 0, bestLogit = -Double.infinity
      for j in 0..<c {
        var dot = 0.0
        for k in 0..<d { dot += x[k] * rows[j][k] }
        let z = rule.logitTerms(
          dot: dot, featureNorm: featureNorm, weightNorm: weightNorms[j], bias: biases?[j] ?? 0, isTarget: false
        ).value
        if z > bestLogit { best = j; bestLogit = z }
      }
      if best == split.labels[i] { correct += 1 }
    }
    return Double(correct) / Double(split.count)
  }

  /// The metrics of record of `split`, which every figure and the report show: for this tool's
  /// checkpoints the trainer's, stored in the metadata and measured over every item of the split
  /// (the arrays may keep only the first `savedFeatures`); for any other file, or a subset of its
  /// classes, computed from the arrays.
  public func recordedMetrics(of split: Split) -> FeatureMetrics? {
    if selectedFromClassCount == nil, droppedNonfinite == 0, let stored = metadata?.metrics[split.name] {
      return stored
    }
    return metrics(of: split)
  }

  /// The accuracy of record of `split` (see `recordedMetrics(of:)`).
  public func recordedAccuracy(of split: Split) -> Double? {
    recordedMetrics(of: split)?.accuracy ?? accuracy(of: split)
  }

  /// Geometry of `split` (angles to own class weight, achieved margin, norms), computed here.
  public func metrics(of split: Split) -> FeatureMetrics? {
    guard let w = classWeights else { return nil }
    return FeatureMetrics(
      features: split.features, labels: split.labels, classWeights: w, dimension: dimension,
      accuracy: accuracy(of: split))
  }
}
