import Engine
import Foundation
import Testing

/// Trains the `compact` network with a plain 2-D softmax head on real MNIST and checks the
/// issue's bar (≥ 98 % test accuracy in a few epochs).
///
/// Skipped unless `MARGINS_MNIST_DIR` names a folder holding the four uncompressed IDX files
/// (`train-images-idx3-ubyte`, ...); run it in release mode, it takes about a minute:
/// `MARGINS_MNIST_DIR=data/mnist swift test -c release --filter MNISTAccuracy`.
/// The recipe: Nesterov SGD (momentum 0.9, weight decay 5e-4), one-cycle learning rate peaking
/// at 0.1, batch 128, 4 epochs, 2 workers. Environment knobs: `MARGINS_MNIST_EPOCHS`,
/// `MARGINS_MNIST_NETWORK` (default compact), `MARGINS_MNIST_LR`, `MARGINS_MNIST_DECAY`,
/// `MARGINS_MNIST_BATCH`, `MARGINS_MNIST_OPTIMIZER` (sgd or adam).
@Suite(.timeLimit(.minutes(5))) struct MNISTAccuracyTests {
  static let directory = ProcessInfo.processInfo.environment["MARGINS_MNIST_DIR"]

  /// Reads an IDX file and checks its magic number and counts (a minimal reader: the project's
  /// loader lives in the Datasets module).
  static func readIDX(_ path: String, magic: UInt32, itemSize: Int) throws -> (count: Int, bytes: [UInt8]) {
    let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    func word(_ offset: Int) -> UInt32 { data[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) } }
    let header = magic == 2051 ? 16 : 8
    try #require(data.count >= header && word(0) == magic, "\(path): bad IDX magic")
    let count = Int(word(4))
    try #require(data.count == header + count * itemSize, "\(path): \(data.count) bytes for \(count) items")
    return (count, Array(data[header...]))
  }

  static func load(_ prefix: String, directory: String) throws -> (images: [Float], labels: [Int]) {
    let images = try readIDX("\(directory)/\(prefix)-images-idx3-ubyte", magic: 2051, itemSize: 784)
    let labels = try readIDX("\(directory)/\(prefix)-labels-idx1-ubyte", magic: 2049, itemSize: 1)
    try #require(images.count == labels.count)
    // The usual MNIST standardisation (mean 0.1307, deviation 0.3081).
    return (images.bytes.map { (Float($0) / 255 - 0.1307) / 0.3081 }, labels.bytes.map(Int.init))
  }

  @Test(.enabled(if: directory != nil, "set MARGINS_MNIST_DIR to the MNIST IDX folder"))
  func compactReachesNinetyEightPercentWithTwoDimensionalSoftmax() throws {
    let directory = try #require(Self.directory)
    let environment = ProcessInfo.processInfo.environment
    let epochs = Int(environment["MARGINS_MNIST_EPOCHS"] ?? "") ?? 4
    let architecture = Architecture(rawValue: environment["MARGINS_MNIST_NETWORK"] ?? "compact") ?? .compact
    let train = try Self.load("train", directory: directory)
    let test = try Self.load("t10k", directory: directory)
    let network = Network(configuration: NetworkConfiguration(architecture: architecture), seed: 1701, workers: 2)
    var generator = SeededGenerator(seed: 1702)
    let head = Linear(
      name: "head", inFeatures: 2, outFeatures: 10, bias: false, initializer: .xavier, generator: &generator)
    let parameters = network.parameters + head.parameters
    let peakRate = Float(environment["MARGINS_MNIST_LR"] ?? "") ?? 0.1
    let decay = Float(environment["MARGINS_MNIST_DECAY"] ?? "") ?? 5e-4
    let optimizer: any Optimizer =
      environment["MARGINS_MNIST_OPTIMIZER"] == "adam"
      ? Adam(weightDecay: decay) : SGD(momentum: 0.9, weightDecay: decay, nesterov: true)
    let batchSize = Int(environment["MARGINS_MNIST_BATCH"] ?? "") ?? 128
    let stepsPerEpoch = train.labels.count / batchSize
    let schedule = LearningRateSchedule.oneCycle(maximum: peakRate, iterations: epochs * stepsPerEpoch)
    var order = Array(0..<train.labels.count)
    var iteration = 0
    let start = Date()
    var lastEpochCorrect = 0
    for _ in 0..<epochs {
      lastEpochCorrect = 0
      order.shuffle(using: &generator)
      for step in 0..<stepsPerEpoch {
        let indices = order[(step * batchSize)..<((step + 1) * batchSize)]
        var batch = [Float]()
        batch.reserveCapacity(batchSize * 784)
        for index in indices { batch += train.images[(index * 784)..<((index + 1) * 784)] }
        network.zeroGradients()
        head.parameters.forEach { $0.zeroGradient() }
        let features = network.forward(Tensor(shape: [batchSize, 1, 28, 28], scalars: batch), mode: .training)
        let logits = head.forward(features, mode: .training)
        let (_, gradient, correct) = softmaxCrossEntropy(logits: logits, labels: indices.map { train.labels[$0] })
        _ = network.backward(head.backward(gradient))
        optimizer.step(parameters, learningRate: schedule.learningRate(at: iteration))
        iteration += 1
        lastEpochCorrect += correct
      }
    }
    let trainingSeconds = Date().timeIntervalSince(start)
    var correct = 0
    for first in stride(from: 0, to: test.labels.count, by: 500) {
      let count = min(500, test.labels.count - first)
      let images = Tensor(
        shape: [count, 1, 28, 28], scalars: Array(test.images[(first * 784)..<((first + count) * 784)]))
      let logits = head.forward(network.forward(images, mode: .evaluation), mode: .evaluation)
      correct += softmaxCrossEntropy(logits: logits, labels: Array(test.labels[first..<(first + count)])).correct
    }
    let accuracy = Double(correct) / Double(test.labels.count)
    let trainingAccuracy = Double(lastEpochCorrect) / Double(stepsPerEpoch * batchSize)
    print(
      "MNIST \(architecture.rawValue): \(epochs) epochs in \(String(format: "%.1f", trainingSeconds)) s, "
        + "test accuracy \(String(format: "%.2f", 100 * accuracy)) %, "
        + "last-epoch training accuracy \(String(format: "%.2f", 100 * trainingAccuracy)) %")
    #expect(accuracy >= 0.98)
  }
}
