import Engine
import Foundation

/// Serialises the tests that change oneDNN's process-wide kernel thread count (an OpenMP
/// setting, so it cannot belong to a network): Swift Testing runs tests of every bundle in
/// parallel in one process, and a bit-exact comparison (determinism, resume equality) must not
/// see another test switch the kernel thread count midway. The worker count needs no lock: it
/// is each network's (`Network.workers`, `Sequential.workers`, a layer's `workers`).
private let kernelThreadLock = NSLock()

/// Runs `body` with `count` oneDNN threads per kernel call, restoring 1 after.
public func withKernelThreads<R>(_ count: Int, _ body: () throws -> R) rethrows -> R {
  kernelThreadLock.lock()
  defer { kernelThreadLock.unlock() }
  Threading.configure(kernelThreads: count)
  defer { Threading.configure(kernelThreads: 1) }
  return try body()
}

/// The older spelling, for callers that train through a `Trainer` (which sets the kernel thread
/// count from its options and so must not overlap a test that changes it); `workers` is not a
/// process setting any more and is only checked to be a valid count.
@available(*, deprecated, message: "the worker count is the network's (Network.workers); use withKernelThreads(_:_:)")
public func withThreading<R>(workers: Int, kernelThreads: Int = 1, _ body: () throws -> R) rethrows -> R {
  precondition(workers >= 1, "worker count must be at least 1, got \(workers)")
  return try withKernelThreads(kernelThreads, body)
}
