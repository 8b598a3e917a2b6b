import Synchronization

/// Counts Cairo objects (surfaces and contexts) that are currently alive.
///
/// Every wrapper object that owns a C handle holds a ``LiveHandle`` token, so the count rises on
/// creation and falls in `deinit`. Tests wrap their body in ``trackingLeaks(_:)`` to assert that
/// nothing they created outlives them; the ledger is task-local, so tests running in parallel do
/// not see each other's objects.
public enum CairoHandles {
  static let processWide = Atomic<Int>(0)
  @TaskLocal static var ledger: HandleLedger?

  /// Cairo objects alive in the whole process right now.
  public static var liveCount: Int { processWide.load(ordering: .relaxed) }

  /// Runs `body` and reports how many Cairo objects it created that are still alive afterwards.
  ///
  /// Objects that `body` returns are counted as alive, so return plain values (pixels, bytes),
  /// not surfaces, when checking for leaks.
  public static func trackingLeaks<R>(_ body: () throws -> R) rethrows -> (result: R, leaked: Int) {
    let ledger = HandleLedger()
    let result = try $ledger.withValue(ledger) { try body() }
    return (result, ledger.count.load(ordering: .relaxed))
  }

  /// The `async` form of ``trackingLeaks(_:)``, for test-scoping traits that wrap whole tests.
  public static func trackingLeaks<R>(_ body: () async throws -> R) async rethrows -> (result: R, leaked: Int) {
    let ledger = HandleLedger()
    let result = try await $ledger.withValue(ledger) { try await body() }
    return (result, ledger.count.load(ordering: .relaxed))
  }
}

final class HandleLedger: Sendable {
  let count = Atomic<Int>(0)
}

/// A token whose lifetime matches one C handle; it keeps ``CairoHandles`` counts in step.
final class LiveHandle {
  private let ledger: HandleLedger?

  init() {
    ledger = CairoHandles.ledger
    CairoHandles.processWide.add(1, ordering: .relaxed)
    ledger?.count.add(1, ordering: .relaxed)
  }

  deinit {
    CairoHandles.processWide.subtract(1, ordering: .relaxed)
    ledger?.count.subtract(1, ordering: .relaxed)
  }
}
