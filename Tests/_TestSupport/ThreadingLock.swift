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
