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
      s0 +=
        ra.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self)
        * rb.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self)
      s1 +=
        ra.loadUnaligned(fromByteOffset: 4 * k + 32, as: SIMD8<Float>.self)
        * rb.loadUnaligned(fromByteOffset: 4 * k + 32, as: SIMD8<Float>.self)
      k += 16
    }
    var s = (s0 + s1).sum()
    while k < d {
      s += a[k] * b[k]
      k += 1
    }
    return s
  }

  /// The 4 × 2 screening dot products of rows a[0..<4] and b[0..<2] (row stride `d`) into
  /// `out[4 * q + r]` = a_r · b_q. Each loaded chunk of a and b serves several products, which is
  /// what bounds the class-to-class cosines (loads, not multiplies, are the limit).
  @inline(__always)
  static func screen4x2(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int, _ out: UnsafeMutablePointer<Float>
  ) {
    var s00 = SIMD4<Float>(), s10 = SIMD4<Float>(), s20 = SIMD4<Float>(), s30 = SIMD4<Float>()
    var s01 = SIMD4<Float>(), s11 = SIMD4<Float>(), s21 = SIMD4<Float>(), s31 = SIMD4<Float>()
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    let rowBytes = 4 * d
    var k = 0
    while k + 4 <= d {
      let o = 4 * k
      let b0 = rb.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
      let b1 = rb.loadUnaligned(fromByteOffset: rowBytes + o, as: SIMD4<Float>.self)
      let a0 = ra.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
      s00 += a0 * b0
      s01 += a0 * b1
      let a1 = ra.loadUnaligned(fromByteOffset: rowBytes + o, as: SIMD4<Float>.self)
      s10 += a1 * b0
      s11 += a1 * b1
      let a2 = ra.loadUnaligned(fromByteOffset: 2 * rowBytes + o, as: SIMD4<Float>.self)
      s20 += a2 * b0
      s21 += a2 * b1
      let a3 = ra.loadUnaligned(fromByteOffset: 3 * rowBytes + o, as: SIMD4<Float>.self)
      s30 += a3 * b0
      s31 += a3 * b1
      k += 4
    }
    var r = [s00.sum(), s10.sum(), s20.sum(), s30.sum(), s01.sum(), s11.sum(), s21.sum(), s31.sum()]
    while k < d {
      for q in 0..<2 { for i in 0..<4 { r[4 * q + i] += a[i * d + k] * b[q * d + k] } }
      k += 1
    }
    for i in 0..<8 { out[i] = r[i] }
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
