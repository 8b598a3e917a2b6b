@_spi(Benchmarking) @testable import Engine
import _TestSupport
import Testing

/// A Linear followed by a PReLU runs as one pass inside `Sequential` (the rectifier on each
/// worker's rows right after its `gemm`); layers at least 128 output features per worker wide
/// split their weight gradient by output feature. These pin down what each promises.
@Suite(.timeLimit(.minutes(5)), .serialized) struct FusedLinearTests {
  /// A Linear → PReLU pair built from `seed`, with distinct slopes so a channel mix-up shows.
  static func pair(inFeatures: Int, outFeatures: Int, bias: Bool = true, seed: UInt64) -> (Linear, PReLU) {
    var generator = SeededGenerator(seed: seed)
    let linear = Linear(
      name: "fc", inFeatures: inFeatures, outFeatures: outFeatures, bias: bias, generator: &generator)
    for o in 0..<outFeatures { linear.bias?.value[o] = 0.05 * Float(o % 7) - 0.15 }
    let prelu = PReLU(name: "fc.prelu", channels: outFeatures)
    for c in 0..<outFeatures { prelu.slope.value[c] = 0.05 + 0.01 * Float(c % 13) }
    return (linear, prelu)
  }

  struct Pass {
    var output: Tensor
    var inputGradient: Tensor
    var parameterGradients: [Tensor]
  }

  /// One training forward and backward of ⟨r, ·⟩, through `Sequential` (fused) or layer by layer.
  static func pass(_ linear: Linear, _ prelu: PReLU, input: Tensor, workers: Int, fused: Bool) -> Pass {
    let layers: [any Layer] = [linear, prelu]
    let model = Sequential(layers)
    model.workers = workers
    for parameter in model.parameters { parameter.zeroGradient() }
    let output =
      fused
      ? model.forward(input, mode: .training) : prelu.forward(linear.forward(input, mode: .training), mode: .training)
    let projection = RandomProjection(count: output.count)
    let gradient = projection.gradient(shape: output.shape)
    let inputGradient = fused ? model.backward(gradient) : linear.backward(prelu.backward(gradient))
    return Pass(output: output, inputGradient: inputGradient, parameterGradients: model.parameters.map(\.gradient))
  }

  // Narrow layers (batch-split weight gradient): the fused pass is the two layers' own
  // arithmetic, bit for bit; 37 features leave a SIMD tail, 5 items an uneven row split.
  @Test(arguments: [1, 2])
  func fusedPassKeepsTheBitsOfTheTwoLayers(workers: Int) {
    withKernelThreads(1) {
      let input = uniformTensor([5, 9], seed: 3)
      let (linear, prelu) = Self.pair(inFeatures: 9, outFeatures: 37, seed: 4)
      #expect(!Linear.splitsWeightGradientByOutput(outFeatures: 37, workers: workers))
      let separate = Self.pass(linear, prelu, input: input, workers: workers, fused: false)
      let fused = Self.pass(linear, prelu, input: input, workers: workers, fused: true)
      #expect(fused.output.scalars.map(\.bitPattern) == separate.output.scalars.map(\.bitPattern))
      #expect(fused.inputGradient.scalars.map(\.bitPattern) == separate.inputGradient.scalars.map(\.bitPattern))
      for (a, b) in zip(fused.parameterGradients, separate.parameterGradients) {
        #expect(a.scalars.map(\.bitPattern) == b.scalars.map(\.bitPattern))
      }
      // Evaluation: rectified in place, the same values.
      let model = Sequential([linear, prelu])
      model.workers = workers
      let evaluated = model.forward(input, mode: .evaluation)
      #expect(evaluated.scalars.map(\.bitPattern) == separate.output.scalars.map(\.bitPattern))
    }
  }

  // Wide layers (output-split weight gradient, the rectifier by feature inside that pass): still the
  // two layers' own arithmetic, bit for bit, with and without bias; 301 features split 151 + 150,
  // which leaves a SIMD tail on one side; 5 items an uneven row split of dL/dInput.
  @Test(arguments: [true, false])
  func wideFusedPassKeepsTheBitsOfTheTwoLayers(bias: Bool) {
    withKernelThreads(1) {
      let input = uniformTensor([5, 9], seed: 12)
      let (linear, prelu) = Self.pair(inFeatures: 9, outFeatures: 301, bias: bias, seed: 13)
      #expect(Linear.splitsWeightGradientByOutput(outFeatures: 301, workers: 2))
      let separate = Self.pass(linear, prelu, input: input, workers: 2, fused: false)
      let fused = Self.pass(linear, prelu, input: input, workers: 2, fused: true)
      #expect(fused.output.scalars.map(\.bitPattern) == separate.output.scalars.map(\.bitPattern))
      #expect(fused.inputGradient.scalars.map(\.bitPattern) == separate.inputGradient.scalars.map(\.bitPattern))
      #expect(fused.parameterGradients.count == separate.parameterGradients.count)
      for (a, b) in zip(fused.parameterGradients, separate.parameterGradients) {
        #expect(a.scalars.map(\.bitPattern) == b.scalars.map(\.bitPattern))
      }
    }
  }

  // A layer wide enough to split its weight gradient by output feature (300 = 150 per worker):
  // finite differences hold for the fused pair, and the split agrees with the batch split of a
  // single worker up to Float rounding.
  @Test(arguments: [true, false])
  func outputSplitGradientsMatchFiniteDifferencesAndTheBatchSplit(bias: Bool) {
    withKernelThreads(1) {
      #expect(Linear.splitsWeightGradientByOutput(outFeatures: 300, workers: 2))
      #expect(!Linear.splitsWeightGradientByOutput(outFeatures: 128, workers: 2))
      let input = awayFromZero([3, 6], seed: 5)
      let (linear, prelu) = Self.pair(inFeatures: 6, outFeatures: 300, bias: bias, seed: 6)
      let model = Sequential([linear, prelu])
      model.workers = 2
      expectGradientsMatch(model, input: input, checker: GradientChecker(step: 1e-3, tolerance: 2e-3))

      let split = Self.pass(linear, prelu, input: input, workers: 2, fused: true)
      let single = Self.pass(linear, prelu, input: input, workers: 1, fused: true)
      for (a, b) in zip(
        [split.inputGradient] + split.parameterGradients, [single.inputGradient] + single.parameterGradients)
      {
        let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        #expect(worst <= 1e-5, "largest relative difference \(worst)")
      }
      // The split adds into the gradient as the batch split does.
      _ = model.forward(input, mode: .training)
      _ = model.backward(RandomProjection(count: 3 * 300).gradient(shape: [3, 300]))
      let twice = linear.weight.gradient.scalars
      for (sum, once) in zip(twice, split.parameterGradients[0].scalars) {
        #expect(abs(sum - 2 * once) <= 1e-5 * max(1, abs(sum)))
      }
    }
  }

  // A wide layer on its own (no rectifier after it, no bias): the split alone.
  @Test func outputSplitWithoutActivationMatchesFiniteDifferences() {
    withKernelThreads(1) {
      var generator = SeededGenerator(seed: 10)
      let linear = Linear(name: "wide", inFeatures: 5, outFeatures: 270, bias: false, generator: &generator)
      linear.workers = 2
      expectGradientsMatch(linear, input: uniformTensor([4, 5], seed: 11), checker: GradientTests.tight)
    }
  }

  // Consecutive Linear layers run forward as one pass (each worker's rows through every layer,
  // no join between them): the bits of the layers run one by one, in training (output, and the
  // backward that reads what the pass kept) and in evaluation. A wide fused pair (output-split
  // backward), a narrow fused pair without bias and a plain Linear; 5 items split 3 + 2.
  @Test(arguments: [1, 2])
  func linearChainKeepsTheBitsOfItsLayers(workers: Int) {
    withKernelThreads(1) {
      let input = uniformTensor([5, 9], seed: 14)
      func layers() -> [any Layer] {
        let (wide, widePReLU) = Self.pair(inFeatures: 9, outFeatures: 301, seed: 15)
        let (narrow, narrowPReLU) = Self.pair(inFeatures: 301, outFeatures: 37, bias: false, seed: 16)
        var generator = SeededGenerator(seed: 17)
        let last = Linear(name: "last", inFeatures: 37, outFeatures: 3, generator: &generator)
        return [wide, widePReLU, narrow, narrowPReLU, last]
      }
      func run(chained: Bool) -> (training: [[UInt32]], evaluation: [UInt32]) {
        let model = Sequential(layers())
        model.workers = workers
        #expect(model.linearChainRanges == [0..<5])
        for parameter in model.parameters { parameter.zeroGradient() }
        func forward(_ mode: Mode) -> Tensor {
          guard !chained else { return model.forward(input, mode: mode) }
          // One layer (fused pair) at a time: what `Sequential` ran before the chain.
          let (wide, widePReLU) = (model.layers[0] as! Linear, model.layers[1] as! PReLU)
          let (narrow, narrowPReLU) = (model.layers[2] as! Linear, model.layers[3] as! PReLU)
          let x = wide.forward(input, mode: mode, activation: widePReLU)
          return model.layers[4].forward(narrow.forward(x, mode: mode, activation: narrowPReLU), mode: mode)
        }
        let output = forward(.training)
        let gradient = RandomProjection(count: output.count).gradient(shape: output.shape)
        let inputGradient = model.backward(gradient)
        let training = ([output, inputGradient] + model.parameters.map(\.gradient)).map { $0.scalars.map(\.bitPattern) }
        return (training, forward(.evaluation).scalars.map(\.bitPattern))
      }
      let separate = run(chained: false)
      let chained = run(chained: true)
      #expect(chained.training.count == separate.training.count)
      for (index, (a, b)) in zip(chained.training, separate.training).enumerated() {
        let differing = zip(a, b).filter { $0 != $1 }.count
        #expect(
          a.count == b.count && differing == 0, "training result \(index): \(differing) of \(b.count) values differ")
      }
      let differing = zip(chained.evaluation, separate.evaluation).filter { $0 != $1 }.count
      #expect(
        chained.evaluation.count == separate.evaluation.count && differing == 0,
        "evaluation: \(differing) values differ")
    }
  }

  // Two runs of the split pass give the same bits.
  @Test func outputSplitIsDeterministic() {
    withKernelThreads(1) {
      let input = uniformTensor([7, 20], seed: 8)
      let runs = (0..<2).map { _ in
        let (linear, prelu) = Self.pair(inFeatures: 20, outFeatures: 260, seed: 9)
        return Self.pass(linear, prelu, input: input, workers: 2, fused: true)
      }
      for (a, b) in zip(
        [runs[0].inputGradient] + runs[0].parameterGradients, [runs[1].inputGradient] + runs[1].parameterGradients)
      {
        #expect(a.scalars.map(\.bitPattern) == b.scalars.map(\.bitPattern))
      }
    }
  }
}
