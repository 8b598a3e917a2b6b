import Engine
import Testing

@testable import margins_bench

// Spawns the engine's worker threads: a deadlock must fail the run, not hang it.
@Suite(.timeLimit(.minutes(1))) struct GemmBoundTests {
  @Test func replaysExactlyTheLinearLayersWork() throws {
    let mlp = Network(configuration: NetworkConfiguration(architecture: .mlp), seed: 1, workers: 2)
    // An odd batch: the two workers' row counts differ, as in `Linear`.
    let bound = try #require(EngineBenchmark.gemmBound(of: mlp, batchSize: 37, iterations: 2, repeats: 1))
    let expected = EngineBenchmark.trainingFLOPsPerImage(of: mlp)
    #expect(abs(bound.flopsPerImage - expected) <= 1e-9 * expected, "\(bound.flopsPerImage) vs \(expected)")
    #expect(bound.joined.isFinite && bound.joined > 0)
    #expect(bound.freeRunning.isFinite && bound.freeRunning > 0)
  }

  /// The evaluation forward's calls: each Linear layer's forward product over the batch, once;
  /// none where wide layers evaluate as `LinearConvolution` (below AVX-512), whose work is no `gemm`.
  @Test func inferenceReplaysExactlyTheForwardProducts() throws {
    let mlp = Network(configuration: NetworkConfiguration(architecture: .mlp), seed: 1, workers: 2)
    if mlp.body.layers.contains(where: { ($0 as? Linear)?.evaluatesByConvolution == true }) {
      #expect(EngineBenchmark.gemmBound(of: mlp, batchSize: 37, iterations: 2, repeats: 1, inference: true) == nil)
      return
    }
    let bound = try #require(
      EngineBenchmark.gemmBound(of: mlp, batchSize: 37, iterations: 2, repeats: 1, inference: true))
    let expected = mlp.body.layers.compactMap { $0 as? Linear }.reduce(0.0) {
      $0 + 2 * Double($1.inFeatures * $1.outFeatures)
    }
    #expect(abs(bound.flopsPerImage - expected) <= 1e-9 * expected, "\(bound.flopsPerImage) vs \(expected)")
    #expect(bound.joined.isFinite && bound.joined > 0)
  }

  @Test(arguments: [Architecture.lenetpp, .compact, .anchorCNN])
  func convolutionNetworksHaveNoGemmBound(architecture: Architecture) {
    let network = Network(configuration: NetworkConfiguration(architecture: architecture), seed: 1, workers: 2)
    #expect(EngineBenchmark.gemmBound(of: network, batchSize: 4, iterations: 1, repeats: 1) == nil)
  }
}
