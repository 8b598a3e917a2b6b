@testable import Engine
import _TestSupport
import Testing

/// `WinogradConvolution` against the definition in Double, with a rounding bound derived from the
/// transforms themselves, and where `Conv2D` runs it.
@Suite(.timeLimit(.minutes(5))) struct WinogradTests {
  /// NCHW → `nChw8c`.
  static func blocked<Scalar: Numeric>(_ x: [Scalar], items: Int, channels: Int, plane: Int) -> [Scalar] {
    var out = [Scalar](repeating: 0, count: x.count)
    for n in 0..<items {
      for c in 0..<channels {
        for i in 0..<plane {
          out[((n * (channels / 8) + c / 8) * plane + i) * 8 + c % 8] = x[(n * channels + c) * plane + i]
        }
      }
    }
    return out
  }

  // Bᵀ, G and Aᵀ for the points 0, ±1, ±2, ∞, as in Lavin & Gray's construction.
  static let bt: [[Double]] = [
    [4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
    [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1],
  ]
  static let g: [[Double]] = [
    [1.0 / 4, 0, 0, 0, 0], [-1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6],
    [-1.0 / 6, 1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6], [1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 3, 2.0 / 3],
    [1.0 / 24, -1.0 / 12, 1.0 / 6, -1.0 / 3, 2.0 / 3], [0, 0, 0, 0, 1],
  ]
  static let at: [[Double]] = [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 1]]

  /// The three matrices compute a correlation: Σ_k g_k d_{j+k} = (Aᵀ[(G g) ⊙ (Bᵀ d)])_j for any
  /// d and g, which is what makes the kernel's transforms (written out by hand there) right.
  @Test func transformsComputeTheCorrelation() {
    var generator = SeededGenerator(seed: 91)
    for _ in 0..<20 {
      let d = (0..<6).map { _ in Double.random(in: -1...1, using: &generator) }
      let f = (0..<5).map { _ in Double.random(in: -1...1, using: &generator) }
      let gf = Self.g.map { row in zip(row, f).map(*).reduce(0, +) }
      let bd = Self.bt.map { row in zip(row, d).map(*).reduce(0, +) }
      for j in 0..<2 {
        let winograd = (0..<6).map { Self.at[j][$0] * gf[$0] * bd[$0] }.reduce(0, +)
        let direct = (0..<5).map { f[$0] * d[j + $0] }.reduce(0, +)
        #expect(abs(winograd - direct) < 1e-12)
      }
    }
  }

  /// Every output against the Double sum, within a bound that follows the computation: a sum of
  /// n terms in Float is off by at most (n − 1) · ε times the sum of their magnitudes, and an output
  /// passes two input-transform stages (3 terms each), the filter's rounding, the product, the
  /// channel sum (one term per input channel), two output-transform stages (6 terms each) and the
  /// bias: (channels + 20) · ε times the same computation on absolute values,
  /// |b| + Σ_c |Aᵀ| (|G| |g_c| |G|ᵀ ⊙ |Bᵀ| |d_c| |B|) |A|, bounds it.
  @Test(arguments: [(8, 8, 6, 6), (16, 8, 7, 7), (8, 24, 5, 9), (32, 32, 28, 28), (64, 16, 1, 3)])
  func forwardMatchesTheDefinition(shape: (inChannels: Int, outChannels: Int, height: Int, width: Int)) {
    let (ic, oc, h, w) = shape
    let items = 3
    let plane = h * w
    let x = uniformTensor([items, ic, h, w], seed: 92).scalars
    let weights = uniformTensor([oc, ic, 5, 5], seed: 93).scalars
    let bias = (0..<oc).map { Float($0) * 0.01 - 0.05 }
    let kernel = WinogradConvolution(batch: items, inChannels: ic, outChannels: oc, height: h, width: w)
    let source = Self.blocked(x, items: items, channels: ic, plane: plane)
    var output = [Float](repeating: .nan, count: items * oc * plane)
    weights.withUnsafeBufferPointer { wp in
      let u = kernel.prepareWeights(wp.baseAddress!, version: 0)
      source.withUnsafeBytes { sp in
        output.withUnsafeMutableBytes { op in
          bias.withUnsafeBufferPointer { bp in
            kernel.forward(
              source: sp.baseAddress!, transformedWeights: u, bias: bp.baseAddress, destination: op.baseAddress!)
          }
        }
      }
    }
    let expected = Self.blocked(
      Self.reference(x, weights, bias, items: items, ic: ic, oc: oc, h: h, w: w, absolute: false), items: items,
      channels: oc, plane: plane)
    let magnitude = Self.blocked(
      Self.reference(x, weights, bias, items: items, ic: ic, oc: oc, h: h, w: w, absolute: true), items: items,
      channels: oc, plane: plane)
    let epsilon = Double(Float.ulpOfOne)
    var worst = 0.0
    var failures = 0
    for i in output.indices {
      let error = abs(Double(output[i]) - expected[i])
      let bound = Double(ic + 20) * epsilon * magnitude[i]
      worst = max(worst, error / max(bound, .leastNormalMagnitude))
      if !(error <= bound) { failures += 1 }
    }
    #expect(failures == 0, "\(failures) of \(output.count) outside the bound; worst error / bound \(worst)")
  }

  /// An image's outputs are the same bits in any batch: `dnnl_sgemm` rounds a row differently with
  /// the number of rows in its call, so the kernel never groups tiles of two images together.
  @Test(arguments: [(32, 32, 28, 28), (16, 8, 7, 7)])
  func imagesGiveTheSameBitsInAnyBatch(shape: (inChannels: Int, outChannels: Int, height: Int, width: Int)) {
    let (ic, oc, h, w) = shape
    let items = 3
    let x = Self.blocked(uniformTensor([items, ic, h, w], seed: 101).scalars, items: items, channels: ic, plane: h * w)
    let weights = uniformTensor([oc, ic, 5, 5], seed: 102).scalars
    func run(_ images: ArraySlice<Float>, count: Int) -> [Float] {
      let kernel = WinogradConvolution(batch: count, inChannels: ic, outChannels: oc, height: h, width: w)
      var output = [Float](repeating: .nan, count: count * oc * h * w)
      weights.withUnsafeBufferPointer { wp in
        let u = kernel.prepareWeights(wp.baseAddress!, version: 0)
        Array(images).withUnsafeBytes { sp in
          output.withUnsafeMutableBytes { op in
            kernel.forward(source: sp.baseAddress!, transformedWeights: u, bias: nil, destination: op.baseAddress!)
          }
        }
      }
      return output
    }
    let together = run(x[...], count: items)
    let item = ic * h * w
    let alone = (0..<items).flatMap { run(x[($0 * item)..<(($0 + 1) * item)], count: 1) }
    #expect(together == alone)
  }

  /// The definition in Double (`absolute`: the Winograd computation on absolute values, the scale
  /// of its rounding).
  static func reference(
    _ x: [Float], _ weights: [Float], _ bias: [Float], items: Int, ic: Int, oc: Int, h: Int, w: Int, absolute: Bool
  ) -> [Double] {
    var y = [Double](repeating: 0, count: items * oc * h * w)
    let magnitude: (Double) -> Double = absolute ? { abs($0) } : { $0 }
    let (bt, g, at) = (bt.map { $0.map(magnitude) }, g.map { $0.map(magnitude) }, at.map { $0.map(magnitude) })
    let (rows, columns) = ((h + 1) / 2, (w + 1) / 2)
    // U = G g Gᵀ per filter, V = Bᵀ d Bᵀ per input tile.
    var u = [Double](repeating: 0, count: oc * ic * 36)
    for f in 0..<(oc * ic) {
      for i in 0..<6 {
        for j in 0..<6 {
          var sum = 0.0
          for k in 0..<5 {
            for l in 0..<5 { sum += g[i][k] * magnitude(Double(weights[f * 25 + k * 5 + l])) * g[j][l] }
          }
          u[f * 36 + i * 6 + j] = sum
        }
      }
    }
    var v = [Double](repeating: 0, count: items * ic * rows * columns * 36)
    for n in 0..<items {
      for c in 0..<ic {
        for tile in 0..<(rows * columns) {
          let (top, left) = (tile / columns * 2 - 2, tile % columns * 2 - 2)
          func input(_ i: Int, _ j: Int) -> Double {
            let (iy, ix) = (top + i, left + j)
            guard iy >= 0, iy < h, ix >= 0, ix < w else { return 0 }
            return magnitude(Double(x[((n * ic + c) * h + iy) * w + ix]))
          }
          for i in 0..<6 {
            for j in 0..<6 {
              var sum = 0.0
              for k in 0..<6 { for l in 0..<6 { sum += bt[i][k] * input(k, l) * bt[j][l] } }
              v[((n * ic + c) * rows * columns + tile) * 36 + i * 6 + j] = sum
            }
          }
        }
      }
    }
    for n in 0..<items {
      for o in 0..<oc {
        for tile in 0..<(rows * columns) {
          var m = [Double](repeating: 0, count: 36)
          for c in 0..<ic {
            let (uc, vc) = ((o * ic + c) * 36, ((n * ic + c) * rows * columns + tile) * 36)
            for p in 0..<36 { m[p] += u[uc + p] * v[vc + p] }
          }
          let (ty, tx) = (tile / columns, tile % columns)
          for a in 0..<2 {
            for b in 0..<2 where 2 * ty + a < h && 2 * tx + b < w {
              var sum = magnitude(Double(bias[o]))
              for i in 0..<6 { for j in 0..<6 { sum += at[a][i] * m[i * 6 + j] * at[b][j] } }
              y[((n * oc + o) * h + 2 * ty + a) * w + 2 * tx + b] = sum
            }
          }
        }
      }
    }
    return y
  }

  /// Where `Conv2D` runs it, forward and backward-data: 5×5, stride 1, padding 2 between whole
  /// 8-channel blocks, when oneDNN's kernels use 8-channel blocks (every ISA below AVX-512); never
  /// for other windows, strides or paddings, or a single input channel. Checked under every cap the
  /// suite runs with.
  @Test func convolutionsRunItWhereItFits() {
    let eightLaneISA = Self.eightLaneISA
    let cases: [(ic: Int, oc: Int, kernel: Int, stride: Int, padding: Int, expected: Bool)] = [
      (32, 32, 5, 1, 2, eightLaneISA), (64, 128, 5, 1, 2, eightLaneISA), (1, 32, 5, 1, 2, false),
      (32, 64, 3, 1, 1, false), (32, 32, 5, 1, 0, false), (32, 32, 5, 2, 2, false), (12, 16, 5, 1, 2, false),
    ]
    for c in cases {
      let g = ConvolutionGeometry(
        channels: c.ic, height: 14, width: 14, kernel: c.kernel, stride: c.stride, padding: c.padding)
      let plan = withKernelThreads(1) { ConvolutionPlan(batch: 16, geometry: g, outChannels: c.oc, hasBias: true) }
      #expect(plan.runsWinograd == c.expected, "forward, \(c) under \(Kernels.isa)")
      #expect(
        withKernelThreads(1) { plan.runsWinogradBackwardData } == (c.expected && Self.blockedBackwardData),
        "backward data, \(c) under \(Kernels.isa)")
    }
  }

  /// Whether oneDNN's kernels use 8-channel blocks in this process (ISAs below AVX-512).
  static let eightLaneISA = ["sse41", "avx", "avx2", "avx2_vnni"].contains(Kernels.isa)

  /// Whether oneDNN's backward-data pass uses them too: below AVX2 (SSE4.1, AVX) oneDNN 2.6 computes
  /// it with its gemm-based kernel on plain NCHW, where the Winograd kernel does not fit.
  static let blockedBackwardData = ["avx2", "avx2_vnni"].contains(Kernels.isa)

  /// Through `Conv2D`, both ways, on this machine's kernels: the Winograd forward agrees with the
  /// direct kernel. A wiring error (tile, channel block, bias, worker range) moves outputs by their
  /// own size, about 1 here; the two kernels' rounding stays below 1e-5 of it (the bound above).
  @Test(
    .enabled(if: WinogradTests.eightLaneISA, "Winograd runs where oneDNN uses 8-channel blocks"), arguments: [1, 2])
  func conv2DAgreesWithTheDirectKernel(workers: Int) {
    var generator = SeededGenerator(seed: 94)
    let conv = Conv2D(name: "c", inChannels: 32, outChannels: 32, kernel: 5, padding: 2, generator: &generator)
    for o in 0..<32 { conv.bias?.value[o] = 0.01 * Float(o) }
    conv.workers = workers
    let x = uniformTensor([37, 32, 14, 14], seed: 95)
    let fast = withKernelThreads(1) { conv.forward(x, mode: .evaluation) }
    #expect(withKernelThreads(1) { conv.plan(worker: 0, batch: 16, geometry: conv.geometry(for: x)).runsWinograd })
    conv.allowsWinograd = false
    let direct = withKernelThreads(1) { conv.forward(x, mode: .evaluation) }
    let scale = direct.scalars.map { abs($0) }.max() ?? 0
    let worst = zip(fast.scalars, direct.scalars).map { abs($0 - $1) }.max() ?? .infinity
    #expect(scale > 0.5 && worst < 2e-5 * scale, "largest difference \(worst) at scale \(scale)")
  }

  /// The backward-data pass's filters are the forward transform of the turned, channel-swapped
  /// weights, bit for bit (the same Double sums in the same order).
  @Test func inputGradientFiltersAreTheTurnedFilters() {
    let (layerIn, layerOut) = (16, 8)
    let weights = uniformTensor([layerOut, layerIn, 5, 5], seed: 96).scalars
    var turned = [Float](repeating: 0, count: weights.count)
    for o in 0..<layerOut {
      for c in 0..<layerIn {
        for k in 0..<25 { turned[(c * layerOut + o) * 25 + 24 - k] = weights[(o * layerIn + c) * 25 + k] }
      }
    }
    func transformed(_ w: [Float], _ use: WinogradConvolution.FilterUse) -> [Float] {
      let kernel = WinogradConvolution(
        batch: 1, inChannels: layerOut, outChannels: layerIn, height: 4, width: 4, filterUse: use)
      let u = w.withUnsafeBufferPointer { kernel.prepareWeights($0.baseAddress!, version: 0) }
      return Array(UnsafeBufferPointer(start: u.assumingMemoryBound(to: Float.self), count: 36 * layerIn * layerOut))
    }
    #expect(transformed(weights, .inputGradient) == transformed(turned, .forward))
  }

  /// A second pass with the same weights reuses the transformed filters, and new weights (a new
  /// `Parameter.version`) replace them.
  @Test func filtersFollowTheWeights() {
    let kernel = WinogradConvolution(batch: 1, inChannels: 8, outChannels: 8, height: 4, width: 4)
    let weight = Parameter(name: "w", value: uniformTensor([8, 8, 5, 5], seed: 97))
    func transformed() -> [Float] {
      let u = weight.value.withUnsafePointer { kernel.prepareWeights($0, version: weight.version) }
      return Array(UnsafeBufferPointer(start: u.assumingMemoryBound(to: Float.self), count: 36 * 64))
    }
    let first = transformed()
    #expect(transformed() == first)
    weight.value[137] += 0.25
    let second = transformed()
    #expect(second != first)
    let fresh = WinogradConvolution(batch: 1, inChannels: 8, outChannels: 8, height: 4, width: 4)
    let expected = weight.value.withUnsafePointer { fresh.prepareWeights($0, version: 0) }
    #expect(second == Array(UnsafeBufferPointer(start: expected.assumingMemoryBound(to: Float.self), count: 36 * 64)))
  }

  /// Backward through `Conv2D`, Winograd against the direct kernels on this machine: the input
  /// gradients agree to the rounding of the two, and the weight and bias gradients (the direct
  /// kernel either way, from the same input and output gradient) are the same bits.
  @Test(
    .enabled(
      if: WinogradTests.blockedBackwardData, "Winograd's backward-data runs where oneDNN's uses 8-channel blocks"),
    arguments: [1, 2])
  func backwardAgreesWithTheDirectKernels(workers: Int) {
    func gradients(winograd: Bool) -> (input: Tensor, weight: Tensor, bias: Tensor, ran: Bool) {
      var generator = SeededGenerator(seed: 98)
      let conv = Conv2D(name: "c", inChannels: 16, outChannels: 32, kernel: 5, padding: 2, generator: &generator)
      conv.workers = workers
      conv.allowsWinograd = winograd
      let x = uniformTensor([37, 16, 14, 14], seed: 99)
      return withKernelThreads(1) {
        _ = conv.forward(x, mode: .training)
        for parameter in conv.parameters { parameter.zeroGradient() }
        let dx = conv.backward(uniformTensor([37, 32, 14, 14], seed: 100))
        let ran = conv.plan(worker: 0, batch: 16, geometry: conv.geometry(for: x)).runsWinogradBackwardData
        return (dx, conv.weight.gradient, conv.bias!.gradient, ran)
      }
    }
    let fast = gradients(winograd: true)
    let direct = gradients(winograd: false)
    #expect(fast.ran && !direct.ran)
    #expect(fast.weight.scalars == direct.weight.scalars)
    #expect(fast.bias.scalars == direct.bias.scalars)
    let scale = direct.input.scalars.map { abs($0) }.max() ?? 0
    let worst = zip(fast.input.scalars, direct.input.scalars).map { abs($0 - $1) }.max() ?? .infinity
    #expect(scale > 0.5 && worst < 2e-5 * scale, "largest difference \(worst) at scale \(scale)")
  }
}
