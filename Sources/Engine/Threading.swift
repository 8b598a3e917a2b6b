import Dispatch
import Synchronization

/// How the engine uses the machine's cores.
///
/// Two independent knobs, because which one wins depends on the network (see the README):
/// - `workerCount`: layers split the batch into that many contiguous ranges and run them on
///   separate threads (per-worker buffers; parameter gradients reduced in worker order);
/// - `kernelThreadCount`: the OpenMP threads oneDNN may use inside each kernel call
///   (convolution, pooling, `gemm`) made by one worker.
///
/// For a fixed pair of settings (and kernel ISA, see `Kernels.isa`) every result is bit-identical
/// run to run: the batch ranges are a pure function of the batch size and `workerCount`, oneDNN
/// partitions its work statically by thread count, and every reduction runs in a fixed order.
public enum Threading {
  /// Atomics so that reading them from any layer needs no isolation; they are meant to be set
  /// once before training, not while a forward or backward pass runs.
  private static let storedWorkerCount = Atomic<Int>(1)
  private static let storedKernelThreadCount = Atomic<Int>(1)

  /// How many threads layers split the batch across (1 = no batch split).
  public static var workerCount: Int { storedWorkerCount.load(ordering: .relaxed) }

  /// How many threads each oneDNN kernel call may use.
  public static var kernelThreadCount: Int { storedKernelThreadCount.load(ordering: .relaxed) }

  /// The setting that measured fastest on the 2-core machine (see the Engine README).
  public static let fastest = (workers: 2, kernelThreads: 1)

  /// Sets the batch-split worker count and the per-call kernel thread count together.
  public static func configure(workers: Int, kernelThreads: Int) {
    precondition(workers >= 1, "worker count must be at least 1, got \(workers)")
    precondition(kernelThreads >= 1, "kernel thread count must be at least 1, got \(kernelThreads)")
    storedWorkerCount.store(workers, ordering: .relaxed)
    storedKernelThreadCount.store(kernelThreads, ordering: .relaxed)
  }

  /// The `index`-th of `parts` contiguous, nearly equal ranges of `0..<count` (earlier ranges
  /// take the remainder), so the split depends only on `count` and `parts`.
  public static func range(_ index: Int, of parts: Int, splitting count: Int) -> Range<Int> {
    let base = count / parts
    let extra = count % parts
    let start = index * base + min(index, extra)
    return start..<(start + base + (index < extra ? 1 : 0))
  }
}

/// Runs `body(0)`, ..., `body(count - 1)`, concurrently when `count > 1`, and returns when all are done.
@inlinable
func parallelFor(_ count: Int, _ body: (Int) -> Void) {
  if count <= 1 {
    if count == 1 { body(0) }
    return
  }
  withoutActuallyEscaping(body) { body in
    let shared = UncheckedSendable(body)
    DispatchQueue.concurrentPerform(iterations: count) { shared.value($0) }
  }
}

/// Carries a value to worker threads of `parallelFor`.
///
/// Unchecked because what it carries (a closure capturing buffer pointers, or a pointer) is
/// only used while the owning call is blocked in `parallelFor`, and every use in the engine
/// writes a range no other worker touches (disjoint batch ranges, per-worker scratch, or
/// per-channel slots); the comments at each call site name the partition.
@usableFromInline
struct UncheckedSendable<Value>: @unchecked Sendable {
  @usableFromInline let value: Value
  @usableFromInline init(_ value: Value) { self.value = value }
}

/// A growable, uninitialised Float buffer that a layer keeps between steps so the hot loops
/// do not reallocate (Caffe's `col_buffer_`).
final class ScratchBuffer {
  private(set) var pointer: UnsafeMutablePointer<Float>
  private(set) var capacity: Int

  init() {
    pointer = .allocate(capacity: 1)
    capacity = 1
  }

  deinit { pointer.deallocate() }

  /// Returns storage for at least `count` floats; contents are unspecified after growth.
  func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
    if count > capacity {
      pointer.deallocate()
      pointer = .allocate(capacity: count)
      capacity = count
    }
    return pointer
  }
}

/// Adds per-worker partial gradients into `parameter.gradient`, in worker order.
func accumulate(_ partials: [UnsafeMutablePointer<Float>], count: Int, into parameter: Parameter) {
  precondition(
    parameter.gradient.count == count,
    "\(parameter.name): gradient has \(parameter.gradient.count) scalars, expected \(count)")
  parameter.gradient.withUnsafeMutablePointer { gradient in
    for partial in partials {
      for i in 0..<count { gradient[i] += partial[i] }
    }
  }
}
