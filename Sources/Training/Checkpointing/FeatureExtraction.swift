import Checkpoints
import Datasets
import Engine
import Losses

/// Features of whole splits, extracted in eval mode after an epoch (never accumulated
/// while the weights moved), and the checkpoint built from them.
enum FeatureExtraction {
  static let batchSize = 500

  /// N x D features of `images`, in order, with the network in evaluation mode.
  static func features(of images: LabeledImages, network: Network, normalization: PixelNormalization) -> Tensor {
    let d = network.configuration.featureDimension
    var scalars: [Float] = []
    scalars.reserveCapacity(images.count * d)
    var start = 0
    while start < images.count {
      let end = min(start + batchSize, images.count)
      let (inputs, _) = images.batch(start..<end, normalization: normalization)
      let input = Tensor(shape: [end - start, 1, images.rows, images.columns], scalars: inputs)
      scalars += network.forward(input, mode: .evaluation).scalars
      start = end
    }
    return Tensor(shape: [images.count, d], scalars: scalars)
  }

  static func checkpoint(session: TrainingSession, epoch: Int, meanLoss: Double) throws -> FeatureCheckpoint {
    let plan = session.plan
    let data = session.data
    let head = session.activeHead(forEpoch: epoch)
    let trainFeatures = features(of: data.train, network: session.network, normalization: data.normalization)
    let testFeatures = features(of: data.test, network: session.network, normalization: data.normalization)
    let trainLabels = data.train.labels.map(Int.init)
    let testLabels = data.test.labels.map(Int.init)
    let accuracy = CheckpointMetadata.Accuracy(
      test: head.accuracy(features: testFeatures, labels: testLabels),
      train: head.accuracy(features: trainFeatures, labels: trainLabels),
      trainMarginRule: head.marginRuleAccuracy(
        features: trainFeatures, labels: trainLabels, iteration: session.iteration))
    let weights = head.weight.value.scalars
    let d = plan.featureDimension
    let metrics = [
      "train": FeatureMetrics(
        features: trainFeatures.scalars, labels: trainLabels, classWeights: weights, dimension: d,
        accuracy: accuracy.train),
      "test": FeatureMetrics(
        features: testFeatures.scalars, labels: testLabels, classWeights: weights, dimension: d, accuracy: accuracy.test
      ),
    ]
    let bias = head.bias?.value.scalars
    let alpha = head.alphaValue.map(Float.init)
    var metadata = CheckpointMetadata(
      experiment: plan.experiment, run: plan.run, profile: plan.profile, loss: head.kind,
      lossParameters: head.configuration, lambda: head.lambda(at: session.iteration),
      margin: head.margin(at: session.iteration), epoch: epoch, iteration: session.iteration,
      plannedEpochs: plan.epochs,
      accuracy: accuracy, meanLoss: meanLoss, seed: plan.seed, threads: session.options.workers,
      kernelThreads: session.options.kernelThreads,
      dataset: .init(
        name: data.name, checksum: data.checksum, classes: plan.dataset.classes,
        trainCaps: plan.dataset.trainCaps.map {
          Dictionary(uniqueKeysWithValues: $0.map { (String($0.key), $0.value) })
        },
        trainCount: data.train.count, testCount: data.test.count),
      network: .init(
        architecture: plan.network.rawValue, featureDimension: d, featureBias: plan.featureBias,
        parameterCount: session.network.parameterCount),
      classNames: data.train.classNames, codeVersion: session.options.codeVersion, wallTimeSeconds: session.wallTime,
      metrics: metrics, configuration: plan.jsonValue)
    metadata.kernelISA = Kernels.isa
    metadata.cpuModel = Kernels.cpuModel
    metadata.oneDNNVersion = Kernels.libraryVersion
    // Metrics and accuracies above use every item; only the saved arrays may be the first ones.
    let keptTrain = min(plan.savedFeatures ?? data.train.count, data.train.count)
    let keptTest = min(plan.savedFeatures ?? data.test.count, data.test.count)
    return FeatureCheckpoint(
      metadata: metadata, trainFeatures: Array(trainFeatures.scalars.prefix(keptTrain * d)),
      trainLabels: Array(data.train.labels.prefix(keptTrain)),
      testFeatures: Array(testFeatures.scalars.prefix(keptTest * d)),
      testLabels: Array(data.test.labels.prefix(keptTest)), classWeights: weights, classBias: bias, alpha: alpha)
  }
}
