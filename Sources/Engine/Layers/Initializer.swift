import Foundation

/// How a weight tensor is drawn at construction.
public enum Initializer: String, Codable, Sendable, CaseIterable {
  /// MSRA / Kaiming (He et al. 2015), normal with fan-in scaling: `w ~ N(0, 2 / fanIn)`.
  /// Keeps activation variance constant through (P)ReLU layers.
  case msra
  /// Xavier / Glorot (2010), uniform: `w ~ U(−a, a)`, `a = sqrt(6 / (fanIn + fanOut))`.
  case xavier

  /// A tensor of `shape` drawn from this distribution with the given fans.
  public func makeTensor(
    shape: [Int], fanIn: Int, fanOut: Int, using generator: inout SeededGenerator
  ) -> Tensor {
    precondition(fanIn > 0 && fanOut > 0, "fans must be positive, got fanIn \(fanIn), fanOut \(fanOut)")
    var tensor = Tensor(zeros: shape)
    switch self {
    case .msra:
      let std = Float((2.0 / Double(fanIn)).squareRoot())
      for i in 0..<tensor.count { tensor[i] = std * generator.nextNormal() }
    case .xavier:
      let limit = Float((6.0 / Double(fanIn + fanOut)).squareRoot())
      for i in 0..<tensor.count { tensor[i] = limit * (2 * generator.nextUniform() - 1) }
    }
    return tensor
  }
}
