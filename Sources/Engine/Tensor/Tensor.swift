/// A dense, row-major Float32 tensor (NCHW for images, N x D for features).
///
/// A value type over a copy-on-write `[Float]`: layers take inputs by value and
/// write into their own outputs, so a cached input can never be changed behind
/// a layer's back.
public struct Tensor: Sendable, Equatable {
  public private(set) var shape: [Int]
  public var scalars: [Float]

  /// A tensor of `shape` filled with `value`.
  public init(zeros shape: [Int], value: Float = 0) {
    precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape must be non-negative, got \(shape)")
    self.shape = shape
    self.scalars = [Float](repeating: value, count: shape.reduce(1, *))
  }

  /// A tensor of `shape` holding `scalars` in row-major order.
  public init(shape: [Int], scalars: [Float]) {
    precondition(
      shape.reduce(1, *) == scalars.count,
      "Tensor shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
    self.shape = shape
    self.scalars = scalars
  }

  public var count: Int { scalars.count }
  public var rank: Int { shape.count }

  /// The size of the first dimension (the batch), or 1 for a scalar.
  public var batchSize: Int { shape.first ?? 1 }

  /// The number of scalars per batch item.
  public var itemSize: Int { shape.count <= 1 ? 1 : shape.dropFirst().reduce(1, *) }

  /// The same scalars viewed with another shape of equal element count.
  public func reshaped(_ newShape: [Int]) -> Tensor {
    Tensor(shape: newShape, scalars: scalars)
  }

  /// Whether every scalar is finite (no NaN or infinity).
  public var isFinite: Bool {
    scalars.withUnsafeBufferPointer { buffer in
      // A running sum is NaN/Inf iff some element is; multiplying by zero keeps large finite values finite.
      var accumulator: Float = 0
      for value in buffer { accumulator += value * 0 }
      return accumulator == 0
    }
  }

  public subscript(index: Int) -> Float {
    get { scalars[index] }
    set { scalars[index] = newValue }
  }
}
