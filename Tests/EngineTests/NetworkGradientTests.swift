import Engine
import _TestSupport
import Testing

/// Whole networks, checked so that no verdict depends on the bits a CPU's kernels produce.
///
/// Finite differences through a whole Float32 network are ISA-fragile: with BatchNorm over a few
/// items, some PReLU inputs sit within any usable step of their kink, and which ones cross depends
/// on the last bits of the convolutions (AVX2 and AVX-512 kernels sum in different orders). So the
/// network is checked in two parts, as Caffe checks its nets:
/// - **wiring, exactly**: the network's forward and backward equal those of its layers called one
///   after the other, bit for bit on the same machine (so its fused Linear + PReLU passes, chunked
///   convolutions, 2-worker splits and blocked evaluation are pinned to the layers' own arithmetic);
/// - **each layer by finite differences at the activations the network feeds it**, leaving out
///   (and counting) the sampled coordinates whose kink pattern (PReLU sign, max-pool winner) changes
///   within the step, where a central difference measures a different function.
@Suite(.serialized, .timeLimit(.minutes(5))) struct NetworkGradientTests {
  /// 40 images: 20 per worker, so every convolution runs a full 16-image chunk and a partial one.
  static let wiringBatch = 40
  /// Enough items that BatchNorm over the batch is well conditioned at the compact network's
  /// 128-wide layer (its statistics are over the items alone).
  static let differenceBatch = 8
  /// Coordinates drawn per checked tensor.
  static let samplesPerTensor = 24

  @Test(arguments: Architecture.allCases)
  func networkPassesEqualItsLayersOneAfterTheOther(architecture: Architecture) {
    let configuration = NetworkConfiguration(architecture: architecture)
    let network = Network(configuration: configuration, seed: 41, workers: 2)
    let twin = Network(configuration: configuration, seed: 41, workers: 2)
    let input = uniformTensor([Self.wiringBatch, 1, 28, 28], seed: 42)
    withKernelThreads(1) {
      let output = network.forward(input, mode: .training)
      var chained = input
      for layer in twin.body.layers { chained = layer.forward(chained, mode: .training) }
      #expect(output.scalars == chained.scalars, "training forward differs from its layers'")

      let outputGradient = RandomProjection(count: output.count).gradient(shape: output.shape)
      network.zeroGradients()
      twin.zeroGradients()
      let inputGradient = network.backward(outputGradient)
      var gradient = outputGradient
      for layer in twin.body.layers.reversed() { gradient = layer.backward(gradient) }
      #expect(inputGradient.scalars == gradient.scalars, "input gradient differs from its layers'")
      for (parameter, reference) in zip(network.parameters, twin.parameters) {
        #expect(parameter.gradient.scalars == reference.gradient.scalars, "\(parameter.name): gradient differs")
      }

      // Evaluation runs convolution stretches in oneDNN's blocked layout (nChw8c under AVX2,
      // nChw16c under AVX-512): still the layers' own bits.
      let evaluated = network.forward(input, mode: .evaluation)
      var reference = input
      for layer in twin.body.layers { reference = layer.forward(reference, mode: .evaluation) }
      #expect(evaluated.scalars == reference.scalars, "evaluation forward differs from its layers'")
    }
  }

  @Test(arguments: Architecture.allCases)
  func everyLayerGradientMatchesFiniteDifferencesInPlace(architecture: Architecture) {
    let network = Network(configuration: NetworkConfiguration(architecture: architecture), seed: 41, workers: 2)
    var activation = uniformTensor([Self.differenceBatch, 1, 28, 28], seed: 42)
    let checker = GradientChecker()
    var checkedTensors = 0
    withKernelThreads(1) {
      for layer in network.body.layers {
        let input = activation
        let propagates =
          (layer as? Conv2D)?.propagatesInputGradient ?? (layer as? Linear)?.propagatesInputGradient ?? true
        let summary = checkLayer(layer, at: input, checker: checker, checkInput: propagates)
        for issue in summary.failures { Issue.record("\(describe(layer)): \(issue)") }
        for (label, counts) in summary.counts {
          // Kinks are rare at these activations: a tensor that lost most of its samples to them
          // would be a check in name only.
          #expect(
            counts.checked * 2 >= counts.sampled,
            "\(describe(layer)) \(label): only \(counts.checked) of \(counts.sampled) samples checked")
        }
        checkedTensors += summary.counts.count
        activation = layer.forward(input, mode: .training)
      }
    }
    #expect(checkedTensors >= network.parameters.count, "not every parameter tensor was checked")
  }

  struct Counts { var sampled = 0, checked = 0 }

  /// Finite-difference checks of `layer`'s input and parameter gradients at `input`, on a seeded
  /// sample of each tensor's coordinates, skipping those within a step of a kink of the layer.
  func checkLayer(
    _ layer: any Layer, at input: Tensor, checker: GradientChecker, checkInput: Bool
  ) -> (failures: [GradientMismatch], counts: [(String, Counts)]) {
    let output = layer.forward(input, mode: .training)
    let projection = RandomProjection(count: output.count)
    for parameter in layer.parameters { parameter.zeroGradient() }
    let inputGradient = layer.backward(projection.gradient(shape: output.shape))
    var failures: [GradientMismatch] = []
    var counts: [(String, Counts)] = []

    if checkInput {
      let sample = sampledIndices(count: input.count, seed: 5)
      let kinked = kinkBand(of: layer, input: input, step: checker.step)
      let chosen = sample.filter { !kinked($0) }
      counts.append(("input", Counts(sampled: sample.count, checked: chosen.count)))
      failures += checker.mismatches(label: "input", at: input, analytic: inputGradient, skip: { !chosen.contains($0) })
      {
        projection.value(layer.forward($0, mode: .training))
      }
    }
    for (offset, parameter) in layer.parameters.enumerated() {
      // Perturbing a parameter moves no input across its own layer's kink: of the layers with
      // one, only PReLU has a parameter, and its slope scales one side of the kink.
      let sample = sampledIndices(count: parameter.value.count, seed: 6 + UInt64(offset))
      counts.append((parameter.name, Counts(sampled: sample.count, checked: sample.count)))
      let original = parameter.value
      let analytic = parameter.gradient
      failures += checker.mismatches(
        label: parameter.name, at: original, analytic: analytic, skip: { !sample.contains($0) }
      ) {
        parameter.value = $0
        defer { parameter.value = original }
        return projection.value(layer.forward(input, mode: .training))
      }
    }
    return (failures, counts)
  }

  /// Up to `samplesPerTensor` distinct coordinates of a tensor of `count`, drawn with a fixed seed.
  func sampledIndices(count: Int, seed: UInt64) -> Set<Int> {
    guard count > Self.samplesPerTensor else { return Set(0..<count) }
    var generator = SeededGenerator(seed: seed)
    var chosen = Set<Int>()
    while chosen.count < Self.samplesPerTensor { chosen.insert(Int(generator.next() % UInt64(count))) }
    return chosen
  }

  func describe(_ layer: any Layer) -> String {
    layer.parameters.first.map { "\(type(of: layer)) \($0.name)" } ?? "\(type(of: layer))"
  }
}

