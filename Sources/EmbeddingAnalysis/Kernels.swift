/// Dot products the analysis runs millions of times. Four independent sums let the compiler keep
/// several multiplies in flight; the order is fixed, so a result never depends on the thread.
enum Kernels {
  /// Σ x[k]·c[k] with Float features widened to Double.
  @inline(__always)
  static func dot(_ x: UnsafePointer<Float>, _ c: UnsafePointer<Double>, _ d: Int) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    var k = 0
    while k + 4 <= d {
      s0 += Double(x[k]) * c[k]
      s1 += Double(x[k + 1]) * c[k + 1]
      s2 += Double(x[k + 2]) * c[k + 2]
      s3 += Double(x[k + 3]) * c[k + 3]
      k += 4
    }
    while k < d {
      s0 += Double(x[k]) * c[k]
      k += 1
    }
    return (s0 + s1) + (s2 + s3)
  }

  @inline(__always)
  static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ d: Int) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    var k = 0
    while k + 4 <= d {
      s0 += a[k] * b[k]
      s1 += a[k + 1] * b[k + 1]
      s2 += a[k + 2] * b[k + 2]
      s3 += a[k + 3] * b[k + 3]
      k += 4
    }
    while k < d {
      s0 += a[k] * b[k]
      k += 1
    }
    return (s0 + s1) + (s2 + s3)
  }

  @inline(__always)
  static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    var k = 0
    while k + 4 <= d {
      s0 += Double(a[k]) * Double(b[k])
      s1 += Double(a[k + 1]) * Double(b[k + 1])
      s2 += Double(a[k + 2]) * Double(b[k + 2])
      s3 += Double(a[k + 3]) * Double(b[k + 3])
      k += 4
    }
    while k < d {
      s0 += Double(a[k]) * Double(b[k])
      k += 1
    }
    return (s0 + s1) + (s2 + s3)
  }

  /// A Float32 dot product for screening only (the winners are recomputed in Double).
  @inline(__always)
  static func screen(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
    var s0 = SIMD8<Float>(), s1 = SIMD8<Float>()
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    var k = 0
    while k + 16 <= d {
      s0 += ra.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self)
      s1 += ra.loadUnaligned(fromByteOffset: 4 * k + 32, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: 4 * k + 32, as: SIMD8<Float>.self)
      k += 16
    }
    var s = (s0 + s1).sum()
    while k < d {
      s += a[k] * b[k]
      k += 1
    }
    return s
  }

  /// The angle in degrees whose cosine is `c` (clamped to [-1, 1]: rounding can step past 1).
  @inline(__always)
  static func degrees(cosine c: Double) -> Double {
    acos(max(-1, min(1, c))) * (180 / Double.pi)
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
