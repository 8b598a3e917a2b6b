import Checkpoints
import Foundation
import MarginMath
import Provenance

/// One run with every setting resolved: what `Trainer` executes and what checkpoints record.
public struct RunPlan: Codable, Equatable, Sendable {
  public var experiment: String
  public var run: String
  public var profile: String
  public var dataset: DatasetSelection
  public var loss: LossKind
  public var lossParameters: LossParameters
  public var classWeighting: ClassWeighting?
  public var network: NetworkName
  public var featureDimension: Int
  public var featureBias: Bool
  public var optimizer: RunSettings.OptimizerKind
  public var learningRate: Double
  public var momentum: Double
  public var nesterov: Bool
  public var weightDecay: Double
  public var schedule: RunSettings.ScheduleKind
  public var stepEpochs: Int?
  public var milestoneEpochs: [Int]
  public var gamma: Double
  public var warmupEpochs: Double
  public var epochs: Int
  public var batchSize: Int
  public var seed: UInt64
  public var checkpointEpochs: [Int]?
  public var softmaxWarmupEpochs: Int
  /// Iteration snapshots (`snapshots/iter-NNNNNNN.npz`) every this many iterations, and their split;
  /// both nil when off. Not part of the compared configuration: snapshots never change the training.
  public var snapshotEvery: Int?
  public var snapshotSplit: RunSettings.SnapshotSplit?
  /// Items of each split whose features checkpoints keep (nil: all). Not part of the compared
  /// configuration: it changes what is saved, not the training.
  public var savedFeatures: Int?
  /// The training-code stamp of the build that made the plan: part of the recorded configuration,
  /// so a run trained by other training code counts as changed.
  public var trainingCode: String
  /// Where the plan came from, so errors found once the data is loaded still name the file and field.
  /// Not part of the recorded configuration (moving a file does not change a run).
  public var origin = Origin(file: "", runField: "", datasetField: "dataset")
  /// A `snapshotSplit` given without `snapshotEvery` (refused by `validate`, which can name the field).
  var unusedSnapshotSplit: RunSettings.SnapshotSplit?

  public struct Origin: Equatable, Sendable {
    public var file: String
    /// `runs[i]`, the run's place in the file.
    public var runField: String
    /// `dataset`, or `runs[i].dataset` when the run names its own.
    public var datasetField: String
  }

  /// The recorded fields (every stored property but `origin`).
  enum CodingKeys: String, CodingKey {
    case experiment, run, profile, dataset, loss, lossParameters, classWeighting, network, featureDimension, featureBias
    case optimizer, learningRate, momentum, nesterov, weightDecay, schedule, stepEpochs, milestoneEpochs, gamma
    case warmupEpochs, epochs, batchSize, seed, checkpointEpochs, softmaxWarmupEpochs, snapshotEvery, snapshotSplit
    case savedFeatures, trainingCode
  }

  /// The recorded fields that say what is saved, not how it trains: `difference(from:)` ignores them.
  static let outputOnlyKeys: [CodingKeys] = [.checkpointEpochs, .snapshotEvery, .snapshotSplit, .savedFeatures]

  /// The most bytes a run's iteration snapshots may take together (README "Animations").
  public static let snapshotBytesLimit = 256_000_000

  init(
    experiment: String, run: String, profile: String, dataset: DatasetSelection, loss: LossKind,
    lossParameters: LossParameters, classWeighting: ClassWeighting?, settings s: RunSettings
  ) throws {
    // `RunSettings.builtIn` is the one place defaults live: a field `s` leaves unset comes from it.
    self.experiment = experiment
    self.run = run
    self.profile = profile
    self.dataset = dataset
    self.loss = loss
    self.lossParameters = lossParameters
    self.classWeighting = classWeighting
    network = try s.resolved(.network, \.network)
    featureDimension = try s.resolved(.featureDimension, \.featureDimension)
    featureBias = try s.resolved(.featureBias, \.featureBias)
    optimizer = try s.resolved(.optimizer, \.optimizer)
    learningRate = try s.resolved(.learningRate, \.learningRate)
    momentum = try s.resolved(.momentum, \.momentum)
    nesterov = try s.resolved(.nesterov, \.nesterov)
    weightDecay = try s.resolved(.weightDecay, \.weightDecay)
    schedule = try s.resolved(.schedule, \.schedule)
    // The optional settings: absent means "not used" (no step size, no milestones, features every epoch).
    stepEpochs = s.stepEpochs
    milestoneEpochs = s.milestoneEpochs ?? []
    gamma = try s.resolved(.gamma, \.gamma)
    warmupEpochs = try s.resolved(.warmupEpochs, \.warmupEpochs)
    epochs = try s.resolved(.epochs, \.epochs)
    batchSize = try s.resolved(.batchSize, \.batchSize)
    seed = UInt64(try s.resolved(.seed, \.seed))
    checkpointEpochs = s.checkpointEpochs
    softmaxWarmupEpochs = try s.resolved(.softmaxWarmupEpochs, \.softmaxWarmupEpochs)
    if let every = s.snapshotEvery, every > 0 {
      snapshotEvery = every
      snapshotSplit = s.snapshotSplit ?? .test
    } else {
      snapshotEvery = nil
      snapshotSplit = nil
      if let split = s.snapshotSplit { unusedSnapshotSplit = split }
    }
    savedFeatures = s.savedFeatures
    trainingCode = TrainingCode.stamp
  }

