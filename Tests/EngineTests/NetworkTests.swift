import Engine
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5))) struct NetworkTests {
  /// The parameter counts documented in Sources/Engine/README.md, for D = 2 with a feature bias.
  static let parameterCounts: [Architecture: Int] = [
    // 6 convs: weights + biases, 6 PReLUs (per-channel slopes), Linear 1152 → 2 + bias
    .lenetpp: (800 + 32) + (25_600 + 32) + (51_200 + 64) + (102_400 + 64) + (204_800 + 128) + (409_600 + 128)
      + (32 + 32 + 64 + 64 + 128 + 128) + (2_304 + 2),
    // convs and hidden Linear without bias (BN follows), BN scale + shift, PReLU slopes,
    // Linear 576 → 128, Linear 128 → 2
    .compact: 400 + 4_608 + 18_432 + 2 * (16 + 32 + 64) + (16 + 32 + 64) + 73_728 + 2 * 128 + 128 + (256 + 2),
    .anchorCNN: (400 + 16) + (12_800 + 32) + (18_432 + 64) + (16 + 32 + 64) + (1_152 + 2),
    .mlp: (200_704 + 256) + (65_536 + 256) + 512 + (512 + 2),
  ]

  @Test(arguments: Architecture.allCases, [2, 3])
  func networksEndInTheFeatureLayer(architecture: Architecture, dimension: Int) {
    let network = Network(
      configuration: NetworkConfiguration(architecture: architecture, featureDimension: dimension), seed: 1)
    let y = network.forward(uniformTensor([2, 1, 28, 28], seed: 2), mode: .evaluation)
    #expect(y.shape == [2, dimension])
    // The feature layer is a Linear with nothing after it.
    #expect(network.body.layers.last is Linear)
    let names = network.state.map(\.name)
    #expect(Set(names).count == names.count, "names must be unique")
  }

  @Test(arguments: Architecture.allCases)
  func parameterCountsMatchTheDocumentation(architecture: Architecture) {
    let network = Network(configuration: NetworkConfiguration(architecture: architecture), seed: 1)
    #expect(network.parameterCount == Self.parameterCounts[architecture])
  }

  @Test func featureBiasIsOptional() throws {
    let network = Network(configuration: NetworkConfiguration(architecture: .mlp, featureBias: false), seed: 1)
    let feature = try #require(network.body.layers.last as? Linear)
    #expect(feature.bias == nil)
  }

  @Test func sameSeedSameWeightsDifferentSeedDifferentWeights() {
    let configuration = NetworkConfiguration(architecture: .compact)
    #expect(
      Network(configuration: configuration, seed: 5).state == Network(configuration: configuration, seed: 5).state)
    #expect(
      Network(configuration: configuration, seed: 5).state != Network(configuration: configuration, seed: 6).state)
  }

  @Test(arguments: Architecture.allCases)
  func workerCountReachesEveryLayerThatSplitsWork(architecture: Architecture) {
    let network = Network(configuration: NetworkConfiguration(architecture: architecture), seed: 1, workers: 3)
    let splitting = network.body.layers.compactMap { $0 as? any WorkerSplitting }
    #expect(!splitting.isEmpty)
    #expect(network.workers == 3 && splitting.allSatisfy { $0.workers == 3 })
    network.workers = 2
    #expect(splitting.allSatisfy { $0.workers == 2 })
    // Another network in the same process keeps its own setting.
    #expect(Network(configuration: NetworkConfiguration(architecture: architecture), seed: 1).workers == 1)
  }

  @Test func stateRestoreRejectsForeignState() {
    let compact = Network(configuration: NetworkConfiguration(architecture: .compact), seed: 1)
    let mlp = Network(configuration: NetworkConfiguration(architecture: .mlp), seed: 1)
    #expect(throws: StateError.self) { try compact.restore(mlp.state) }
    var state = compact.state
    state.removeLast()
    #expect(throws: StateError.missing(name: "fc.bn.runningVariance")) { try compact.restore(state) }
  }

  @Test func configurationRoundTripsThroughJSON() throws {
    let configuration = NetworkConfiguration(architecture: .anchorCNN, featureDimension: 3, featureBias: false)
    let data = try JSONEncoder().encode(configuration)
    #expect(try JSONDecoder().decode(NetworkConfiguration.self, from: data) == configuration)
    #expect(String(decoding: data, as: UTF8.self).contains("anchor-cnn"))
  }
}

@Suite(.timeLimit(.minutes(5))) struct ChunkedFeatureTests {
  @Test func chunkedFeaturesEqualOneForwardPass() {
    let network = Network(configuration: NetworkConfiguration(architecture: .compact, featureDimension: 3), seed: 61)
    let images = uniformTensor([7, 1, 28, 28], seed: 62)
    // Train mode once so BatchNorm's running statistics are not the identity.
    _ = network.forward(images, mode: .training)
    let whole = network.forward(images, mode: .evaluation)
    let chunked = network.features(of: images, chunkSize: 3)
    #expect(chunked.shape == [7, 3])
    let worst = zip(whole.scalars, chunked.scalars).map { abs($0 - $1) }.max() ?? 0
    // Per-image work is independent of the chunk, except gemm blocking: allow Float rounding.
    #expect(worst <= 1e-5)
  }
}
