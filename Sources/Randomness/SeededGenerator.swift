import Foundation

/// A small, fast, seedable random number generator (SplitMix64).
///
/// The standard library's generator cannot be seeded; every random choice in the
/// project (initialisation, shuffling, synthetic data) goes through this one so a
/// seed reproduces a run bit for bit.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Codable, Equatable {
  public private(set) var state: UInt64

  public init(seed: UInt64) {
    state = seed
  }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform Float in [0, 1) built from the top 24 bits (exactly representable).
  public mutating func nextUniform() -> Float {
    Float(next() >> 40) * (1.0 / 16_777_216.0)
  }

  /// A standard normal sample (Box–Muller; one of the pair is discarded to keep no hidden state).
  public mutating func nextNormal() -> Float {
    var u1 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    if u1 < 1e-300 { u1 = 1e-300 }
    let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
  }
}
