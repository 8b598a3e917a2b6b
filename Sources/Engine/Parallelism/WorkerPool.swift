import CDNNL
import Dispatch
import Foundation
import Synchronization

/// The threads `parallelFor` runs its extra workers on: one long-lived helper per worker index
/// above 0, which spins for a short while after its part is done before it parks, while the caller
/// runs index 0 itself.
///
/// Why not `DispatchQueue.concurrentPerform` for every call: a training step of a small network
/// is a dozen joins of a few hundred microseconds each (the mlp's step is about 2 ms), and
/// Dispatch's worker started each part about 10 µs late on average and woke the caller late
/// again at the join (per-call timers in the mlp's step, Engine README). A helper that is still
/// spinning from the previous join picks the next part up within a fraction of a microsecond.
///
/// Only the scheduling changes: worker `i` runs `body(i)` as before, so no result depends on it.
/// One caller at a time uses the helpers; a call made while they are busy (from another thread,
/// or from inside a part) goes to `concurrentPerform` instead.
final class WorkerPool: @unchecked Sendable {
  static let shared = WorkerPool()

  /// How long a helper keeps polling for the next part before it parks: longer than the serial
  /// gaps inside and between training steps, short enough that an idle process stops using a core
  /// at once.
  static let spinNanoseconds: UInt64 = 200_000

  private let inUse = Atomic<Bool>(false)
  /// Grown, and read, only by the caller holding `inUse`.
  private var helpers: [Helper] = []

  /// Runs `body(0)`, ..., `body(count - 1)` on the calling thread and `count - 1` helpers and
  /// returns true when all are done, or returns false at once (running nothing) if another call
  /// holds the helpers.
  func run(_ count: Int, _ body: (Int) -> Void) -> Bool {
    guard inUse.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
    defer { inUse.store(false, ordering: .releasing) }
    while helpers.count < count - 1 { helpers.append(Helper(index: helpers.count + 1)) }
    withoutActuallyEscaping(body) { body in
      // The helpers reach the closure through a pointer, so no copy of it outlives this call
      // (which `withoutActuallyEscaping` checks).
      var body = body
      withUnsafePointer(to: &body) { body in
        let parts = Parts(body: body, count: count - 1)
        for helper in helpers.prefix(count - 1) { helper.start(parts) }
        body.pointee(0)
        var spins = 0
        while parts.remaining.load(ordering: .acquiring) > 0 {
          spins += 1
          cdnnl_spin_pause()
          // A helper that was preempted needs this core back; do not starve it.
          if spins & 255 == 0 { sched_yield() }
        }
      }
    }
    return true
  }

  /// One call's parts, handed to the helpers. `body` is valid until `remaining` reaches 0: the
  /// caller does not return before that.
  final class Parts: @unchecked Sendable {
    let body: UnsafePointer<(Int) -> Void>
    let remaining: Atomic<Int>

    init(body: UnsafePointer<(Int) -> Void>, count: Int) {
      self.body = body
      remaining = Atomic(count)
    }
  }

  /// A thread that runs index `index` of each call it is started on.
  final class Helper: @unchecked Sendable {
    let index: Int
    private let generation = Atomic<UInt64>(0)
    private let parked = Atomic<Bool>(false)
    private let wakeup = DispatchSemaphore(value: 0)
    /// Written by the caller before it bumps `generation`, read by the helper after it sees the bump.
    private var parts: Parts?

    init(index: Int) {
      self.index = index
      // The thread keeps its helper: helpers live as long as the process (a pool never drops one).
      let thread = Thread { self.loop() }
      thread.name = "margins-worker-\(index)"
      // oneDNN's kernels run here too; give the thread the main thread's usual stack.
      thread.stackSize = 8 << 20
      thread.start()
    }

    func start(_ parts: Parts) {
      self.parts = parts
      generation.add(1, ordering: .sequentiallyConsistent)
      // If the helper parked (or is about to), it waits on the semaphore: wake it. If it saw the
      // bump first it clears `parked` itself and takes no signal.
      if parked.exchange(false, ordering: .sequentiallyConsistent) { wakeup.signal() }
    }

    private func loop() {
      var seen: UInt64 = 0
      while true {
        waitForGeneration(after: seen)
        seen = generation.load(ordering: .acquiring)
        guard let parts else { preconditionFailure("worker \(index) woken without parts to run") }
        parts.body.pointee(index)
        self.parts = nil
        parts.remaining.subtract(1, ordering: .releasing)
      }
    }

    private func waitForGeneration(after seen: UInt64) {
      var deadline: UInt64 = 0
      var spins = 0
      while generation.load(ordering: .acquiring) == seen {
        spins += 1
        cdnnl_spin_pause()
        guard spins & 63 == 0 else { continue }
        // When more threads than cores are runnable (two trainings at once), hand the core over
        // now and then instead of holding it for the whole spin.
        if spins & 255 == 0 { sched_yield() }
        let now = DispatchTime.now().uptimeNanoseconds
        if deadline == 0 {
          deadline = now + WorkerPool.spinNanoseconds
          continue
        }
        guard now >= deadline else { continue }
        parked.store(true, ordering: .sequentiallyConsistent)
        if generation.load(ordering: .sequentiallyConsistent) != seen {
          // A start raced the parking: if it has not cleared the flag, no signal is coming.
          if parked.exchange(false, ordering: .sequentiallyConsistent) { return }
        }
        wakeup.wait()
        return
      }
    }
  }
}
