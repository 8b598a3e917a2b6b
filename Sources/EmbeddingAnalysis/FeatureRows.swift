import FileFormats
import Foundation

/// N × D features, row-major, as Float32 rows: held in memory or mapped from a `.npy` file. The
/// analysis asks for blocks of rows and never for the whole array, so a mapped file is never copied.
public protocol FeatureRows: Sendable {
  var rowCount: Int { get }
  var dimension: Int { get }
  /// Rows `range` as Float32: in place when the storage is Float32, else converted into `scratch`
  /// (room for `range.count × dimension` values).
  func rows(_ range: Range<Int>, scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float>
}

/// Features held in memory (from `.npz`, CSV or a checkpoint).
public final class InMemoryFeatures: FeatureRows, @unchecked Sendable {
  // Unchecked: the buffer is written once in init and only read afterwards.
  public let rowCount: Int
  public let dimension: Int
  private let storage: UnsafeMutableBufferPointer<Float>

  public init(_ values: [Float], dimension: Int) {
    precondition(dimension > 0 && values.count % dimension == 0, "\(values.count) values are no rows of \(dimension)")
    self.dimension = dimension
    rowCount = values.count / dimension
    storage = .allocate(capacity: max(values.count, 1))
    _ = storage.initialize(from: values)
  }

  deinit { storage.deallocate() }

  public func rows(_ range: Range<Int>, scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
    UnsafePointer(storage.baseAddress! + range.lowerBound * dimension)
  }
}

/// A mapped `.npy` [N, D] of float16, float32 or float64.
public struct MappedFeatures: FeatureRows {
  public let array: MappedNumpyArray
  public let rowCount: Int
  public let dimension: Int

  /// - Throws: `AnalysisError` when the array is not [N, D] floats with D >= 2.
  public init(_ array: MappedNumpyArray, name: String = "features") throws {
    guard array.shape.count == 2, array.shape[1] >= 2 else {
      throw AnalysisError(
        path: array.path, array: name, reason: "has shape \(array.shape); expected [N, D] with D >= 2")
    }
    guard array.scalar.isFloatingPoint else {
      throw AnalysisError(
        path: array.path, array: name,
        reason: "holds \(array.descriptor); expected float16, float32 or float64 features")
    }
    self.array = array
    rowCount = array.shape[0]
    dimension = array.shape[1]
  }

  public func rows(_ range: Range<Int>, scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
    if let values = array.float32Values { return values.baseAddress! + range.lowerBound * dimension }
    array.copyFloats((range.lowerBound * dimension)..<(range.upperBound * dimension), into: scratch)
    return UnsafePointer(scratch)
  }
}

/// A bad input, naming the file and the array (or nil when the file as a whole is at fault).
public typealias AnalysisError = InputFileError

/// `value` shared with the parts of a parallel loop; the loops below hand each part disjoint
/// memory, which the compiler cannot see.
struct Shared<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}

enum Parallel {
  /// `body(range)` over `0..<count` cut into `parts` contiguous ranges, run at the same time.
  /// Callers make each item's result independent of which range it lands in, so the output does
  /// not depend on `parts`.
  static func ranges(_ count: Int, parts: Int, _ body: (Range<Int>) -> Void) {
    let parts = max(1, min(parts, count))
    if parts <= 1 {
      if count > 0 { body(0..<count) }
      return
    }
    withoutActuallyEscaping(body) { body in
      let work = Shared(body)
      DispatchQueue.concurrentPerform(iterations: parts) { p in
        let lo = count * p / parts, hi = count * (p + 1) / parts
        if lo < hi { work.value(lo..<hi) }
      }
    }
  }
}

/// What the analysis says while it works: a phase name and the share of it done (0...1).
public typealias AnalysisProgress = @Sendable (_ phase: String, _ fraction: Double) -> Void
