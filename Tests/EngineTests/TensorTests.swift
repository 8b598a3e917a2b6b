import Testing
@testable import Engine

@Suite struct TensorTests {
  @Test func reshapeKeepsScalars() {
    let t = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    let r = t.reshaped([3, 2])
    #expect(r.shape == [3, 2])
    #expect(r.scalars == t.scalars)
    #expect(t.itemSize == 3)
    #expect(t.batchSize == 2)
  }

  @Test func finiteCheckFindsNaNAndInfinity() {
    var t = Tensor(zeros: [4], value: 3e38)
    #expect(t.isFinite)
    t[2] = .nan
    #expect(!t.isFinite)
    t[2] = .infinity
    #expect(!t.isFinite)
  }

  @Test func seededGeneratorRepeats() {
    var a = SeededGenerator(seed: 1701)
    var b = SeededGenerator(seed: 1701)
    let xs = (0..<5).map { _ in a.nextNormal() }
    let ys = (0..<5).map { _ in b.nextNormal() }
    #expect(xs == ys)
    var c = SeededGenerator(seed: 1702)
    #expect((0..<5).map { _ in c.nextNormal() } != xs)
    for _ in 0..<1000 { let u = a.nextUniform(); #expect(u >= 0 && u < 1) }
  }
}
