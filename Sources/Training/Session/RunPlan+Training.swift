import Datasets
import Engine
import Experiments
import MarginMath

/// What a plan means to the trainer: the checks that need the loaded data, and the learning-rate
/// schedule it asks the engine for.
extension RunPlan {
  /// The checks that need the loaded data: the real class count (margin bounds, class weights, caps),
  /// the split sizes against the batch, and the image size against the network's input.
  /// - Returns: the advisory warnings about the loss parameters (a run still trains with them).
  func validate(against data: PreparedData) throws -> [LossWarning] {
    if dataset.classes == nil {
      let count = data.originalClassCount
      try validateCaps(isClass: { (0..<count).contains($0) }, classes: "the \(count) classes of \(data.name)")
    }
    if batchSize > data.train.count {
      throw fail(
        "settings.batchSize",
        "a batch of \(batchSize) is larger than the \(data.train.count) training images of \(data.name)")
    }
    let expected = Network.itemShape
    for (split, images) in [("training", data.train), ("test", data.test)]
    where [1, images.rows, images.columns] != expected {
      throw fail(
        "settings.network",
        "\(network.rawValue) takes \(expected[1])x\(expected[2]) images, but the \(split) images of \(data.name) are \(images.rows)x\(images.columns)"
      )
    }
    try validateSnapshots(against: data)
    return try validateLoss(classCount: data.train.classCount)
  }

  /// Bytes of one iteration snapshot of `data` (see README "Animations"): per row D float32 features
  /// and a uint8 label, per class D float32 weights and a bias, and a few KB of scalars and zip headers.
  func snapshotBytes(against data: PreparedData) -> Int {
    guard let split = snapshotSplit else { return 0 }
    let rows = (split == .test ? 0 : data.train.count) + (split == .train ? 0 : data.test.count)
    return rows * (4 * featureDimension + 1) + data.train.classCount * (4 * featureDimension + 4) + 4096
  }

  private func validateSnapshots(against data: PreparedData) throws {
    guard let every = snapshotEvery else { return }
    let iterations = epochs * EpochSchedule(count: data.train.count, batchSize: batchSize).batchesPerEpoch
    if every > iterations {
      throw fail(
        "settings.snapshotEvery",
        "a snapshot every \(every) iterations is beyond the \(iterations) iterations of the run")
    }
    let count = iterations / every, bytes = count * snapshotBytes(against: data)
    if bytes > Self.snapshotBytesLimit {
      throw fail(
        "settings.snapshotEvery",
        "\(count) snapshots of \(snapshotBytes(against: data)) bytes each make \(bytes / 1_000_000) MB, over the limit of "
          + "\(Self.snapshotBytesLimit / 1_000_000) MB per run; save fewer (a larger snapshotEvery) or the test split only"
      )
    }
  }

  /// The learning-rate schedule over iterations, given the batches per epoch.
  public func learningRateSchedule(batchesPerEpoch: Int) -> LearningRateSchedule {
    let total = max(2, epochs * batchesPerEpoch)
    let rate = Float(learningRate)
    let base: LearningRateSchedule
    switch schedule {
    case .constant: base = .constant(rate: rate)
    case .step:
      base = .step(base: rate, stepSize: max(1, (stepEpochs ?? epochs) * batchesPerEpoch), gamma: Float(gamma))
    case .multistep:
      base = .multistep(base: rate, milestones: milestoneEpochs.map { $0 * batchesPerEpoch }, gamma: Float(gamma))
    case .cosine: base = .cosine(base: rate, minimum: rate * 1e-3, iterations: total)
    case .oneCycle: base = .oneCycle(maximum: rate, iterations: total)
    }
    let warmup = Int((warmupEpochs * Double(batchesPerEpoch)).rounded())
    return warmup > 0 ? .warmup(iterations: warmup, startFactor: 0.1, then: base) : base
  }
}
