import Checkpoints
import Datasets
import Dispatch
import Engine
import Experiments
import Foundation
import Losses
import MarginMath

/// The live objects of one run (network, heads, optimiser, counters) and the epoch loop.
final class TrainingSession {
  let plan: RunPlan
  let data: PreparedData
  let directory: RunDirectory
  let options: TrainerOptions
  let network: Network
  /// The loss being trained, and a plain softmax head for the warm-up epochs (sharing W's shape).
  let head: any ClassificationHead
  let warmupHead: (any ClassificationHead)?
  let optimizer: any Optimizer
  let epochSchedule: EpochSchedule
  let learningRates: LearningRateSchedule
  private(set) var completedEpochs = 0
  /// Iterations completed; the next batch is iteration `iteration + 1` (λ follows Caffe's 1-based count).
  private(set) var iteration = 0
  private(set) var wallTime = 0.0
  private var epochLoss = 0.0
  private(set) var lastMetadata: CheckpointMetadata?
  private let log: TrainingLog
  /// The training loss since the last iteration snapshot (its sum, over how many iterations).
  private var snapshotLoss = (sum: 0.0, count: 0)
  /// The plan's advisory warnings, recorded in every checkpoint's metadata.
  let warnings: [LossWarning]

  init(
    plan: RunPlan, data: PreparedData, directory: RunDirectory, options: TrainerOptions, warnings: [LossWarning] = []
  ) throws {
    self.plan = plan
    self.warnings = warnings
    self.data = data
    self.directory = directory
    self.options = options
    network = Network(
      configuration: NetworkConfiguration(
        architecture: Architecture(plan.network), featureDimension: plan.featureDimension, featureBias: plan.featureBias
      ),
      seed: plan.seed)
    var parameters = plan.lossParameters
    switch plan.classWeighting {
    case .explicit(let weights): parameters.classWeights = weights
    case .balanced: parameters.classWeights = ClassWeights.balanced(counts: data.train.classHistogram)
    case .complement: parameters.classWeights = ClassWeights.complement(counts: data.train.classHistogram)
    case nil: break
    }
    let classCount = data.train.classCount
    // The head's W is seeded apart from the network's so changing the loss never changes the network's start.
    head = try HeadFactory.makeHead(
      kind: plan.loss, parameters: parameters, classCount: classCount, featureDimension: plan.featureDimension,
      seed: plan.seed &+ 1, name: "head")
    warmupHead =
      plan.softmaxWarmupEpochs > 0
      ? try HeadFactory.makeHead(
        kind: .softmax, parameters: LossParameters(), classCount: classCount, featureDimension: plan.featureDimension,
        seed: plan.seed &+ 1, name: "head")
      : nil
    switch plan.optimizer {
    case .sgd:
      optimizer = SGD(
        momentum: Float(plan.momentum), weightDecay: Float(plan.weightDecay), nesterov: plan.nesterov,
        workers: options.workers)
    case .adam:
      optimizer = Adam(weightDecay: Float(plan.weightDecay))
    }
    epochSchedule = EpochSchedule(count: data.train.count, batchSize: plan.batchSize)
    learningRates = plan.learningRateSchedule(batchesPerEpoch: epochSchedule.batchesPerEpoch)
    log = TrainingLog(path: directory.logPath)
    try resume()
  }

  var totalIterations: Int { plan.epochs * epochSchedule.batchesPerEpoch }

  /// The head trained during `epoch` (1-based): the softmax warm-up head, then the loss's head.
  func activeHead(forEpoch epoch: Int) -> any ClassificationHead {
    if let warmupHead, epoch <= plan.softmaxWarmupEpochs { return warmupHead }
    return head
  }

  /// The newest epoch whose save finished: its state exists and, when the epoch keeps features, so do
  /// they. (`save` writes the state last; a state without its features is from a save interrupted
  /// by older code, and that epoch is trained again.)
  private func resumableEpoch() -> Int? {
    let withFeatures = Set(directory.savedEpochs())
    return directory.stateEpochs().last { epoch in
      epoch <= plan.epochs
        && (withFeatures.contains(epoch) || !(plan.savesFeatures(afterEpoch: epoch) || epoch == options.untilEpoch))
    }
  }

