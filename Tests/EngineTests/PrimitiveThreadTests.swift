import CDNNL
import Foundation
@testable import Engine
import _TestSupport
import Testing

/// oneDNN fixes a primitive's work partition from the OpenMP thread count of the thread that
/// creates it. Workers create backward primitives lazily on whatever thread runs them, and a
/// thread that has not run a kernel yet still has OpenMP's default, so the engine must set the
/// count before creating, not only before running (a 2-worker LeNet++ run under load once
/// differed in its weight gradients from iteration 5 on because of it).
@Suite(.timeLimit(.minutes(2))) struct PrimitiveThreadTests {
  /// Runs `body` on a new thread whose OpenMP thread count is `openMPThreads` when it starts.
  static func onFreshThread(openMPThreads: Int32, _ body: @escaping () -> [[Float]]) -> [[Float]] {
    let box = ResultBox(body)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      omp_set_num_threads(openMPThreads)
      box.result = box.body()
      done.signal()
    }
    thread.start()
    done.wait()
    return box.result
  }

  @Test(arguments: [(1, 32, 28, 5), (32, 32, 28, 5)])
  func backwardPrimitivesBuiltOnAFreshThreadGiveTheSameBits(
    shape: (inChannels: Int, outChannels: Int, size: Int, kernel: Int)
  ) {
    // Forward on one thread, backward (whose primitives are built on first use) on a fresh one
    // whose OpenMP setting is `openMPThreads`, as a worker thread that never ran a kernel.
    func train(openMPThreads: Int32) -> [[Float]] {
      var generator = SeededGenerator(seed: 61)
      let conv = Conv2D(
        name: "conv", inChannels: shape.inChannels, outChannels: shape.outChannels, kernel: shape.kernel,
        padding: shape.kernel / 2, generator: &generator)
      let x = uniformTensor([32, shape.inChannels, shape.size, shape.size], seed: 62)
      let dy = uniformTensor([32, shape.outChannels, shape.size, shape.size], seed: 63)
      let box = UncheckedSendable(conv)
      return withKernelThreads(1) {
        let y = Self.onFreshThread(openMPThreads: 1) { [box.value.forward(x, mode: .training).scalars] }
        let gradients = Self.onFreshThread(openMPThreads: openMPThreads) {
          [box.value.backward(dy).scalars] + box.value.parameters.map(\.gradient.scalars)
        }
        return y + gradients
      }
    }
    let reference = train(openMPThreads: 1)
    let other = train(openMPThreads: 4)
    for (index, name) in ["forward", "input gradient", "weight gradient", "bias gradient"].enumerated() {
      let differing = zip(other[index], reference[index]).filter { $0.bitPattern != $1.bitPattern }.count
      #expect(differing == 0, "\(name): \(differing) of \(reference[index].count) values differ")
    }
  }
}

/// Carries the body and its result across the thread; the semaphore orders the accesses.
private final class ResultBox: @unchecked Sendable {
  var result: [[Float]] = []
  let body: () -> [[Float]]
  init(_ body: @escaping () -> [[Float]]) { self.body = body }
}
