import Dispatch
import Foundation
@_spi(Benchmarking) @testable import Engine
import Synchronization
import Testing

/// `parallelFor` runs its parts on the caller and `WorkerPool`'s helpers. The helpers only change
/// who runs a part, never which parts run or what they see.
@Suite(.timeLimit(.minutes(1))) struct WorkerPoolTests {
  /// Each call's parts write their index's slot; every slot must hold this call's value on return.
  static func expectEveryPartRan(_ run: (Int, (Int) -> Void) -> Void, parts: Int, calls: Int) {
    let slots = UnsafeMutablePointer<Int>.allocate(capacity: parts)
    defer { slots.deallocate() }
    slots.initialize(repeating: -1, count: parts)
    let shared = UncheckedSendable(slots)
    var stale = 0
    for call in 0..<calls {
      run(parts) { index in shared.value[index] = call }
      stale += (0..<parts).filter { slots[$0] != call }.count
    }
    #expect(stale == 0, "\(stale) parts had not run (or not finished) when the call returned")
  }

  @Test(arguments: [2, 3, 5])
  func everyPartRunsOnceBeforeTheCallReturns(parts: Int) {
    let pool = WorkerPool()
    let counts = UnsafeMutablePointer<Int>.allocate(capacity: parts)
    defer { counts.deallocate() }
    counts.initialize(repeating: 0, count: parts)
    let shared = UncheckedSendable(counts)
    let calls = 2_000
    for _ in 0..<calls { #expect(pool.run(parts) { shared.value[$0] += 1 }) }
    #expect((0..<parts).map { counts[$0] } == Array(repeating: calls, count: parts))
    Self.expectEveryPartRan({ count, body in _ = pool.run(count, body) }, parts: parts, calls: 500)
  }

  // Fewer parts than helpers leaves the extra helpers out; more parts adds helpers.
  @Test func callsWithDifferentPartCountsShareTheHelpers() {
    let pool = WorkerPool()
    for parts in [4, 2, 3, 2, 4] {
      Self.expectEveryPartRan({ count, body in _ = pool.run(count, body) }, parts: parts, calls: 200)
    }
  }

  // Helpers park after spinning; a call after a pause must wake them.
  @Test func parkedHelpersWakeForTheNextCall() {
    let pool = WorkerPool()
    let pause = UInt32(4 * WorkerPool.spinNanoseconds / 1_000)
    for _ in 0..<20 {
      Self.expectEveryPartRan({ count, body in _ = pool.run(count, body) }, parts: 2, calls: 3)
      usleep(pause)
    }
  }

  // A call from inside a part finds the helpers busy and is refused, and `parallelFor` then runs
  // it on Dispatch's threads.
  @Test func aNestedCallFallsBackToDispatch() {
    let pool = WorkerPool()
    let refused = Atomic<Int>(0)
    let sums = UnsafeMutablePointer<Int>.allocate(capacity: 2 * 3)
    defer { sums.deallocate() }
    let shared = UncheckedSendable(sums)
    #expect(
      pool.run(2) { outer in
        if !pool.run(2, { _ in }) { refused.add(1, ordering: .relaxed) }
        parallelFor(3) { inner in shared.value[outer * 3 + inner] = 10 * outer + inner }
      })
    #expect(refused.load(ordering: .relaxed) == 2)
    #expect((0..<6).map { sums[$0] } == [0, 1, 2, 10, 11, 12])
  }

  // Several threads calling `parallelFor` at once: one holds the helpers, the rest use Dispatch,
  // and every call still runs each of its parts before returning.
  @Test func concurrentCallersAllFinish() {
    let failures = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: 4) { _ in
      let slots = UnsafeMutablePointer<Int>.allocate(capacity: 2)
      defer { slots.deallocate() }
      let shared = UncheckedSendable(slots)
      for call in 0..<500 {
        parallelFor(2) { shared.value[$0] = call }
        if slots[0] != call || slots[1] != call { failures.add(1, ordering: .relaxed) }
      }
    }
    #expect(failures.load(ordering: .relaxed) == 0)
  }
}
