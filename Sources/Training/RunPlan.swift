import Checkpoints
import Engine
import Foundation
import MarginMath

/// One run with every setting resolved: what `Trainer` executes and what checkpoints record.
public struct RunPlan: Codable, Equatable, Sendable {
  public var experiment: String
  public var run: String
  public var profile: String
  public var dataset: DatasetSelection
  public var loss: LossKind
  public var lossParameters: LossParameters
  public var classWeighting: ClassWeighting?
  public var network: Architecture
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
  /// The training-code stamp of the build that made the plan: part of the recorded configuration,
  /// so a run trained by other training code counts as changed.
  public var trainingCode: String

  init(
    experiment: String, run: String, profile: String, dataset: DatasetSelection, loss: LossKind,
    lossParameters: LossParameters, classWeighting: ClassWeighting?, settings s: RunSettings
  ) throws {
    // `RunSettings.builtIn` sets every field the plan needs, so these never fall back.
    self.experiment = experiment
    self.run = run
    self.profile = profile
    self.dataset = dataset
    self.loss = loss
    self.lossParameters = lossParameters
    self.classWeighting = classWeighting
    network = s.network ?? .compact
    featureDimension = s.featureDimension ?? 2
    featureBias = s.featureBias ?? false
    optimizer = s.optimizer ?? .sgd
    learningRate = s.learningRate ?? 0.1
    momentum = s.momentum ?? 0.9
    nesterov = s.nesterov ?? false
    weightDecay = s.weightDecay ?? 0
    schedule = s.schedule ?? .constant
    stepEpochs = s.stepEpochs
    milestoneEpochs = s.milestoneEpochs ?? []
    gamma = s.gamma ?? 0.1
    warmupEpochs = s.warmupEpochs ?? 0
    epochs = s.epochs ?? 1
    batchSize = s.batchSize ?? 256
    seed = UInt64(s.seed ?? 1701)
    checkpointEpochs = s.checkpointEpochs
    softmaxWarmupEpochs = s.softmaxWarmupEpochs ?? 0
    trainingCode = TrainingCode.stamp
  }

  /// Cross-field checks that need the whole plan (a margin beyond the class count's bound, say).
  func validate(file: String, runField: String) throws {
    func fail(_ field: String, _ message: String) -> ExperimentError {
      ExperimentError(file: file, field: "\(runField).\(field)", message: message)
    }
    if schedule == .step && stepEpochs == nil { throw fail("settings.stepEpochs", "the step schedule needs stepEpochs") }
    if schedule == .multistep && milestoneEpochs.isEmpty {
      throw fail("settings.milestoneEpochs", "the multistep schedule needs milestoneEpochs")
    }
    if let bad = checkpointEpochs?.first(where: { $0 > epochs }) {
      throw fail("settings.checkpointEpochs", "epoch \(bad) is beyond the \(epochs) epochs of the run")
    }
    if softmaxWarmupEpochs >= epochs {
      throw fail("settings.softmaxWarmupEpochs", "expected fewer than the \(epochs) epochs of the run, found \(softmaxWarmupEpochs)")
    }
    if let classes = dataset.classes, Set(classes).count != classes.count {
      throw fail("dataset.classes", "classes \(classes) repeat a class")
    }
    if case .explicit(let weights) = classWeighting, weights.count != dataset.classCount {
      throw fail("parameters.classWeights", "expected \(dataset.classCount) weights (one per class), found \(weights.count)")
    }
    do {
      var parameters = lossParameters
      if case .explicit(let weights) = classWeighting { parameters.classWeights = weights }
      _ = try parameters.validated(for: loss, classCount: dataset.classCount, featureDimension: featureDimension)
    } catch let error as LossParameterError {
      throw fail("parameters", error.description)
    }
  }

  /// Whether features are saved after `epoch` (1-based); the last epoch always is.
  public func savesFeatures(afterEpoch epoch: Int) -> Bool {
    epoch == epochs || (checkpointEpochs?.contains(epoch) ?? true)
  }

  /// The learning-rate schedule over iterations, given the batches per epoch.
  public func learningRateSchedule(batchesPerEpoch: Int) -> LearningRateSchedule {
    let total = max(2, epochs * batchesPerEpoch)
    let rate = Float(learningRate)
    let base: LearningRateSchedule
    switch schedule {
    case .constant: base = .constant(rate: rate)
    case .step: base = .step(base: rate, stepSize: max(1, (stepEpochs ?? epochs) * batchesPerEpoch), gamma: Float(gamma))
    case .multistep: base = .multistep(base: rate, milestones: milestoneEpochs.map { $0 * batchesPerEpoch }, gamma: Float(gamma))
    case .cosine: base = .cosine(base: rate, minimum: rate * 1e-3, iterations: total)
    case .oneCycle: base = .oneCycle(maximum: rate, iterations: total)
    }
    let warmup = Int((warmupEpochs * Double(batchesPerEpoch)).rounded())
    return warmup > 0 ? .warmup(iterations: warmup, startFactor: 0.1, then: base) : base
  }

  /// The first setting that differs from a saved run's configuration, or nil when they agree
  /// (which epochs keep features may change: that does not alter the training).
  public func difference(from saved: JSONValue) -> String? {
    guard case .object(var old) = saved, case .object(var new) = jsonValue else { return "unreadable saved settings" }
    old.removeValue(forKey: "checkpointEpochs")
    new.removeValue(forKey: "checkpointEpochs")
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
