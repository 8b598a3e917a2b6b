import Foundation
import PlotKit
import Randomness

/// Seeded synthetic 2-D features shaped like MNIST softmax features: a "star" of one thin ray
/// per class from the origin, so rendering can be exercised without a trained network: the
/// renderer's tests and `margins-bench render` draw them (an internal target; no product links it).
public enum SyntheticFeatures {
  /// `count` points over `classCount` classes (round-robin labels). Class c points along angle
  /// 2πc/C + 0.3; radii are half-normal with a class-dependent scale (like softmax features,
  /// whose norms grow unevenly), angular spread shrinks with radius, as in the papers' figures.
  public static func star(count: Int, classCount: Int = 10, seed: UInt64 = 1701, scale: Double = 100) -> FeatureCloud {
    var rng = SeededGenerator(seed: seed)
    var xs = [Float](), ys = [Float](), labels = [UInt8]()
    xs.reserveCapacity(count)
    ys.reserveCapacity(count)
    labels.reserveCapacity(count)
    for i in 0..<count {
      let c = i % classCount
      let classScale = scale * (0.55 + 0.45 * Double((c * 7) % classCount) / Double(max(1, classCount - 1)))
      let r = classScale * (0.08 + abs(rng.nextGaussian()) * 0.55)
      let spread = 0.05 + 0.25 / (1 + r / (0.1 * scale))
      let angle = 2 * Double.pi * Double(c) / Double(classCount) + 0.3 + rng.nextGaussian() * spread
      xs.append(Float(r * cos(angle)))
      ys.append(Float(r * sin(angle)))
      labels.append(UInt8(truncatingIfNeeded: c))
    }
    return FeatureCloud(xs: xs, ys: ys, labels: labels, classNames: (0..<classCount).map(String.init))
  }

  /// Unit class directions matching ``star(count:classCount:seed:scale:)``.
  public static func starDirections(classCount: Int = 10) -> [(x: Double, y: Double)] {
    (0..<classCount).map {
      let a = 2 * Double.pi * Double($0) / Double(classCount) + 0.3
      return (cos(a), sin(a))
    }
  }
}

extension SeededGenerator {
  /// A standard normal sample in Double (Box–Muller), for synthetic figure data.
  mutating func nextGaussian() -> Double {
    let u1 = Double(next() >> 11) * 0x1p-53 + 0x1p-54
    let u2 = Double(next() >> 11) * 0x1p-53
    return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
  }
}