  /// Restores the newest saved state, if any, and cuts the log back to it.
  private func resume() throws {
    guard let epoch = resumableEpoch() else {
      try log.truncate(afterIteration: 0)
      try directory.removeSnapshots(afterIteration: 0)
      return
    }
    let path = directory.statePath(epoch: epoch)
    if let saved = try directory.savedEpochs().last.map(directory.readMetadata(epoch:)) {
      if let difference = plan.difference(from: saved.configuration) {
        throw TrainingError.incompatibleState(
          path: directory.metadataPath(epoch: saved.epoch),
          reason: "the run's settings changed since it was trained (\(difference))")
      }
      try checkThreads(
        workers: saved.threads, kernelThreads: saved.kernelThreads,
        recordedIn: directory.metadataPath(epoch: saved.epoch))
    }
    let arrays = try directory.readState(epoch: epoch)
    if let recorded = try RunDirectory.stateConfiguration(in: arrays, path: path),
      let difference = plan.difference(from: recorded)
    {
      throw TrainingError.incompatibleState(
        path: path, reason: "the run's settings changed since it was trained (\(difference))")
    }
    if let workers = try? TrainingState.counter(arrays, "trainer.workers", path: path),
      let kernelThreads = try? TrainingState.kernelThreads(arrays, path: path)
    {
      try checkThreads(workers: Int(workers), kernelThreads: Int(kernelThreads), recordedIn: path)
    }
    do {
      try network.restore(try TrainingState.tensors(arrays, prefix: "network", path: path))
      // The state holds the head that trains next (see `save`).
      let headParameters = activeHead(forEpoch: epoch + 1).parameters
      let saved = try TrainingState.tensors(arrays, prefix: "head", path: path)
      guard saved.map(\.name).sorted() == headParameters.map(\.name).sorted() else {
        throw TrainingError.incompatibleState(
          path: path, reason: "head parameters \(saved.map(\.name)) differ from \(headParameters.map(\.name))")
      }
      for parameter in headParameters {
        guard let tensor = saved.first(where: { $0.name == parameter.name })?.tensor,
          tensor.shape == parameter.value.shape
        else {
          throw TrainingError.incompatibleState(path: path, reason: "\(parameter.name) has another shape")
        }
        parameter.value = tensor
      }
      try optimizer.restore(
        try TrainingState.tensors(arrays, prefix: "optimizer", path: path),
        for: network.parameters + headParameters)
    } catch let error as StateError {
      throw TrainingError.incompatibleState(path: path, reason: error.description)
    }
    completedEpochs = Int(try TrainingState.counter(arrays, "trainer.epoch", path: path))
    iteration = Int(try TrainingState.counter(arrays, "trainer.iteration", path: path))
    wallTime = try TrainingState.counter(arrays, "trainer.wall_time", path: path)
    // State from before snapshots were switched on has no running sum: the first snapshot's mean starts here.
    if let sum = try? TrainingState.counter(arrays, TrainingState.snapshotLossSum, path: path),
      let count = try? TrainingState.counter(arrays, TrainingState.snapshotLossCount, path: path)
    {
      snapshotLoss = (sum, Int(count))
    }
    lastMetadata = try latestMetadata()
    try log.truncate(afterIteration: iteration)
    // Snapshots after the state's iteration come from a run that was cut off; they are written again.
    try directory.removeSnapshots(afterIteration: iteration)
  }

  /// Hands the warmed-up class directions to the margin head.
  private func copyWarmupWeights() {
    guard let warmupHead else { return }
    head.weight.value = warmupHead.weight.value
  }

  /// Summation order depends on the thread split, so a run resumed with other counts would not end
  /// as the uninterrupted run does: refuse, naming both.
  private func checkThreads(workers: Int, kernelThreads: Int, recordedIn path: String) throws {
    guard workers != options.workers || kernelThreads != options.kernelThreads else { return }
    throw TrainingError.incompatibleState(
      path: path,
      reason:
        "it was trained with --workers \(workers) --kernel-threads \(kernelThreads), now --workers \(options.workers) "
        + "--kernel-threads \(options.kernelThreads); the thread split changes the summation order, so the result would differ "
        + "from an uninterrupted run. Resume with the recorded counts (or --fresh)")
  }

  func latestMetadata() throws -> CheckpointMetadata? {
    if let lastMetadata, lastMetadata.epoch == completedEpochs { return lastMetadata }
    guard let epoch = directory.savedEpochs().last(where: { $0 <= completedEpochs }) else { return nil }
    return try directory.readMetadata(epoch: epoch)
  }

