import Engine
import Foundation

/// Serialises the tests that change the process-wide thread settings: Swift Testing runs
/// tests of every bundle in parallel in one process, and a test that needs bit-exact results
/// (determinism, resume equality) must not see another test switch the worker count midway.
/// Tests that do not take it still compute correct results under any setting.
private let threadingLock = NSLock()

/// Runs `body` with the given worker and kernel thread counts, restoring single-threaded defaults after.
public func withThreading<R>(workers: Int, kernelThreads: Int = 1, _ body: () throws -> R) rethrows -> R {
  threadingLock.lock()
  defer { threadingLock.unlock() }
  Threading.configure(workers: workers, kernelThreads: kernelThreads)
  defer { Threading.configure(workers: 1, kernelThreads: 1) }
  return try body()
}
