@_spi(Benchmarking) import Engine
import Dispatch

/// How fast a network of Linear layers could train (or evaluate) if nothing but its matrix
/// multiplies took time: its own `gemm` calls of one training step (or evaluation forward), with
/// its batch split, replayed on its workers with nothing else in between. The ceiling
/// `margins-bench engine` compares the measured rate with, for networks whose work is all `gemm`
/// (a 1024³ sgemm overstates what the small shapes of a 128-row half batch can reach).
struct GemmBound: Sendable {
  /// Images per second with the step's passes joined one by one, as `Sequential` runs them
  /// (every layer's forward or backward returns only when all workers are done).
  var joined: Double
  /// Images per second with each worker running its share of the whole step without waiting
  /// for the other.
  var freeRunning: Double
  /// FLOPs (2 per multiply-add) of the replayed calls per image: the same count as
  /// `EngineBenchmark.trainingFLOPsPerImage` when the replay covers exactly the layers' work.
  var flopsPerImage: Double
}

extension EngineBenchmark {
  /// The `gemm` bound of `network`'s training step (or, with `inference`, of its evaluation
  /// forward) at `batchSize`, best of `repeats` runs of `iterations` steps each, or nil when the
  /// network has a layer whose work is not a `gemm` (a convolution, or with `inference` a Linear
  /// layer that evaluates as `LinearConvolution`), for which such a bound would say nothing.
  static func gemmBound(
    of network: Network, batchSize: Int, iterations: Int, repeats: Int, inference: Bool = false
  ) -> GemmBound? {
    let layers = network.body.layers
    guard !layers.contains(where: { $0 is Conv2D }) else { return nil }
    let linears = layers.compactMap { $0 as? Linear }
    guard !linears.isEmpty, !(inference && linears.contains(where: \.evaluatesByConvolution)) else { return nil }
    let workers = max(1, min(network.workers, batchSize))
    // The passes of one step in the order the engine makes them: forwards, then backwards in
    // reverse; each worker's calls cover its part of the batch (as `Linear` splits it).
    func passes(worker: Int) -> [[GemmShape]] {
      let rows = Threading.range(worker, of: workers, splitting: batchSize).count
      let forwards = linears.map { GemmShape(.noTranspose, .transpose, m: rows, n: $0.outFeatures, k: $0.inFeatures) }
      // The evaluation forward runs consecutive Linear layers in one pass (`LinearChain`).
      if inference { return [forwards] }
      return forwards.map { [$0] }
        + linears.reversed().flatMap { linear in
          let inputGradient =
            linear.propagatesInputGradient
            ? [GemmShape(.noTranspose, .noTranspose, m: rows, n: linear.inFeatures, k: linear.outFeatures)] : []
          // The weight gradient: this worker's output features over the whole batch, joined
          // before the input gradient needs every feature; or all of them over its rows, in one
          // pass with the input gradient; as `Linear.backward` splits it.
          guard Linear.splitsWeightGradientByOutput(outFeatures: linear.outFeatures, workers: workers) else {
            return [
              [GemmShape(.transpose, .noTranspose, m: linear.outFeatures, n: linear.inFeatures, k: rows)]
                + inputGradient
            ]
          }
          let outputs = Threading.range(worker, of: workers, splitting: linear.outFeatures).count
          return [[GemmShape(.transpose, .noTranspose, m: outputs, n: linear.inFeatures, k: batchSize)]]
            + (inputGradient.isEmpty ? [] : [inputGradient])
        }
    }
    let operands = (0..<workers).map { worker in
      GemmOperands(passes: passes(worker: worker))
    }
    let passCount = operands[0].passes.count
    func rate(_ step: () -> Void) -> Double {
      var best = 0.0
      for _ in 0..<repeats {
        step()  // untimed: first-touch of the operands, oneDNN's kernel generation
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { step() }
        best = max(best, Double(batchSize * iterations) / seconds(since: start))
      }
      return best
    }
    let joined = rate {
      for pass in 0..<passCount {
        parallelFor(workers) { operands[$0].run(pass: pass) }
      }
    }
    let freeRunning = rate {
      parallelFor(workers) { worker in
        for pass in 0..<passCount { operands[worker].run(pass: pass) }
      }
    }
    let flops = operands.reduce(0.0) { $0 + $1.flops }
    return GemmBound(joined: joined, freeRunning: freeRunning, flopsPerImage: flops / Double(batchSize))
  }
}

/// One `gemm` call of a pass, with one worker's sizes.
private struct GemmShape {
  var transA: Transpose
  var transB: Transpose
  var m: Int
  var n: Int
  var k: Int

  init(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int) {
    (self.transA, self.transB, self.m, self.n, self.k) = (transA, transB, m, n, k)
  }
}

/// One worker's passes and operand buffers, large enough for every call, filled with small values
/// so the kernels see ordinary floats (no denormals).
private final class GemmOperands {
  let passes: [[GemmShape]]
  private let a: UnsafeMutablePointer<Float>
  private let b: UnsafeMutablePointer<Float>
  private let c: UnsafeMutablePointer<Float>

  init(passes: [[GemmShape]]) {
    self.passes = passes
    let shapes = passes.joined()
    let sizes = (
      a: max(1, shapes.map { $0.m * $0.k }.max() ?? 1), b: max(1, shapes.map { $0.k * $0.n }.max() ?? 1),
      c: max(1, shapes.map { $0.m * $0.n }.max() ?? 1)
    )
    a = .allocate(capacity: sizes.a)
    b = .allocate(capacity: sizes.b)
    c = .allocate(capacity: sizes.c)
    for i in 0..<sizes.a { a[i] = Float(i % 7) * 0.01 }
    for i in 0..<sizes.b { b[i] = Float(i % 5) * 0.01 }
    c.initialize(repeating: 0, count: sizes.c)
  }

  deinit {
    a.deallocate()
    b.deallocate()
    c.deallocate()
  }

  /// FLOPs (2 per multiply-add) of all of this worker's calls.
  var flops: Double { passes.joined().reduce(0.0) { $0 + 2 * Double($1.m * $1.n * $1.k) } }

  func run(pass: Int) {
    for call in passes[pass] {
      gemm(call.transA, call.transB, m: call.m, n: call.n, k: call.k, alpha: 1, a: a, b: b, beta: 0, c: c)
    }
  }
}
