@testable import Engine
import _TestSupport
import Foundation
import Testing

/// `Sequential`'s evaluation forward runs convolution runs through `BlockedEvaluation`; it must
/// give the bits of the layers one after the other.
@Suite(.timeLimit(.minutes(5))) struct BlockedEvaluationTests {
  /// The evaluation forward of `layers`, one layer at a time (the reference).
  static func layerByLayer(_ layers: [any Layer], _ x: Tensor) -> Tensor {
    layers.reduce(x) { $1.forward($0, mode: .evaluation) }
  }

  @Test(arguments: Architecture.allCases, [1, 2])
  func networksGiveTheBitsOfTheirLayers(architecture: Architecture, workers: Int) {
    let network = Network(configuration: NetworkConfiguration(architecture: architecture), seed: 61, workers: workers)
    // Trained slopes differ per channel (and some turn negative); biases move off zero.
    for case let prelu as PReLU in network.body.layers {
      for c in 0..<prelu.slope.value.count { prelu.slope.value[c] = 0.4 * sin(Float(c) * 1.7) }
    }
    for case let conv as Conv2D in network.body.layers {
      for o in 0..<(conv.bias?.value.count ?? 0) { conv.bias?.value[o] = 0.02 * cos(Float(o)) }
    }
    // 37 images: several chunks per worker, the last one short.
    let x = uniformTensor([250, 1, 28, 28], in: -0.5...1.5, seed: 62)
    let (blocked, reference) = withKernelThreads(1) {
      (network.forward(x, mode: .evaluation), Self.layerByLayer(network.body.layers, x))
    }
    #expect(blocked.shape == reference.shape)
    let differing = blocked.scalars.indices.filter { blocked.scalars[$0] != reference.scalars[$0] }
    #expect(
      differing.isEmpty,
      "\(differing.count) of \(blocked.count) differ; first item \(differing.first.map { $0 / blocked.shape[1] } ?? -1)"
    )
  }

  /// The stages themselves, outside a network: convolutions with and without bias, per-channel and
  /// shared slopes (negative pre-activations present), a channel count that is no multiple of the
  /// kernels' channel block, and a pooling in the middle and at the end.
  @Test(arguments: [1, 2])
  func stagesGiveTheBitsOfTheirLayers(workers: Int) {
    var generator = SeededGenerator(seed: 63)
    let layers: [any Layer] = [
      Conv2D(name: "c1", inChannels: 3, outChannels: 20, kernel: 3, padding: 1, generator: &generator),
      PReLU(name: "p1", channels: 20),
      Conv2D(name: "c2", inChannels: 20, outChannels: 16, kernel: 5, padding: 2, bias: false, generator: &generator),
      PReLU(name: "p2", channels: 16, shared: true),
      MaxPool2D(kernel: 2, stride: 2),
      Conv2D(name: "c3", inChannels: 16, outChannels: 24, kernel: 3, padding: 1, generator: &generator),
      PReLU(name: "p3", channels: 24),
      MaxPool2D(kernel: 2, stride: 2),
    ]
    for case let prelu as PReLU in layers {
      for c in 0..<prelu.slope.value.count { prelu.slope.value[c] = 0.1 + 0.03 * Float(c) }
    }
    let body = Sequential(layers)
    body.workers = workers
    let x = uniformTensor([37, 3, 13, 11], seed: 64)
    func holdsTrainingInput(_ layer: any Layer) -> Bool {
      (layer as? Conv2D)?.holdsTrainingInput ?? (layer as? PReLU)?.holdsTrainingInput
        ?? (layer as? MaxPool2D)?.holdsTrainingInput ?? false
    }
    // A training forward first: the evaluation must release what it kept, as the layers' own does.
    let blocked = withKernelThreads(1) {
      _ = body.forward(x, mode: .training)
      return body.forward(x, mode: .evaluation)
    }
    #expect(layers.filter(holdsTrainingInput).isEmpty, "layers still hold the training input after an evaluation")
    let reference = withKernelThreads(1) { Self.layerByLayer(layers, x) }
    #expect(blocked.shape == reference.shape)
    #expect(blocked.scalars == reference.scalars)
    #expect(reference.scalars.contains { $0 < 0 }, "the slopes should have acted")
    #expect(BlockedEvaluation.run(in: layers, from: 0)?.end == layers.count)
  }
}
