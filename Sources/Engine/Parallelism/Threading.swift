import Dispatch
import Synchronization

/// How the engine uses the machine's cores.
///
/// Two independent knobs, because which one wins depends on the network (see the README):
/// - the worker count, a property of each network (`Network.workers`, set on every layer that
///   splits work by `Sequential`): layers split the batch into that many contiguous ranges and run
///   them on separate threads (per-worker buffers; parameter gradients reduced in worker order);
/// - `kernelThreadCount`: the OpenMP threads oneDNN may use inside each kernel call
///   (convolution, pooling, `gemm`) made by one worker. This one is process-wide because it is
///   oneDNN's (an OpenMP setting), so it is set explicitly and recorded beside the worker count.
///
/// For a fixed pair of settings (and kernel ISA, see `Kernels.isa`) every result is bit-identical
/// run to run: the batch ranges are a pure function of the batch size and the worker count, oneDNN
/// partitions its work statically by thread count, and every reduction runs in a fixed order.
public enum Threading {
  /// An atomic so that reading it from any worker needs no isolation; it is meant to be set
  /// once before training, not while a forward or backward pass runs.
  private static let storedKernelThreadCount = Atomic<Int>(1)

  /// How many threads each oneDNN kernel call may use.
  public static var kernelThreadCount: Int { storedKernelThreadCount.load(ordering: .relaxed) }

  /// The setting that measured fastest on the 2-core machine (see the Engine README).
  public static let fastest = (workers: 2, kernelThreads: 1)

  /// Sets the per-call kernel thread count (the worker count is the network's: `Network.workers`).
  public static func configure(kernelThreads: Int) {
    precondition(kernelThreads >= 1, "kernel thread count must be at least 1, got \(kernelThreads)")
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

/// A layer that splits its work over worker threads; `Sequential` (and so `Network`) sets the
/// count on each of its layers, so the setting belongs to the network, not the process.
public protocol WorkerSplitting: AnyObject {
  /// How many threads the layer splits its work across (1 = no split).
  var workers: Int { get set }
}

/// Runs `body(0)`, ..., `body(count - 1)`, concurrently when `count > 1`, and returns when all are done:
/// on the calling thread and `WorkerPool`'s helpers, or on Dispatch's threads while the helpers are busy.
/// The benchmarks replay the engine's work on the same threads, hence the SPI.
@_spi(Benchmarking) public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
  if count <= 1 {
    if count == 1 { body(0) }
    return
  }
  if WorkerPool.shared.run(count, body) { return }
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

/// The all-zero input gradient a layer that does not propagate one (the network's first layer)
/// returns, kept between steps: a copy-on-write `Tensor`, so returning the same one each step
/// costs no fill, and a caller that writes into it gets its own copy.
struct ZeroTensorCache {
  private var cached = Tensor(zeros: [0])

  mutating func zeros(_ shape: [Int]) -> Tensor {
    if cached.shape != shape { cached = Tensor(zeros: shape) }
    return cached
  }

  /// A layer's input gradient: `work` writes it into a fresh `shape` buffer when the layer
  /// `propagates` one; otherwise `work` gets nil (it still computes the parameter gradients) and
  /// the kept zeros are returned.
  mutating func inputGradient(
    _ shape: [Int], propagates: Bool, _ work: (UnsafeMutablePointer<Float>?) -> Void
  ) -> Tensor {
    guard propagates else {
      work(nil)
      return zeros(shape)
    }
    return Tensor(shape: shape) { buffer in work(buffer.baseAddress) }
  }
}

/// Runs `body` on disjoint element ranges covering `0..<count`: one range per worker when
/// `count` is at least 2¹⁵ (smaller arrays stay on the calling thread, where a split costs more
/// than it saves), else the whole. For elementwise work, whose bits do not depend on the split.
func forEachElementRange(of count: Int, workers: Int, _ body: (Range<Int>) -> Void) {
  let parts = count >= 1 << 15 ? max(1, workers) : 1
  parallelFor(parts) { part in body(Threading.range(part, of: parts, splitting: count)) }
}

/// Adds per-worker partial gradients into `parameter.gradient`, in worker order.
///
/// Each element sees the same additions in the same order (`(g + p₀) + p₁ …`) however the
/// elements are split, so splitting a large gradient over `workers` threads keeps every bit.
func accumulate(_ partials: [UnsafeMutablePointer<Float>], count: Int, into parameter: Parameter, workers: Int = 1) {
  precondition(
    parameter.gradient.count == count,
    "\(parameter.name): gradient has \(parameter.gradient.count) scalars, expected \(count)")
  parameter.gradient.withUnsafeMutablePointer { gradient in
    let target = UncheckedSendable(gradient)
    // Workers write disjoint element ranges of the gradient.
    forEachElementRange(of: count, workers: workers) { range in
      let gradient = target.value + range.lowerBound
      for partial in partials {
        let partial = partial + range.lowerBound
        for i in 0..<range.count { gradient[i] += partial[i] }
      }
    }
  }
}
