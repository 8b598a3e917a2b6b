import MarginMath

/// The JSON half of a feature checkpoint (`epoch-NNN.json`): everything needed to
/// trace a figure back to the run that produced it and to redraw it without the engine.
public struct CheckpointMetadata: Codable, Equatable, Sendable {
  /// Bumped whenever a field changes meaning; readers refuse other versions.
  public static let currentFormatVersion = 1

  public struct Accuracy: Codable, Equatable, Sendable {
    /// Test accuracy from label-free logits.
    public var test: Double
    /// Training accuracy from label-free logits (same rule as the test set).
    public var train: Double
    /// Training accuracy under the loss's margin rule (the margin logit must win); at most `train`.
    public var trainMarginRule: Double

    public init(test: Double, train: Double, trainMarginRule: Double) {
      self.test = test
      self.train = train
      self.trainMarginRule = trainMarginRule
    }
  }

  public struct DatasetRecord: Codable, Equatable, Sendable {
    public var name: String
    /// sha256 over the four IDX files' sha256 sums (see `LoadedDataset.checksum`).
    public var checksum: String
    /// The original labels of the classes used, when a subset was taken (SphereFace's two digits).
    public var classes: [Int]?
    /// Per-class caps applied to the training split (imbalanced MNIST), keyed by original label.
    public var trainCaps: [String: Int]?
    public var trainCount: Int
    public var testCount: Int

    public init(
      name: String, checksum: String, classes: [Int]?, trainCaps: [String: Int]?, trainCount: Int, testCount: Int
    ) {
      self.name = name
      self.checksum = checksum
      self.classes = classes
      self.trainCaps = trainCaps
      self.trainCount = trainCount
      self.testCount = testCount
    }
  }

  public struct NetworkRecord: Codable, Equatable, Sendable {
    public var architecture: String
    public var featureDimension: Int
    public var featureBias: Bool
    public var parameterCount: Int

    public init(architecture: String, featureDimension: Int, featureBias: Bool, parameterCount: Int) {
      self.architecture = architecture
      self.featureDimension = featureDimension
      self.featureBias = featureBias
      self.parameterCount = parameterCount
    }
  }

  public var formatVersion: Int
  public var experiment: String
  public var run: String
  public var profile: String
  public var loss: LossKind
  public var lossParameters: LossParameters
  /// λ in force at the checkpoint (0 without annealing).
  public var lambda: Double
  /// The margin in force at the checkpoint (after any ramp).
  public var margin: Double
  /// Epochs completed (1-based) and iterations run so far.
  public var epoch: Int
  public var iteration: Int
  public var plannedEpochs: Int
  public var accuracy: Accuracy
  /// Mean training loss over the last epoch.
  public var meanLoss: Double
  public var seed: UInt64
  /// Worker threads and the oneDNN threads inside each kernel of a worker: with the seed they make
  /// the run bit-reproducible.
  public var threads: Int
  public var kernelThreads: Int
  /// The CPU kernel ISA the engine ran on (oneDNN's dispatch, e.g. `avx512_core_amx`): with the
  /// seed and threads it makes the run bit-reproducible; absent in checkpoints of older engines.
  public var kernelISA: String?
  /// The CPU's model name (`/proc/cpuinfo`): oneDNN sizes its kernels' blocking to the CPU's caches,
  /// so two CPUs with the same ISA can still round differently; absent in older checkpoints.
  public var cpuModel: String?
  /// The oneDNN version the kernels came from (`major.minor.patch`); absent in older checkpoints.
  public var oneDNNVersion: String?
  public var dataset: DatasetRecord
  public var network: NetworkRecord
  public var classNames: [String]
  /// `git describe` of the code that trained the run (or the package version outside a checkout).
  public var codeVersion: String
  /// Training wall time so far, in seconds (feature extraction excluded).
  public var wallTimeSeconds: Double
  public var metrics: [String: FeatureMetrics]
  /// sha256 of the `.npz` written with this file, so a mismatched pair is detected.
  public var arraysSHA256: String
  /// The fully resolved run configuration, as the trainer used it.
  public var configuration: JSONValue
  /// Advisory warnings about the loss parameters, printed when the run started (absent: none, or an older file).
  public var warnings: [String]?