  /// Trains epoch `epoch` (1-based) over the seeded batch order of that epoch.
  func trainEpoch(_ epoch: Int, progress: ProgressReporter) throws {
    let currentHead = activeHead(forEpoch: epoch)
    let parameters = network.parameters + currentHead.parameters
    let order = epochSchedule.order(epoch: epoch - 1, seed: plan.seed)
    let sessionStart = DispatchTime.now().uptimeNanoseconds
    var lossSum = 0.0
    for batch in 0..<epochSchedule.batchesPerEpoch {
      let batchStart = DispatchTime.now().uptimeNanoseconds
      let indices = epochSchedule.indices(ofBatch: batch, in: order)
      let (inputs, labels) = data.train.batch(indices, normalization: data.normalization)
      let input = Tensor(shape: [indices.count, 1, data.train.rows, data.train.columns], scalars: inputs)
      iteration += 1
      for parameter in parameters { parameter.zeroGradient(workers: network.workers) }
      let features = network.forward(input, mode: .training)
      guard features.isFinite else { throw nonFinite("the feature layer's output", epoch: epoch) }
      let loss = currentHead.forward(features: features, labels: labels, iteration: iteration)
      guard loss.isFinite else { throw nonFinite("the training loss", epoch: epoch) }
      let featureGradient = currentHead.backward()
      guard featureGradient.isFinite else { throw nonFinite("the loss gradient", epoch: epoch) }
      _ = network.backward(featureGradient)
      let learningRate = learningRates.learningRate(at: iteration - 1)
      optimizer.step(parameters, learningRate: learningRate)
      lossSum += loss
      wallTime += Double(DispatchTime.now().uptimeNanoseconds - batchStart) / 1e9
      try saveSnapshotIfDue(loss: loss, head: currentHead, epoch: epoch)
      let output = currentHead.lastOutput
      let rule = output?.rule ?? currentHead.rule(at: iteration)
      log.append(
        iteration: iteration, epoch: epoch, loss: loss, lambda: rule.lambda,
        margin: rule.margin, learningRate: Double(learningRate),
        accuracy: output?.labelFreeAccuracy ?? 0, marginAccuracy: output?.marginAccuracy ?? 0)
      progress.update(
        .init(
          run: "\(plan.experiment)/\(plan.run)", epoch: epoch, epochs: plan.epochs, iteration: iteration,
          iterations: totalIterations, loss: loss, lambda: rule.lambda,
          learningRate: Double(learningRate), accuracy: output?.labelFreeAccuracy ?? 0,
          elapsed: Double(DispatchTime.now().uptimeNanoseconds - sessionStart) / 1e9,
          iterationsThisSession: batch + 1))
    }
    try log.flush()
    epochLoss = lossSum / Double(max(1, epochSchedule.batchesPerEpoch))
    completedEpochs = epoch
    if epoch == plan.softmaxWarmupEpochs { copyWarmupWeights() }
  }

  /// Every `snapshotEvery` iterations: the chosen split in evaluation mode, written as
  /// `snapshots/iter-NNNNNNN.npz`. Evaluation reads the weights and changes no state, so the training
  /// is the same with snapshots as without.
  private func saveSnapshotIfDue(loss: Double, head: any ClassificationHead, epoch: Int) throws {
    guard let every = plan.snapshotEvery, let split = plan.snapshotSplit else { return }
    snapshotLoss.sum += loss
    snapshotLoss.count += 1
    guard iteration % every == 0 else { return }
    let arrays = try IterationSnapshot.arrays(
      session: self, head: head, epoch: epoch, split: split,
      trainingLoss: snapshotLoss.sum / Double(max(1, snapshotLoss.count)))
    try directory.writeSnapshot(arrays, iteration: iteration)
    snapshotLoss = (0, 0)
  }

  private func nonFinite(_ quantity: String, epoch: Int) -> TrainingError {
    let lastGood = directory.savedEpochs().last.map { directory.featuresPath(epoch: $0) }
    return .nonFinite(
      run: "\(plan.experiment)/\(plan.run)", iteration: iteration, epoch: epoch, quantity: quantity,
      lastGoodCheckpoint: lastGood)
  }

  /// Saves `epoch`: its features (when the plan keeps them), then its state. The state goes last, so
  /// it marks a finished save: a kill in between leaves features without state, and the resume
  /// trains that epoch again from the previous state, bit for bit, rewriting the same features.
  func save(epoch: Int) throws {
    // A run stopped early with --until-epoch keeps its features too, so partial runs can be drawn.
    if plan.savesFeatures(afterEpoch: epoch) || epoch == options.untilEpoch {
      var checkpoint = try FeatureExtraction.checkpoint(session: self, epoch: epoch, meanLoss: epochLoss)
      checkpoint.metadata.warnings = warnings.map(\.description)
      try directory.writeFeatures(checkpoint)
      lastMetadata = checkpoint.metadata
    }
    let state = TrainingState.arrays(
      network: network.state, head: activeHead(forEpoch: epoch + 1).parameters, optimizer: optimizer.state,
      epoch: epoch, iteration: iteration, wallTime: wallTime, workers: options.workers,
      kernelThreads: options.kernelThreads,
      configuration: plan.jsonValue, snapshotLoss: plan.snapshotEvery == nil ? nil : snapshotLoss)
    try directory.writeState(state, epoch: epoch)
  }
}