  /// An error naming `field` of this run in its experiment file (`runs[i].<field>`).
  public func fail(_ field: String, _ message: String) -> ExperimentError {
    ExperimentError(file: origin.file, field: "\(origin.runField).\(field)", message: message)
  }

  private func failInDataset(_ field: String, _ message: String) -> ExperimentError {
    ExperimentError(file: origin.file, field: "\(origin.datasetField).\(field)", message: message)
  }

  /// Cross-field checks that need the whole plan but not the data (a warm-up longer than the run, say);
  /// the checks that need the class count wait for `validate(against:)` unless the file names the classes.
  func validate() throws {
    if schedule == .step && stepEpochs == nil {
      throw fail("settings.stepEpochs", "the step schedule needs stepEpochs")
    }
    if schedule == .multistep && milestoneEpochs.isEmpty {
      throw fail("settings.milestoneEpochs", "the multistep schedule needs milestoneEpochs")
    }
    if warmupEpochs > Double(epochs) {
      throw fail(
        "settings.warmupEpochs", "a warm-up of \(warmupEpochs) epochs is longer than the \(epochs) epochs of the run")
    }
    if let bad = checkpointEpochs?.first(where: { $0 > epochs }) {
      throw fail("settings.checkpointEpochs", "epoch \(bad) is beyond the \(epochs) epochs of the run")
    }
    if let split = unusedSnapshotSplit {
      throw fail(
        "settings.snapshotSplit", "\"\(split.rawValue)\" needs snapshotEvery (iterations between snapshots, > 0)")
    }
    if softmaxWarmupEpochs >= epochs {
      throw fail(
        "settings.softmaxWarmupEpochs",
        "expected fewer than the \(epochs) epochs of the run, found \(softmaxWarmupEpochs)")
    }
    if let classes = dataset.classes {
      if Set(classes).count != classes.count { throw failInDataset("classes", "classes \(classes) repeat a class") }
      try validateCaps(isClass: classes.contains, classes: "classes \(classes)")
      _ = try validateLoss(classCount: classes.count)
    }
  }

  /// Refuses caps on classes that `isClass` rejects; `classes` describes the classes in the message.
  public func validateCaps(isClass: (Int) -> Bool, classes: String) throws {
    if let outside = dataset.trainCaps?.keys.sorted().first(where: { !isClass($0) }) {
      throw failInDataset("trainCaps.\(outside)", "caps class \(outside), which is not among \(classes)")
    }
  }

  /// Checks the loss parameters (and explicit class weights) against `classCount` classes.
  /// - Returns: the advisory warnings about the loss parameters (a run still trains with them).
  public func validateLoss(classCount: Int) throws -> [LossWarning] {
    if case .explicit(let weights) = classWeighting, weights.count != classCount {
      throw fail("parameters.classWeights", "expected \(classCount) weights (one per class), found \(weights.count)")
    }
    do {
      var parameters = lossParameters
      if case .explicit(let weights) = classWeighting { parameters.classWeights = weights }
      return try parameters.validated(for: loss, classCount: classCount, featureDimension: featureDimension)
    } catch let error as LossParameterError {
      throw fail("parameters", error.description)
    }
  }

  /// Whether features are saved after `epoch` (1-based); the last epoch always is.
  public func savesFeatures(afterEpoch epoch: Int) -> Bool {
    epoch == epochs || (checkpointEpochs?.contains(epoch) ?? true)
  }

  /// The first setting that differs from a saved run's configuration, or nil when they agree
  /// (which epochs keep features and whether snapshots are saved may change: that does not alter the
  /// training; nor does training code that `TrainingCode.reproduced` lists as computing this network's bits).
  public func difference(from saved: JSONValue) -> String? {
    guard case .object(var old) = saved, case .object(var new) = jsonValue else { return "unreadable saved settings" }
    for key in Self.outputOnlyKeys {
      old.removeValue(forKey: key.rawValue)
      new.removeValue(forKey: key.rawValue)
    }
    let codeKey = CodingKeys.trainingCode.rawValue
    if case .string(let stamp)? = old[codeKey], TrainingCode.reproduces(stamp, network: network.rawValue) {
      old[codeKey] = new[codeKey]
    }
    for key in Set(old.keys).union(new.keys).sorted() where old[key] != new[key] {
      return "\(key) was \(Self.text(old[key])), now \(Self.text(new[key]))"
    }
    return nil
  }

  private static func text(_ value: JSONValue?) -> String {
    guard let value, let data = try? JSONEncoder().encode(value) else { return "absent" }
    return String(decoding: data, as: UTF8.self)
  }

  /// The plan as JSON, recorded in every checkpoint.
  public var jsonValue: JSONValue {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    guard let data = try? encoder.encode(self), let value = try? JSONDecoder().decode(JSONValue.self, from: data) else {
      return .null
    }
    return value
  }
}
