import Engine
import Testing

@Suite(.timeLimit(.minutes(5))) struct LayerBehaviourTests {
  @Test func maxPoolBreaksTiesTowardTheFirstElement() {
    let pool = MaxPool2D(kernel: 2)
    let x = Tensor(shape: [1, 1, 2, 2], scalars: [5, 5, 5, 5])
    _ = pool.forward(x, mode: .training)
    let dx = pool.backward(Tensor(shape: [1, 1, 1, 1], scalars: [1]))
    #expect(dx.scalars == [1, 0, 0, 0])
  }

  /// Evaluation's vectorised scan against training's argmax scan, bit for bit: ties, signed
  /// zeros and NaN decide the same way, on widths with and without a vector tail and on windows
  /// the vector path does not take.
  @Test(arguments: [(2, 2, 28), (2, 2, 14), (2, 2, 7), (2, 2, 33), (3, 2, 11), (2, 1, 9)])
  func maxPoolEvaluationKeepsTheTrainingBits(kernel: Int, stride: Int, width: Int) {
    var generator = SeededGenerator(seed: 77)
    let special: [Float] = [0, -0.0, 1, 1, -1, .nan, .infinity, -.infinity]
    var x = Tensor(zeros: [3, 5, width + 1, width])
    for i in 0..<x.count {
      // Few distinct values, so ties are common; some specials in every plane.
      x[i] = generator.nextUniform() < 0.2 ? special[i % special.count] : Float(Int(generator.nextUniform() * 4))
    }
    let pool = MaxPool2D(kernel: kernel, stride: stride)
    pool.workers = 2
    let trained = pool.forward(x, mode: .training)
    let evaluated = pool.forward(x, mode: .evaluation)
    #expect(trained.shape == evaluated.shape)
    #expect(trained.scalars.map(\.bitPattern) == evaluated.scalars.map(\.bitPattern))
  }

  @Test func l2NormalizeScalesRowsAndSurvivesAZeroRow() {
    let layer = L2Normalize(name: "l2", scale: 5)
    let x = Tensor(shape: [2, 2], scalars: [3, 4, 0, 0])
    let y = layer.forward(x, mode: .training)
    #expect(abs(y[0] - 3) < 1e-5 && abs(y[1] - 4) < 1e-5)
    #expect(y[2] == 0 && y[3] == 0)
    let dx = layer.backward(Tensor(shape: [2, 2], scalars: [1, 1, 1, 1]))
    #expect(dx.isFinite)
  }

  @Test func preluSlopesStartAtAQuarterWithoutWeightDecay() {
    let prelu = PReLU(name: "p", channels: 3)
    #expect(prelu.slope.value.scalars == [0.25, 0.25, 0.25])
    #expect(prelu.slope.weightDecayMultiplier == 0)
    let y = prelu.forward(Tensor(shape: [1, 3], scalars: [-4, 2, 0]), mode: .evaluation)
    #expect(y.scalars == [-1, 2, 0])
  }

  @Test func initializersHaveTheirVariance() {
    var generator = SeededGenerator(seed: 31)
    let fanIn = 200
    let msra = Initializer.msra.makeTensor(shape: [100, fanIn], fanIn: fanIn, fanOut: 100, using: &generator)
    let msraVariance = msra.scalars.reduce(0.0) { $0 + Double($1 * $1) } / Double(msra.count)
    #expect(abs(msraVariance - 2.0 / 200) < 0.05 * 2.0 / 200)
    let xavier = Initializer.xavier.makeTensor(shape: [100, fanIn], fanIn: fanIn, fanOut: 100, using: &generator)
    let limit = Float((6.0 / 300).squareRoot())
    #expect(xavier.scalars.allSatisfy { abs($0) <= limit })
    let xavierVariance = xavier.scalars.reduce(0.0) { $0 + Double($1 * $1) } / Double(xavier.count)
    #expect(abs(xavierVariance - 2.0 / 300) < 0.05 * 2.0 / 300)
  }
}

@Suite(.timeLimit(.minutes(5))) struct FirstLayerTests {
  @Test func skippingTheInputGradientKeepsParameterGradients() {
    var generator = SeededGenerator(seed: 51)
    let conv = Conv2D(name: "c", inChannels: 1, outChannels: 2, kernel: 3, padding: 1, generator: &generator)
    let x = uniformTensor([2, 1, 4, 4], seed: 52)
    let dy = uniformTensor([2, 2, 4, 4], seed: 53)
    _ = conv.forward(x, mode: .training)
    _ = conv.backward(dy)
    let full = conv.weight.gradient
    conv.weight.zeroGradient()
    conv.propagatesInputGradient = false
    _ = conv.forward(x, mode: .training)
    let dx = conv.backward(dy)
    #expect(dx.shape == x.shape && dx.scalars.allSatisfy { $0 == 0 })
    #expect(conv.weight.gradient == full)
  }
}