/// The input coordinates of `layer` whose ±`step` perturbation (in Float, as the checker applies
/// it) changes which piece of the layer's piecewise definition applies: a PReLU's or ReLU's sign
/// test `x > 0`, or whether the coordinate wins a max-pooling window. Smooth and linear layers
/// have none.
func kinkBand(of layer: any Layer, input: Tensor, step: Float) -> (Int) -> Bool {
  func crossesZero(_ index: Int) -> Bool {
    let x = input[index]
    return (x + step > 0) != (x > 0) || (x - step > 0) != (x > 0)
  }
  switch layer {
  case is PReLU, is ReLU:
    return crossesZero
  case let pool as MaxPool2D:
    precondition(input.rank == 4, "max pooling expects [N, C, H, W]")
    let (height, width) = (input.shape[2], input.shape[3])
    let plane = height * width
    let outHeight = (height - pool.kernel) / pool.stride + 1
    let outWidth = (width - pool.kernel) / pool.stride + 1
    return { index in
      let base = index - index % plane
      let (row, column) = ((index % plane) / width, index % width)
      let x = input[index]
      let (low, high) = (min(x - step, x), max(x + step, x))
      for oh in 0..<outHeight where (oh * pool.stride..<oh * pool.stride + pool.kernel).contains(row) {
        for ow in 0..<outWidth where (ow * pool.stride..<ow * pool.stride + pool.kernel).contains(column) {
          var rival = -Float.infinity
          for r in oh * pool.stride..<oh * pool.stride + pool.kernel {
            for c in ow * pool.stride..<ow * pool.stride + pool.kernel where r * width + c != index % plane {
              rival = max(rival, input[base + r * width + c])
            }
          }
          // The winner changes, or ties, somewhere in [x − step, x + step].
          if low <= rival && rival <= high { return true }
        }
      }
      return false
    }
  default:
    return { _ in false }
  }
}
