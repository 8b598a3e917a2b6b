/// The networks of the project, each ending in a D-dimensional feature layer (a `Linear` with
/// nothing after it: the losses put their own heads on the features).
public enum Architecture: String, Codable, Sendable, CaseIterable {
  /// The paper's Fig. 2 network ("LeNet++", Wen et al. 2016; L-Softmax Table 1):
  /// [conv 5×5 pad 2 + PReLU] × 2 at 32, then 64, then 128 channels, max-pool 2 after each pair,
  /// flatten 128·3·3 = 1152, Linear → D.
  case lenetpp
  /// The project's fast default: conv 5×5 16 → BN → PReLU → pool, conv 3×3 32 → BN → PReLU → pool,
  /// conv 3×3 64 → BN → PReLU → pool, flatten 64·3·3 = 576, Linear 128 (no bias) → BN → PReLU,
  /// Linear → D. The hidden 128-wide layer before the bottleneck is what lets a 2-D softmax
  /// reach 98 % in two epochs (without it: 95 % after four).
  case compact
  /// The PyTorch anchor's small CNN: conv 5×5 16 → PReLU → pool, conv 5×5 32 → PReLU → pool,
  /// conv 3×3 64 → PReLU → pool ("same" padding), flatten 576, Linear → D.
  case anchorCNN = "anchor-cnn"
  /// 784 → 256 → PReLU → 256 → PReLU → D.
  case mlp
}

/// What `Network(configuration:seed:)` builds; small and Codable so checkpoints can record it.
public struct NetworkConfiguration: Codable, Sendable, Equatable {
  public var architecture: Architecture
  /// D, the width of the feature layer (2 for the papers' figures, 3 for sphere plots, 64 to 512
  /// for the angle statistics of face-recognition models).
  public var featureDimension: Int
  /// The feature widths a network can be built with (the checkpoint format's own limit).
  public static let featureDimensions = 2...4096
  /// Whether the feature Linear has a bias (the angular losses want features through the origin).
  public var featureBias: Bool
  public var initializer: Initializer

  public init(
    architecture: Architecture, featureDimension: Int = 2, featureBias: Bool = true, initializer: Initializer = .msra
  ) {
    self.architecture = architecture
    self.featureDimension = featureDimension
    self.featureBias = featureBias
    self.initializer = initializer
  }
}

/// A network built by name: the layers, the feature dimension, and the parameter/state API the
/// trainer uses for optimisers and checkpoints.
///
/// Inputs are MNIST-shaped `[N, 1, 28, 28]` batches; outputs are `[N, D]` features.
public final class Network: StatefulLayer {
  public let configuration: NetworkConfiguration
  public let body: Sequential

  /// The input shape of one item.
  public static let itemShape = [1, 28, 28]

  /// How many threads the layers split each batch across (1 = none). Part of what fixes the
  /// bits of a result, with the seed, `Threading.kernelThreadCount` and `Kernels.isa`.
  public var workers: Int {
    get { body.workers }
    set { body.workers = newValue }
  }

  /// Builds `configuration` with weights drawn from a generator seeded with `seed`, its layers
  /// splitting each batch across `workers` threads.
  public init(configuration: NetworkConfiguration, seed: UInt64, workers: Int = 1) {
    precondition(
      NetworkConfiguration.featureDimensions.contains(configuration.featureDimension),
      "feature dimension must be in \(NetworkConfiguration.featureDimensions), got \(configuration.featureDimension)")
    var generator = SeededGenerator(seed: seed)
    self.configuration = configuration
    body = Sequential(Network.layers(for: configuration, generator: &generator))
    body.workers = workers
  }

  public var parameters: [Parameter] { body.parameters }
  public var buffers: [StateBuffer] { body.buffers }

  public func forward(_ input: Tensor, mode: Mode) -> Tensor {
    precondition(
      input.rank == 4 && Array(input.shape.dropFirst()) == Network.itemShape,
      "\(configuration.architecture.rawValue) expects [N, 1, 28, 28], got \(input.shape)")
    return body.forward(input, mode: mode)
  }

  public func backward(_ outputGradient: Tensor) -> Tensor { body.backward(outputGradient) }

  /// Evaluation-mode features of `images` computed `chunkSize` items at a time, so embedding a
  /// whole test set never holds the activations of more than one chunk (LeNet++'s first
  /// activation alone is 100 KB per image).
  /// - Returns: `[N, D]` features, equal to one `forward(images, mode: .evaluation)` up to Float
  ///   rounding (gemm blocking may depend on the chunk).
  public func features(of images: Tensor, chunkSize: Int = 500) -> Tensor {
    precondition(chunkSize >= 1, "chunk size must be positive, got \(chunkSize)")
    precondition(
      images.rank == 4 && Array(images.shape.dropFirst()) == Network.itemShape,
      "\(configuration.architecture.rawValue) expects [N, 1, 28, 28], got \(images.shape)")
    let n = images.shape[0]
    let itemSize = images.itemSize
    var scalars: [Float] = []
    scalars.reserveCapacity(n * configuration.featureDimension)
    for start in stride(from: 0, to: n, by: chunkSize) {
      let count = min(chunkSize, n - start)
      let chunk = Tensor(
        shape: [count] + Network.itemShape,
        scalars: Array(images.scalars[(start * itemSize)..<((start + count) * itemSize)]))
      scalars += forward(chunk, mode: .evaluation).scalars
    }
    return Tensor(shape: [n, configuration.featureDimension], scalars: scalars)
  }

