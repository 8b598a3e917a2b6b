import Engine
import _TestSupport
import Testing

/// Finite-difference checks of every layer's input and parameter gradients.
///
/// The engine is Float32, so these use Caffe's Float settings: step 1e-2 and tolerance 1e-2
/// relative to max(|g|, |ĝ|, 1) (the `GradientChecker` documentation derives why); layers that
/// are linear in the checked tensor (convolution, linear) have no truncation error and are held
/// to 1e-3.
@Suite(.timeLimit(.minutes(5)), .serialized) struct GradientTests {
  static let tight = GradientChecker(step: 1e-2, tolerance: 1e-3)

  struct ConvolutionCase: Sendable, CustomTestStringConvertible {
    var kernel: Int, stride: Int, padding: Int, bias: Bool, workers: Int
    var testDescription: String { "k\(kernel) s\(stride) p\(padding) bias \(bias) workers \(workers)" }
  }

  @Test(arguments: [
    ConvolutionCase(kernel: 3, stride: 1, padding: 1, bias: true, workers: 1),
    ConvolutionCase(kernel: 3, stride: 2, padding: 0, bias: false, workers: 1),
    ConvolutionCase(kernel: 2, stride: 2, padding: 1, bias: true, workers: 2),
    ConvolutionCase(kernel: 5, stride: 1, padding: 2, bias: true, workers: 2),
  ])
  func conv2DGradientsMatchFiniteDifferences(_ c: ConvolutionCase) {
    var generator = SeededGenerator(seed: 1701)
    let conv = Conv2D(
      name: "conv", inChannels: 2, outChannels: 3, kernel: c.kernel, stride: c.stride, padding: c.padding,
      bias: c.bias, generator: &generator)
    conv.workers = c.workers
    withKernelThreads(1) {
      expectGradientsMatch(conv, input: uniformTensor([3, 2, 5, 6], seed: 7), checker: Self.tight)
    }
  }

  /// Whole 8-channel blocks, 5×5, padding 2: below AVX-512 the forward and backward-data passes
  /// run as Winograd's convolution (`WinogradTests`), against the direct kernels' gradients above.
  /// Two images, one per worker, of an odd size (a partial tile).
  @Test func winogradShapedConv2DGradientsMatchFiniteDifferences() {
    var generator = SeededGenerator(seed: 1702)
    let conv = Conv2D(name: "conv", inChannels: 8, outChannels: 8, kernel: 5, padding: 2, generator: &generator)
    conv.workers = 2
    withKernelThreads(1) {
      expectGradientsMatch(conv, input: uniformTensor([2, 8, 3, 4], seed: 8), checker: Self.tight)
    }
    #expect(conv.lastForwardRanWinograd == WinogradTests.eightLaneISA)
  }

  @Test(arguments: [true, false], [1, 2])
  func linearGradientsMatchFiniteDifferences(bias: Bool, workers: Int) {
    var generator = SeededGenerator(seed: 1701)
    let linear = Linear(name: "fc", inFeatures: 4, outFeatures: 3, bias: bias, generator: &generator)
    linear.workers = workers
    withKernelThreads(1) {
      expectGradientsMatch(linear, input: uniformTensor([3, 4], seed: 8), checker: Self.tight)
    }
  }

  @Test func reluGradientMatchesFiniteDifferences() {
    expectGradientsMatch(ReLU(), input: awayFromZero([2, 3, 4, 4], seed: 9))
  }

  @Test(arguments: [false, true], [1, 2])
  func preluGradientsMatchFiniteDifferences(shared: Bool, workers: Int) {
    let prelu = PReLU(name: "prelu", channels: 3, shared: shared)
    // Different slopes per channel so a channel mix-up would show.
    for i in 0..<prelu.slope.value.count { prelu.slope.value[i] = 0.1 + 0.2 * Float(i) }
    prelu.workers = workers
    withKernelThreads(1) {
      expectGradientsMatch(prelu, input: awayFromZero([2, 3, 5, 5], seed: 10))
      expectGradientsMatch(prelu, input: awayFromZero([3, 3], seed: 11))
    }
  }

  @Test(arguments: [(2, 2), (3, 2), (2, 1)])
  func maxPoolGradientMatchesFiniteDifferences(kernel: Int, stride: Int) {
    // Distinct values 0.05 apart: a ±0.01 step never changes which element wins a window.
    var input = Tensor(zeros: [2, 2, 6, 5])
    var generator = SeededGenerator(seed: 12)
    var values = (0..<input.count).map { Float($0) * 0.05 }
    values.shuffle(using: &generator)
    for i in 0..<input.count { input[i] = values[i] }
    expectGradientsMatch(MaxPool2D(kernel: kernel, stride: stride), input: input)
  }

  @Test func flattenGradientIsAReshape() {
    expectGradientsMatch(Flatten(), input: uniformTensor([2, 3, 2, 2], seed: 13))
  }

  @Test(arguments: [[3, 2], [2, 3, 4, 4]], [Mode.training, Mode.evaluation])
  func batchNormGradientsMatchFiniteDifferences(shape: [Int], mode: Mode) {
    let bn = BatchNorm(name: "bn", channels: shape[1])
    for c in 0..<shape[1] {
      bn.scale.value[c] = 0.5 + 0.3 * Float(c)
      bn.shift.value[c] = -0.2 * Float(c)
      bn.runningMean.value[c] = 0.1 * Float(c)
      bn.runningVariance.value[c] = 0.5 + Float(c)
    }
    // Inputs with a spread well above ε so the batch statistics are well conditioned.
    bn.workers = 2
    withKernelThreads(1) {
      expectGradientsMatch(bn, input: uniformTensor(shape, in: -2...2, seed: 14), mode: mode)
    }
  }

  @Test(arguments: [false, true])
  func l2NormalizeGradientsMatchFiniteDifferences(learnable: Bool) {
    let layer = L2Normalize(name: "l2", scale: 3, learnable: learnable)
    expectGradientsMatch(layer, input: awayFromZero([3, 2], seed: 15))
    expectGradientsMatch(layer, input: awayFromZero([2, 3], seed: 16))
  }

  @Test func sequentialChainsGradients() {
    var generator = SeededGenerator(seed: 1701)
    let model = Sequential([
      Conv2D(name: "c", inChannels: 1, outChannels: 2, kernel: 3, padding: 1, generator: &generator),
      BatchNorm(name: "bn", channels: 2),
      Flatten(),
      Linear(name: "fc", inFeatures: 2 * 4 * 4, outFeatures: 3, generator: &generator),
    ])
    expectGradientsMatch(model, input: uniformTensor([3, 1, 4, 4], seed: 17))
  }
}