  public init(
    experiment: String, run: String, profile: String, loss: LossKind, lossParameters: LossParameters,
    lambda: Double, margin: Double, epoch: Int, iteration: Int, plannedEpochs: Int, accuracy: Accuracy,
    meanLoss: Double, seed: UInt64, threads: Int, kernelThreads: Int, dataset: DatasetRecord, network: NetworkRecord,
    classNames: [String], codeVersion: String, wallTimeSeconds: Double, metrics: [String: FeatureMetrics],
    arraysSHA256: String = "", configuration: JSONValue = .null
  ) {
    self.formatVersion = Self.currentFormatVersion
    self.experiment = experiment
    self.run = run
    self.profile = profile
    self.loss = loss
    self.lossParameters = lossParameters
    self.lambda = lambda
    self.margin = margin
    self.epoch = epoch
    self.iteration = iteration
    self.plannedEpochs = plannedEpochs
    self.accuracy = accuracy
    self.meanLoss = meanLoss
    self.seed = seed
    self.threads = threads
    self.kernelThreads = kernelThreads
    self.dataset = dataset
    self.network = network
    self.classNames = classNames
    self.codeVersion = codeVersion
    self.wallTimeSeconds = wallTimeSeconds
    self.metrics = metrics
    self.arraysSHA256 = arraysSHA256
    self.configuration = configuration
  }
}

extension CheckpointMetadata {
  enum CodingKeys: String, CodingKey {
    case formatVersion, experiment, run, profile, loss, lossParameters, lambda, margin, epoch, iteration
    case plannedEpochs, accuracy, meanLoss, seed, threads, kernelThreads, kernelISA, cpuModel, oneDNNVersion
    case dataset, network, classNames, codeVersion, wallTimeSeconds, metrics, arraysSHA256, configuration, warnings
  }

  /// The name `kernelThreads` had in the checkpoints written before it was renamed (every shipped
  /// run's): read when the new key is absent, never written.
  enum LegacyCodingKeys: String, CodingKey {
    case blasThreads
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    formatVersion = try c.decode(Int.self, forKey: .formatVersion)
    experiment = try c.decode(String.self, forKey: .experiment)
    run = try c.decode(String.self, forKey: .run)
    profile = try c.decode(String.self, forKey: .profile)
    loss = try c.decode(LossKind.self, forKey: .loss)
    lossParameters = try c.decode(LossParameters.self, forKey: .lossParameters)
    lambda = try c.decode(Double.self, forKey: .lambda)
    margin = try c.decode(Double.self, forKey: .margin)
    epoch = try c.decode(Int.self, forKey: .epoch)
    iteration = try c.decode(Int.self, forKey: .iteration)
    plannedEpochs = try c.decode(Int.self, forKey: .plannedEpochs)
    accuracy = try c.decode(Accuracy.self, forKey: .accuracy)
    meanLoss = try c.decode(Double.self, forKey: .meanLoss)
    seed = try c.decode(UInt64.self, forKey: .seed)
    threads = try c.decode(Int.self, forKey: .threads)
    // The current key, named in the error when neither is present.
    let legacy = try decoder.container(keyedBy: LegacyCodingKeys.self)
    kernelThreads =
      try c.contains(.kernelThreads) || !legacy.contains(.blasThreads)
      ? c.decode(Int.self, forKey: .kernelThreads) : legacy.decode(Int.self, forKey: .blasThreads)
    kernelISA = try c.decodeIfPresent(String.self, forKey: .kernelISA)
    cpuModel = try c.decodeIfPresent(String.self, forKey: .cpuModel)
    oneDNNVersion = try c.decodeIfPresent(String.self, forKey: .oneDNNVersion)
    dataset = try c.decode(DatasetRecord.self, forKey: .dataset)
    network = try c.decode(NetworkRecord.self, forKey: .network)
    classNames = try c.decode([String].self, forKey: .classNames)
    codeVersion = try c.decode(String.self, forKey: .codeVersion)
    wallTimeSeconds = try c.decode(Double.self, forKey: .wallTimeSeconds)
    metrics = try c.decode([String: FeatureMetrics].self, forKey: .metrics)
    arraysSHA256 = try c.decode(String.self, forKey: .arraysSHA256)
    configuration = try c.decode(JSONValue.self, forKey: .configuration)
    warnings = try c.decodeIfPresent([String].self, forKey: .warnings)
  }
}