  /// Clears every parameter gradient (call before each backward pass); large ones are cleared
  /// in `workers` element ranges at once.
  public func zeroGradients() {
    for parameter in parameters { parameter.zeroGradient(workers: workers) }
  }

  /// The number of learnable scalars.
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

  /// Parameter values then state buffers, in layer order, under their stable names.
  public var state: [NamedTensor] {
    parameters.map { NamedTensor(name: $0.name, tensor: $0.value) }
      + buffers.map { NamedTensor(name: $0.name, tensor: $0.value) }
  }

  /// Writes back what `state` returned (names and shapes must match exactly; nothing is written
  /// if they do not). Gradients are left alone.
  public func restore(_ state: [NamedTensor]) throws(StateError) {
    try Engine.restore(
      state,
      into: parameters.map { parameter in (parameter.name, parameter.value.shape, { parameter.value = $0 }) }
        + buffers.map { buffer in (buffer.name, buffer.value.shape, { buffer.value = $0 }) })
  }

  private static func layers(for configuration: NetworkConfiguration, generator: inout SeededGenerator) -> [any Layer] {
    let initializer = configuration.initializer
    var layers: [any Layer] = []
    var channels = 1

    func convolution(_ name: String, _ out: Int, kernel: Int, batchNorm: Bool, generator: inout SeededGenerator) {
      // A convolution followed by BatchNorm needs no bias: BN's shift replaces it.
      let conv = Conv2D(
        name: name, inChannels: channels, outChannels: out, kernel: kernel, padding: kernel / 2, bias: !batchNorm,
        initializer: initializer, generator: &generator)
      // The first layer sees the data, whose gradient nobody needs.
      conv.propagatesInputGradient = !layers.isEmpty
      layers.append(conv)
      if batchNorm { layers.append(BatchNorm(name: name + ".bn", channels: out)) }
      layers.append(PReLU(name: name + ".prelu", channels: out))
      channels = out
    }

    func pool() { layers.append(MaxPool2D(kernel: 2)) }

    switch configuration.architecture {
    case .lenetpp:
      for (stage, width) in [32, 64, 128].enumerated() {
        convolution("conv\(stage + 1)_1", width, kernel: 5, batchNorm: false, generator: &generator)
        convolution("conv\(stage + 1)_2", width, kernel: 5, batchNorm: false, generator: &generator)
        pool()
      }
    case .compact:
      for (index, (width, kernel)) in [(16, 5), (32, 3), (64, 3)].enumerated() {
        convolution("conv\(index + 1)", width, kernel: kernel, batchNorm: true, generator: &generator)
        pool()
      }
      layers.append(Flatten())
      layers.append(
        Linear(
          name: "fc", inFeatures: channels * 3 * 3, outFeatures: 128, bias: false, initializer: initializer,
          generator: &generator))
      layers.append(BatchNorm(name: "fc.bn", channels: 128))
      layers.append(PReLU(name: "fc.prelu", channels: 128))
      layers.append(
        Linear(
          name: "feature", inFeatures: 128, outFeatures: configuration.featureDimension,
          bias: configuration.featureBias, initializer: initializer, generator: &generator))
      return layers
    case .anchorCNN:
      for (index, (width, kernel)) in [(16, 5), (32, 5), (64, 3)].enumerated() {
        convolution("conv\(index + 1)", width, kernel: kernel, batchNorm: false, generator: &generator)
        pool()
      }
    case .mlp:
      layers.append(Flatten())
      var width = 28 * 28
      for index in 1...2 {
        let linear = Linear(
          name: "fc\(index)", inFeatures: width, outFeatures: 256, initializer: initializer, generator: &generator)
        linear.propagatesInputGradient = index > 1
        layers.append(linear)
        layers.append(PReLU(name: "fc\(index).prelu", channels: 256))
        width = 256
      }
      layers.append(
        Linear(
          name: "feature", inFeatures: width, outFeatures: configuration.featureDimension,
          bias: configuration.featureBias, initializer: initializer, generator: &generator))
      return layers
    }
    layers.append(Flatten())
    layers.append(
      Linear(
        name: "feature", inFeatures: channels * 3 * 3, outFeatures: configuration.featureDimension,
        bias: configuration.featureBias, initializer: initializer, generator: &generator))
    return layers
  }
}
