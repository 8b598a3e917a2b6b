extension Tensor {
  /// A tensor of `shape` whose scalars are all written by `initializer` (skips the zero fill
  /// that `init(zeros:)` pays for, which matters for the large activations of a batch).
  ///
  /// - Parameter initializer: receives a buffer of `shape.reduce(1, *)` uninitialised floats
  ///   and must write every one of them.
  public init(shape: [Int], initializingWith initializer: (UnsafeMutableBufferPointer<Float>) -> Void) {
    precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape must be non-negative, got \(shape)")
    let count = shape.reduce(1, *)
    let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initializedCount in
      initializer(buffer)
      initializedCount = count
    }
    self.init(shape: shape, scalars: scalars)
  }

  /// Calls `body` with a pointer to the scalars (valid only inside `body`).
  @inlinable
  public func withUnsafePointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
    try scalars.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { preconditionFailure("tensor of shape \(shape) has no storage") }
      return try body(base)
    }
  }

  /// Calls `body` with a mutable pointer to the scalars (valid only inside `body`).
  @inlinable
  public mutating func withUnsafeMutablePointer<R>(
    _ body: (UnsafeMutablePointer<Float>) throws -> R
  ) rethrows -> R {
    let shape = self.shape
    return try scalars.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { preconditionFailure("tensor of shape \(shape) has no storage") }
      return try body(base)
    }
  }
}
