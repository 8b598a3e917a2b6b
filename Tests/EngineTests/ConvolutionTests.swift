@testable import Engine
import _TestSupport
import Testing

/// Conv2D (oneDNN, batch split) against the definition and against the im2col + gemm oracle, Caffe's `caffe_conv` test.
@Suite(.timeLimit(.minutes(5))) struct ConvolutionTests {
  /// y[n][o][oy][ox] = b[o] + Σ W[o][c][ky][kx] · x[n][c][oy·s − p + ky][ox·s − p + kx], in Double.
  static func naiveConvolution(_ x: Tensor, _ conv: Conv2D) -> [Double] {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (k, s, p) = (conv.kernel, conv.stride, conv.padding)
    let oh = (h + 2 * p - k) / s + 1
    let ow = (w + 2 * p - k) / s + 1
    var y: [Double] = []
    for item in 0..<n {
      for o in 0..<conv.outChannels {
        for oy in 0..<oh {
          for ox in 0..<ow {
            var sum = Double(conv.bias?.value[o] ?? 0)
            for ch in 0..<c {
              for ky in 0..<k {
                for kx in 0..<k {
                  let iy = oy * s - p + ky
                  let ix = ox * s - p + kx
                  guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                  sum +=
                    Double(conv.weight.value[((o * c + ch) * k + ky) * k + kx])
                    * Double(x[((item * c + ch) * h + iy) * w + ix])
                }
              }
            }
            y.append(sum)
          }
        }
      }
    }
    return y
  }

  @Test(arguments: [(3, 1, 0), (3, 1, 1), (5, 1, 2), (3, 2, 1), (2, 2, 0), (4, 3, 2)], [1, 2, 3])
  func convolutionMatchesNaiveLoop(geometry: (kernel: Int, stride: Int, padding: Int), workers: Int) {
    var generator = SeededGenerator(seed: 21)
    let conv = Conv2D(
      name: "conv", inChannels: 3, outChannels: 4, kernel: geometry.kernel, stride: geometry.stride,
      padding: geometry.padding, generator: &generator)
    for o in 0..<4 { conv.bias?.value[o] = 0.1 * Float(o + 1) }
    let x = uniformTensor([5, 3, 7, 6], seed: 22)
    conv.workers = workers
    let y = withKernelThreads(1) { conv.forward(x, mode: .evaluation) }
    let expected = Self.naiveConvolution(x, conv)
    #expect(y.count == expected.count)
    let worst = zip(y.scalars, expected).map { abs(Double($0) - $1) }.max() ?? 0
    // Sums of ≤ 48 products of magnitude ≤ ~1 in Float: rounding stays below 1e-5.
    #expect(worst < 1e-5, "largest difference \(worst)")
  }

  @Test func outputShapeFollowsTheFloorFormula() {
    var generator = SeededGenerator(seed: 23)
    let conv = Conv2D(name: "c", inChannels: 1, outChannels: 2, kernel: 5, stride: 2, padding: 1, generator: &generator)
    let y = conv.forward(Tensor(zeros: [2, 1, 28, 28]), mode: .evaluation)
    #expect(y.shape == [2, 2, 13, 13])
  }

  @Test func batchSplitGivesTheSameGradientsAsOneWorker() {
    var generator = SeededGenerator(seed: 24)
    let conv = Conv2D(name: "c", inChannels: 2, outChannels: 3, kernel: 3, padding: 1, generator: &generator)
    let x = uniformTensor([6, 2, 5, 5], seed: 25)
    let dy = uniformTensor([6, 3, 5, 5], seed: 26)
    func gradients(workers: Int) -> (Tensor, Tensor, Tensor) {
      conv.workers = workers
      return withKernelThreads(1) {
        for parameter in conv.parameters { parameter.zeroGradient() }
        _ = conv.forward(x, mode: .training)
        let dx = conv.backward(dy)
        return (dx, conv.weight.gradient, conv.bias?.gradient ?? Tensor(zeros: [1]))
      }
    }
    let one = gradients(workers: 1)
    let two = gradients(workers: 2)
    // The split only changes kernel blocking and the summation order of the worker partials.
    for (a, b) in [(one.0, two.0), (one.1, two.1), (one.2, two.2)] {
      let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
      #expect(worst < 1e-4)
    }
  }

  /// The largest absolute difference between two tensors of equal shape.
  static func worstDifference(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape) differ")
    return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
  }

  /// Forward, input gradient and parameter gradients of oneDNN's convolution equal those of the
  /// im2col + gemm oracle over the same parameters, with and without bias, strided and padded; a
  /// batch of 37 runs each worker's range in several chunks (`Conv2D.chunkSize`), the last one short.
  @Test(
    arguments: [(5, 1, 2, true), (3, 1, 1, false), (3, 2, 1, true), (4, 3, 2, false)],
    [(1, 5), (2, 5), (1, 37), (2, 37)])
  func oneDNNMatchesIm2colOracle(
    geometry: (kernel: Int, stride: Int, padding: Int, bias: Bool), split: (workers: Int, batch: Int)
  ) {
    let workers = split.workers
    var generator = SeededGenerator(seed: 31)
    let conv = Conv2D(
      name: "conv", inChannels: 3, outChannels: 8, kernel: geometry.kernel, stride: geometry.stride,
      padding: geometry.padding, bias: geometry.bias, generator: &generator)
    for o in 0..<8 { conv.bias?.value[o] = 0.05 * Float(o - 3) }
    let oracle = Im2colConv2D(sharingParametersOf: conv)
    let x = uniformTensor([split.batch, 3, 11, 9], seed: 32)
    func run(_ layer: any Layer) -> [Tensor] {
      (conv.workers, oracle.workers) = (workers, workers)
      return withKernelThreads(1) {
        for parameter in conv.parameters { parameter.zeroGradient() }
        let y = layer.forward(x, mode: .training)
        let dy = uniformTensor(y.shape, seed: 33)
        let dx = layer.backward(dy)
        return [y, dx] + conv.parameters.map(\.gradient)
      }
    }
    let ours = run(conv)
    let reference = run(oracle)
    #expect(ours.count == reference.count)
    for (index, (a, b)) in zip(ours, reference).enumerated() {
      // Different summation orders of ≤ 75 products (forward) or ≤ batch·99 (weight gradient) of
      // magnitude ≤ 1: the rounding bound grows with the batch.
      let worst = Self.worstDifference(a, b)
      #expect(worst < 2e-5 * Float(split.batch), "output \(index) (y, dx, dW, dB) differs by \(worst)")
    }
  }

  /// Cutting a worker's range into chunks changes no bit of the forward output, the input gradient
  /// or the weight gradient (each image's sums are the same kernel's, in the same order, and the
  /// weight gradient is still summed over the whole range in one call), so checkpoints do not
  /// depend on the chunk size.
  @Test(arguments: [1, 2])
  func chunkingKeepsForwardAndInputGradientBits(workers: Int) {
    var generator = SeededGenerator(seed: 51)
    let conv = Conv2D(name: "conv", inChannels: 32, outChannels: 32, kernel: 5, padding: 2, generator: &generator)
    conv.workers = workers
    let x = uniformTensor([37, 32, 14, 14], seed: 52)
    let dy = uniformTensor([37, 32, 14, 14], seed: 53)
    func run(imagesPerCall: Int) -> [Tensor] {
      conv.imagesPerCall = imagesPerCall
      return withKernelThreads(1) {
        for parameter in conv.parameters { parameter.zeroGradient() }
        let y = conv.forward(x, mode: .training)
        let dx = conv.backward(dy)
        return [y, dx] + conv.parameters.map(\.gradient)
      }
    }
    let whole = run(imagesPerCall: 1000)
    let chunked = run(imagesPerCall: Conv2D.chunkSize)
    #expect(chunked[0].scalars == whole[0].scalars, "forward differs")
    #expect(chunked[1].scalars == whole[1].scalars, "input gradient differs")
    #expect(chunked[2].scalars == whole[2].scalars, "weight gradient differs")
    #expect(chunked[3].scalars == whole[3].scalars, "bias gradient differs")
  }

  /// The chunks reorder the input (forward) and the output gradient (backward-data) straight
  /// into the buffers the backward-weights pass reads, instead of that pass reordering the whole
  /// range again: the same exact copies, so no bit of the output, the input gradient or the weight
  /// and bias gradients changes. Two steps of different batch sizes (the second must not read the
  /// first's copies), uneven chunks, 1 and 2 workers; a 1-channel first layer keeps its plain input.
  @Test(arguments: [(1, 16), (2, 16), (2, 5), (1, 1000)])
  func copiesForTheWeightGradientKeepTheBits(workers: Int, imagesPerCall: Int) {
    for (inChannels, propagates) in [(32, true), (1, false)] {
      func run(staging: Bool) -> (results: [[UInt32]], readCopies: [(source: Bool, outputGradient: Bool)]) {
        var generator = SeededGenerator(seed: 57)
        let conv = Conv2D(
          name: "conv", inChannels: inChannels, outChannels: 32, kernel: 5, padding: 2, generator: &generator)
        conv.workers = workers
        conv.imagesPerCall = imagesPerCall
        conv.propagatesInputGradient = propagates
        conv.stagesWeightGradientInputs = staging
        var results: [[UInt32]] = []
        var readCopies: [(source: Bool, outputGradient: Bool)] = []
        withKernelThreads(1) {
          for (step, batch) in [37, 20].enumerated() {
            let x = uniformTensor([batch, inChannels, 14, 14], seed: 58 + UInt64(step))
            let dy = uniformTensor([batch, 32, 14, 14], seed: 60 + UInt64(step))
            for parameter in conv.parameters { parameter.zeroGradient() }
            let y = conv.forward(x, mode: .training)
            let dx = conv.backward(dy)
            readCopies.append(conv.lastWeightGradientReadCopies)
            results += ([y, dx] + conv.parameters.map(\.gradient)).map { $0.scalars.map(\.bitPattern) }
          }
        }
        return (results, readCopies)
      }
      let reordered = run(staging: false)
      let copied = run(staging: true)
      for (index, what) in ["output", "input gradient", "weight gradient", "bias gradient"].enumerated() {
        for step in 0..<2 {
          let (a, b) = (copied.results[4 * step + index], reordered.results[4 * step + index])
          let differing = zip(a, b).filter { $0 != $1 }.count
          #expect(
            a.count == b.count && differing == 0,
            "\(what) of step \(step + 1): \(differing) of \(b.count) values differ (\(inChannels) input channels)")
        }
      }
      for step in 0..<2 {
        #expect(!reordered.readCopies[step].source && !reordered.readCopies[step].outputGradient)
        // AVX2 and AVX-512 kernels read nChw8c / nChw16c in every pass, so there the copies must be
        // used wherever a reorder exists (a 1-channel input is read as it is; a first layer has no
        // backward-data pass). SSE4.1's kernels pick layouts that do not line up: reorders as before.
        let linesUp = Kernels.isa.hasPrefix("avx2") || Kernels.isa.hasPrefix("avx512")
        #expect(copied.readCopies[step].source == (linesUp && inChannels > 1), "step \(step + 1): source copy")
        #expect(
          copied.readCopies[step].outputGradient == (linesUp && propagates), "step \(step + 1): output-gradient copy")
      }
    }
  }
}
