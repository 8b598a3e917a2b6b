@testable import Engine
import Testing

/// `LinearConvolution`, the evaluation kernel of wide `Linear` layers below AVX-512: where it
/// runs, its outputs against the definition in Double, its rows' bits in any batch, and its
/// blocked weights following the layer's.
@Suite(.timeLimit(.minutes(2))) struct LinearConvolutionTests {
  static let runsHere = LinearConvolution.applies(outFeatures: 256)

  static func layer(in inFeatures: Int, out outFeatures: Int, bias: Bool, seed: UInt64) -> Linear {
    var generator = SeededGenerator(seed: seed)
    let linear = Linear(
      name: "fc", inFeatures: inFeatures, outFeatures: outFeatures, bias: bias, generator: &generator)
    if let parameter = linear.bias {
      parameter.value = Tensor(shape: [outFeatures], scalars: (0..<outFeatures).map { _ in generator.nextNormal() })
    }
    return linear
  }

  static func input(rows: Int, features: Int, seed: UInt64) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return Tensor(shape: [rows, features], scalars: (0..<rows * features).map { _ in generator.nextNormal() })
  }

  /// Every output within the bound of a Float sum of k + 1 terms (the products and the bias):
  /// k · ε times the sum of their magnitudes, whichever order the kernel adds them in.
  static func expectMatchesDefinition(_ output: Tensor, of linear: Linear, at x: Tensor, _ what: String) {
    let (k, n) = (linear.inFeatures, linear.outFeatures)
    let w = linear.weight.value.scalars
    let b = linear.bias?.value.scalars
    var worst = 0.0
    for row in 0..<x.shape[0] {
      for o in 0..<n {
        var sum = Double(b?[o] ?? 0)
        var magnitude = abs(sum)
        for i in 0..<k {
          let product = Double(x[row * k + i]) * Double(w[o * k + i])
          sum += product
          magnitude += abs(product)
        }
        let bound = Double(k) * Double(Float.ulpOfOne) * magnitude + Double(Float.leastNormalMagnitude)
        worst = max(worst, abs(Double(output[row * n + o]) - sum) / bound)
      }
    }
    #expect(worst <= 1, "\(what): worst error \(worst) of the bound")
  }

  /// Below AVX-512 with FMA, for 256 or more output features in whole 8-channel blocks; never on
  /// AVX-512 (the shipped results' kernels) and never for narrow layers, where it measured no faster.
  @Test func runsWhereItIsFaster() throws {
    let avx2 = ["avx2", "avx2_vnni"].contains(Kernels.isa)
    #expect(LinearConvolution.applies(outFeatures: 256) == avx2)
    #expect(LinearConvolution.applies(outFeatures: 512) == avx2)
    #expect(!LinearConvolution.applies(outFeatures: 128))
    #expect(!LinearConvolution.applies(outFeatures: 2))
    #expect(!LinearConvolution.applies(outFeatures: 260))
    let mlp = Network(configuration: NetworkConfiguration(architecture: .mlp), seed: 1)
    let linears = mlp.body.layers.compactMap { $0 as? Linear }
    #expect(linears.map(\.evaluatesByConvolution) == [avx2, avx2, false])
    if avx2 {
      // oneDNN has its JIT 1×1 kernel for the shape, down to one row.
      #expect(LinearConvolution(rows: 1, inFeatures: 784, outFeatures: 256, hasBias: true) != nil)
      #expect(LinearConvolution(rows: 128, inFeatures: 300, outFeatures: 256, hasBias: false) != nil)
    }
  }

  /// On every ISA, whichever kernel evaluates the layer (and `gemm` in training).
  @Test(arguments: [(784, 256, true), (300, 264, false), (100, 512, true), (64, 40, true)])
  func outputsMatchTheDefinition(shape: (inFeatures: Int, outFeatures: Int, bias: Bool)) {
    let linear = Self.layer(in: shape.inFeatures, out: shape.outFeatures, bias: shape.bias, seed: 3)
    linear.workers = 2
    let x = Self.input(rows: 37, features: shape.inFeatures, seed: 4)
    Self.expectMatchesDefinition(linear.forward(x, mode: .evaluation), of: linear, at: x, "evaluation")
    Self.expectMatchesDefinition(linear.forward(x, mode: .training), of: linear, at: x, "training")
  }

  /// A row's bits are the same in a batch of any size and worker split: the kernel sums each
  /// output in one chain over the input features, however many rows it has.
  @Test(.enabled(if: runsHere)) func rowsKeepTheirBitsInAnyBatch() {
    let linear = Self.layer(in: 784, out: 256, bias: true, seed: 5)
    let x = Self.input(rows: 37, features: 784, seed: 6)
    linear.workers = 2
    let whole = linear.forward(x, mode: .evaluation).scalars.map(\.bitPattern)
    for (batch, workers) in [(1, 1), (5, 2), (16, 1), (37, 1)] {
      linear.workers = workers
      var pieces: [UInt32] = []
      for start in stride(from: 0, to: 37, by: batch) {
        let rows = min(batch, 37 - start)
        let piece = Tensor(shape: [rows, 784], scalars: Array(x.scalars[start * 784..<(start + rows) * 784]))
        pieces += linear.forward(piece, mode: .evaluation).scalars.map(\.bitPattern)
      }
      let differing = zip(pieces, whole).filter { $0 != $1 }.count
      #expect(
        pieces.count == whole.count && differing == 0, "batches of \(batch), \(workers) workers: \(differing) differ")
    }
  }

  /// The kernel keeps the weights in its own layout; a change to them, in place or whole, is seen
  /// by the next evaluation.
  @Test func blockedWeightsFollowTheWeights() {
    let linear = Self.layer(in: 784, out: 256, bias: true, seed: 7)
    linear.workers = 2
    let x = Self.input(rows: 20, features: 784, seed: 8)
    let before = linear.forward(x, mode: .evaluation)
    let version = linear.weight.version
    linear.weight.value.withUnsafeMutablePointer { w in
      for i in 0..<(784 * 256) { w[i] *= -0.5 }
    }
    #expect(linear.weight.version != version)
    let scaled = linear.forward(x, mode: .evaluation)
    let changed = scaled != before
    #expect(changed, "the evaluation did not follow weights scaled in place")
    Self.expectMatchesDefinition(scaled, of: linear, at: x, "after scaling in place")
    linear.weight.value = Self.input(rows: 256, features: 784, seed: 9)
    Self.expectMatchesDefinition(linear.forward(x, mode: .evaluation), of: linear, at: x, "after replacing")
    // A training step changes the weights through the optimiser.
    _ = linear.forward(x, mode: .training)
    _ = linear.backward(Self.input(rows: 20, features: 256, seed: 10))
    let stepped = linear.weight.version
    SGD().step(linear.parameters, learningRate: 0.1)
    #expect(linear.weight.version != stepped)
    Self.expectMatchesDefinition(linear.forward(x, mode: .evaluation), of: linear, at: x, "after an SGD step")
  }
}
