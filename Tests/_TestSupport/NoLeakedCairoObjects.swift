import CairoGraphics
import Testing

/// Fails a test that leaves Cairo surfaces or contexts alive when it returns.
///
/// Applied to a suite, it wraps every test in it. The count is task-local, so tests running in
/// parallel do not see each other's objects.
public struct NoLeakedCairoObjects: SuiteTrait, TestTrait, TestScoping {
  public var isRecursive: Bool { true }

  public init() {}

  public func provideScope(
    for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
  ) async throws {
    // Suites themselves are scoped too; only count around actual test (case) bodies.
    guard testCase != nil || !test.isSuite else {
      try await function()
      return
    }
    let ((), leaked) = try await CairoHandles.trackingLeaks { try await function() }
    #expect(leaked == 0, "\(leaked) Cairo object(s) outlived \(test.name)")
  }
}

extension Trait where Self == NoLeakedCairoObjects {
  public static var noLeakedCairoObjects: NoLeakedCairoObjects { NoLeakedCairoObjects() }
}
