import Checkpoints

/// How a run trains: every field optional so that the experiment's settings, its profile,
/// the run's own settings and the command line can each override the layer below.
public struct RunSettings: Codable, Equatable, Sendable {
  public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
    case sgd
    case adam
  }

  /// Which split an iteration snapshot holds (`snapshots/iter-NNNNNNN.npz`).
  public enum SnapshotSplit: String, Codable, CaseIterable, Sendable {
    case test
    case train
    case both
  }

  public enum ScheduleKind: String, Codable, CaseIterable, Sendable {
    case constant
    case step
    case multistep
    case cosine
    case oneCycle = "one-cycle"
  }

  public var network: NetworkName?
  public var featureDimension: Int?
  /// Whether the feature layer has a bias (off for the figures: features through the origin).
  public var featureBias: Bool?
  public var optimizer: OptimizerKind?
  /// The base (or, for one-cycle, the peak) learning rate.
  public var learningRate: Double?
  public var momentum: Double?
  public var nesterov: Bool?
  public var weightDecay: Double?
  public var schedule: ScheduleKind?
  /// Step schedule: epochs between decays; multistep: the epochs at which the rate decays.
  public var stepEpochs: Int?
  public var milestoneEpochs: [Int]?
  public var gamma: Double?
  /// Linear warm-up of the learning rate over this many epochs (fractions allowed).
  public var warmupEpochs: Double?
  public var epochs: Int?
  public var batchSize: Int?
  public var seed: Int?
  /// Epochs whose features are saved besides the last (every epoch when absent, only the last
  /// when empty). Training state is saved every epoch.
  public var checkpointEpochs: [Int]?
  /// Train the first epochs with plain (modified) softmax before the margin loss takes over.
  public var softmaxWarmupEpochs: Int?
  /// Save the chosen split's features every this many iterations, for smooth animations (0: off).
  public var snapshotEvery: Int?
  public var snapshotSplit: SnapshotSplit?
  /// How many items of each split a checkpoint keeps the features of (the first ones, in the data
  /// set's order; every item when absent). Accuracies and metrics still use every item: this only
  /// keeps high-dimensional results small enough to ship.
  public var savedFeatures: Int?

  /// The feature widths a network can be built with (the checkpoint format's own limit).
  public static let featureDimensions = 2...4096

  public init() {}

  /// The field names of a `settings` object: one list, shared by the decoder, the reader and the error messages.
  public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
    case network, featureDimension, featureBias, optimizer, learningRate, momentum, nesterov, weightDecay, schedule
    case stepEpochs, milestoneEpochs, gamma, warmupEpochs, epochs, batchSize, seed, checkpointEpochs
    case softmaxWarmupEpochs, snapshotEvery, snapshotSplit, savedFeatures
  }

  static let fieldNames = Set(CodingKeys.allCases.map(\.rawValue))

  /// Reads and range-checks the settings object `reader`.
  init(reading reader: FieldReader) throws {
    try reader.rejectUnknown(Self.fieldNames)
    network = try reader.choice("network", NetworkName.self)
    featureDimension = try reader.int("featureDimension")
    if let d = featureDimension, !Self.featureDimensions.contains(d) {
      let range = Self.featureDimensions
      throw reader.fail("featureDimension", "expected \(range.lowerBound) to \(range.upperBound), found \(d)")
    }
    featureBias = try reader.bool("featureBias")
    optimizer = try reader.choice("optimizer", OptimizerKind.self)
    learningRate = try reader.double("learningRate")
    if let rate = learningRate, rate <= 0 {
      throw reader.fail("learningRate", "expected a positive number, found \(rate)")
    }
    momentum = try reader.double("momentum")
    if let m = momentum, !(0..<1).contains(m) {
      throw reader.fail("momentum", "expected a number in [0, 1), found \(m)")
    }
    nesterov = try reader.bool("nesterov")
    weightDecay = try reader.double("weightDecay")
    if let wd = weightDecay, wd < 0 { throw reader.fail("weightDecay", "expected a number >= 0, found \(wd)") }
    schedule = try reader.choice("schedule", ScheduleKind.self)
    stepEpochs = try reader.int("stepEpochs", minimum: 1)
    milestoneEpochs = try reader.ints("milestoneEpochs", minimum: 1)
    if let milestones = milestoneEpochs,
      let index = milestones.indices.dropFirst().first(where: { milestones[$0] <= milestones[$0 - 1] })
    {
      throw reader.fail(
        "milestoneEpochs[\(index)]",
        "expected strictly increasing epochs, found \(milestones[index]) after \(milestones[index - 1]) in \(milestones)"
      )
    }
    gamma = try reader.double("gamma")
    if let g = gamma, g <= 0 || g > 1 { throw reader.fail("gamma", "expected a number in (0, 1], found \(g)") }
    warmupEpochs = try reader.double("warmupEpochs")
    if let w = warmupEpochs, w < 0 { throw reader.fail("warmupEpochs", "expected a number >= 0, found \(w)") }
    epochs = try reader.int("epochs", minimum: 1)
    batchSize = try reader.int("batchSize", minimum: 1)
    seed = try reader.int("seed", minimum: 0)
    checkpointEpochs = try reader.ints("checkpointEpochs", minimum: 1)
    if let epochs = checkpointEpochs, Set(epochs).count != epochs.count {
      throw reader.fail("checkpointEpochs", "epochs \(epochs) repeat an epoch")
    }
    softmaxWarmupEpochs = try reader.int("softmaxWarmupEpochs", minimum: 0)
    snapshotEvery = try reader.int("snapshotEvery", minimum: 0)
    snapshotSplit = try reader.choice("snapshotSplit", SnapshotSplit.self)
    savedFeatures = try reader.int("savedFeatures", minimum: 1)
  }

  /// `self` with every field that `other` sets replaced by `other`'s value.
  public func overridden(by other: RunSettings) -> RunSettings {
    var merged = self
    merged.network = other.network ?? network
    merged.featureDimension = other.featureDimension ?? featureDimension
    merged.featureBias = other.featureBias ?? featureBias
    merged.optimizer = other.optimizer ?? optimizer
    merged.learningRate = other.learningRate ?? learningRate
    merged.momentum = other.momentum ?? momentum
    merged.nesterov = other.nesterov ?? nesterov
    merged.weightDecay = other.weightDecay ?? weightDecay
    merged.schedule = other.schedule ?? schedule
    merged.stepEpochs = other.stepEpochs ?? stepEpochs
    merged.milestoneEpochs = other.milestoneEpochs ?? milestoneEpochs
    merged.gamma = other.gamma ?? gamma
    merged.warmupEpochs = other.warmupEpochs ?? warmupEpochs
    merged.epochs = other.epochs ?? epochs
    merged.batchSize = other.batchSize ?? batchSize
    merged.seed = other.seed ?? seed
    merged.checkpointEpochs = other.checkpointEpochs ?? checkpointEpochs
    merged.softmaxWarmupEpochs = other.softmaxWarmupEpochs ?? softmaxWarmupEpochs
    merged.snapshotEvery = other.snapshotEvery ?? snapshotEvery
    merged.snapshotSplit = other.snapshotSplit ?? snapshotSplit
    merged.savedFeatures = other.savedFeatures ?? savedFeatures
    return merged
  }

  /// The value of every setting a plan needs: the built-in defaults overridden by `self`.
  /// - Throws: naming the field, if the built-in defaults lack it (they never should).
  func resolved<Value>(_ key: CodingKeys, _ value: KeyPath<RunSettings, Value?>) throws -> Value {
    guard let resolved = self[keyPath: value] ?? Self.builtIn[keyPath: value] else {
      throw ExperimentError(file: "built-in settings", field: key.rawValue, message: "no default value")
    }
    return resolved
  }

  /// The built-in defaults under every experiment: the compact network with a 2-D, bias-free
  /// feature, SGD with momentum and a one-cycle schedule (what trains a 2-D bottleneck fast).
  public static let builtIn: RunSettings = {
    var settings = RunSettings()
    settings.network = .compact
    settings.featureDimension = 2
    settings.featureBias = false
    settings.optimizer = .sgd
    settings.learningRate = 0.1
    settings.momentum = 0.9
    settings.nesterov = true
    settings.weightDecay = 5e-4
    settings.schedule = .oneCycle
    settings.gamma = 0.1
    settings.warmupEpochs = 0
    settings.epochs = 4
    settings.batchSize = 128
    settings.seed = 1701
    settings.softmaxWarmupEpochs = 0
    return settings
  }()
}
