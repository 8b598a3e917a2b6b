import Engine
import _TestSupport
import Testing

/// Determinism, resumption and a smoke training, on synthetic data.
@Suite(.timeLimit(.minutes(5))) struct TrainingTests {
  /// Ten classes of 28x28 images: a fixed random template per class plus Gaussian noise.
  struct SyntheticPatterns {
    let templates: [[Float]]

    init(seed: UInt64) {
      var generator = SeededGenerator(seed: seed)
      templates = (0..<10).map { _ in (0..<784).map { _ in generator.nextUniform() * 2 - 1 } }
    }

    func batch(_ size: Int, noise: Float, generator: inout SeededGenerator) -> (Tensor, [Int]) {
      var scalars = [Float]()
      var labels = [Int]()
      for _ in 0..<size {
        let label = Int(generator.next() % 10)
        labels.append(label)
        scalars += templates[label].map { $0 + noise * generator.nextNormal() }
      }
      return (Tensor(shape: [size, 1, 28, 28], scalars: scalars), labels)
    }
  }

  /// A network plus a bias-free 2 → 10 softmax head, trained with SGD and a warm-up + cosine schedule.
  final class Run {
    let network: Network
    let head: Linear
    let optimizer: SGD
    let data = SyntheticPatterns(seed: 77)
    var generator = SeededGenerator(seed: 78)
    var iteration = 0
    let schedule = LearningRateSchedule.warmup(
      iterations: 5, startFactor: 0.1, then: .cosine(base: 0.05, minimum: 0.005, iterations: 400))

    init(_ architecture: Architecture, seed: UInt64, workers: Int = 1) {
      network = Network(
        configuration: NetworkConfiguration(architecture: architecture), seed: seed, workers: workers)
      var headGenerator = SeededGenerator(seed: seed &+ 1)
      head = Linear(name: "head", inFeatures: 2, outFeatures: 10, bias: false, generator: &headGenerator)
      optimizer = SGD(momentum: 0.9, weightDecay: 5e-4, nesterov: true)
    }

    var parameters: [Parameter] { network.parameters + head.parameters }

    /// One step; returns the batch loss and accuracy.
    @discardableResult
    func step(batchSize: Int) -> (loss: Double, accuracy: Double) {
      let (x, labels) = data.batch(batchSize, noise: 0.5, generator: &generator)
      for parameter in parameters { parameter.zeroGradient() }
      let logits = head.forward(network.forward(x, mode: .training), mode: .training)
      let (loss, gradient, correct) = softmaxCrossEntropy(logits: logits, labels: labels)
      _ = network.backward(head.backward(gradient))
      optimizer.step(parameters, learningRate: schedule.learningRate(at: iteration))
      iteration += 1
      return (loss, Double(correct) / Double(batchSize))
    }

    var state: [NamedTensor] { network.state + head.parameters.map { NamedTensor(name: $0.name, tensor: $0.value) } }
  }

  @Test(arguments: [(1, 1), (2, 1), (1, 2)])
  func sameSeedAndThreadsGiveBitIdenticalWeights(threads: (workers: Int, blas: Int)) {
    let states = (0..<2).map { _ in
      withKernelThreads(threads.blas) {
        let run = Run(.compact, seed: 11, workers: threads.workers)
        for _ in 0..<4 { run.step(batchSize: 8) }
        return run.state + run.optimizer.state
      }
    }
    #expect(states[0] == states[1])
    // The run really moved away from its initial weights.
    #expect(states[0].prefix(1) != Run(.compact, seed: 11).network.state.prefix(1))
  }

  @Test func restoredStateContinuesIdentically() throws {
    try withKernelThreads(1) {
      let original = Run(.compact, seed: 12, workers: 2)
      for _ in 0..<3 { original.step(batchSize: 8) }
      let savedNetwork = original.network.state
      let savedHead = original.head.parameters.map { NamedTensor(name: $0.name, tensor: $0.value) }
      let savedOptimizer = original.optimizer.state
      let (savedIteration, savedGenerator) = (original.iteration, original.generator)
      for _ in 0..<3 { original.step(batchSize: 8) }

      let resumed = Run(.compact, seed: 99, workers: 2)
      try resumed.network.restore(savedNetwork)
      for (parameter, saved) in zip(resumed.head.parameters, savedHead) { parameter.value = saved.tensor }
      try resumed.optimizer.restore(savedOptimizer, for: resumed.parameters)
      resumed.iteration = savedIteration
      resumed.generator = savedGenerator
      for _ in 0..<3 { resumed.step(batchSize: 8) }
      #expect(resumed.state == original.state)
      #expect(resumed.optimizer.state == original.optimizer.state)
    }
  }

  @Test func smokeTrainingLowersTheLossAndLearns() {
    let run = Run(.mlp, seed: 13)
    var losses: [Double] = []
    var accuracies: [Double] = []
    for _ in 0..<300 {
      let (loss, accuracy) = run.step(batchSize: 32)
      losses.append(loss)
      accuracies.append(accuracy)
    }
    let early = losses.prefix(10).reduce(0, +) / 10
    let late = losses.suffix(20).reduce(0, +) / 20
    let lateAccuracy = accuracies.suffix(20).reduce(0, +) / 20
    #expect(late < 0.25 * early, "loss \(early) -> \(late)")
    #expect(lateAccuracy > 0.9, "accuracy \(lateAccuracy)")
  }
}
