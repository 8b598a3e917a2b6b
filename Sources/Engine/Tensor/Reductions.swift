/// Vectorised reductions over contiguous runs of floats, with a fixed summation tree (16 lanes,
/// then the lanes in order, then the tail), so results are the same on every run.

@inline(__always)
func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

@inline(__always)
func store16(_ value: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
  UnsafeMutableRawPointer(p).storeBytes(of: value, as: SIMD16<Float>.self)
}

/// `Σ x[i]`.
@inline(__always)
func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
  var lanes = SIMD16<Float>()
  var i = 0
  while i + 16 <= count {
    lanes += load16(x + i)
    i += 16
  }
  var total = lanes.sum()
  while i < count {
    total += x[i]
    i += 1
  }
  return total
}

/// `Σ x[i]·y[i]`.
@inline(__always)
func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
  var lanes = SIMD16<Float>()
  var i = 0
  while i + 16 <= count {
    lanes += load16(x + i) * load16(y + i)
    i += 16
  }
  var total = lanes.sum()
  while i < count {
    total += x[i] * y[i]
    i += 1
  }
  return total
}

/// `Σ (x[i] − c)²`.
@inline(__always)
func squaredDeviation(_ x: UnsafePointer<Float>, from c: Float, count: Int) -> Float {
  var lanes = SIMD16<Float>()
  let center = SIMD16<Float>(repeating: c)
  var i = 0
  while i + 16 <= count {
    let d = load16(x + i) - center
    lanes += d * d
    i += 16
  }
  var total = lanes.sum()
  while i < count {
    total += (x[i] - c) * (x[i] - c)
    i += 1
  }
  return total
}
