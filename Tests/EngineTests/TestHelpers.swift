import Engine
import Foundation
import _TestSupport
import Testing

/// A tensor of `shape` with uniform entries in [low, high).
func uniformTensor(_ shape: [Int], in range: ClosedRange<Float> = -1...1, seed: UInt64) -> Tensor {
  var generator = SeededGenerator(seed: seed)
  var tensor = Tensor(zeros: shape)
  for i in 0..<tensor.count {
    tensor[i] = range.lowerBound + (range.upperBound - range.lowerBound) * generator.nextUniform()
  }
  return tensor
}

/// Uniform entries in ±[0.1, 1]: at least 10 finite-difference steps away from a kink at 0.
func awayFromZero(_ shape: [Int], seed: UInt64) -> Tensor {
  var tensor = uniformTensor(shape, in: 0.1...1, seed: seed)
  var generator = SeededGenerator(seed: seed ^ 0xABCD)
  for i in 0..<tensor.count where generator.nextUniform() < 0.5 { tensor[i] = -tensor[i] }
  return tensor
}

/// Checks dLoss/dInput and dLoss/dParameter of `layer` against central differences of the
/// random projection objective ⟨r, layer(x)⟩.
func expectGradientsMatch(
  _ layer: any Layer, input: Tensor, mode: Mode = .training, checkInput: Bool = true,
  checker: GradientChecker = GradientChecker(), sourceLocation: SourceLocation = #_sourceLocation
) {
  let output = layer.forward(input, mode: mode)
  let projection = RandomProjection(count: output.count)
  for parameter in layer.parameters { parameter.zeroGradient() }
  let inputGradient = layer.backward(projection.gradient(shape: output.shape))
  let parameterGradients = layer.parameters.map(\.gradient)
  if checkInput {
    let failures = checker.mismatches(label: "input", at: input, analytic: inputGradient) { x in
      projection.value(layer.forward(x, mode: mode))
    }
    #expect(failures.count == 0, "first mismatches: \(failures.prefix(4))", sourceLocation: sourceLocation)
  }
  for (parameter, gradient) in zip(layer.parameters, parameterGradients) {
    let original = parameter.value
    let failures = checker.mismatches(label: parameter.name, at: original, analytic: gradient) { value in
      parameter.value = value
      defer { parameter.value = original }
      return projection.value(layer.forward(input, mode: mode))
    }
    #expect(failures.count == 0, "first mismatches: \(failures.prefix(4))", sourceLocation: sourceLocation)
  }
}

/// Plain softmax cross-entropy over `N x C` logits, averaged over the batch: the losses module
/// is another target, so the tests carry their own.
/// - Returns: the mean loss, dLoss/dlogits, and how many rows were classified correctly.
func softmaxCrossEntropy(logits: Tensor, labels: [Int]) -> (loss: Double, gradient: Tensor, correct: Int) {
  let (n, c) = (logits.shape[0], logits.shape[1])
  var gradient = Tensor(zeros: logits.shape)
  var loss = 0.0
  var correct = 0
  for row in 0..<n {
    let values = (0..<c).map { logits[row * c + $0] }
    let top = values.max() ?? 0
    let exps = values.map { Foundation.exp(Double($0 - top)) }
    let total = exps.reduce(0, +)
    loss -= Foundation.log(max(exps[labels[row]] / total, Double(Float.leastNormalMagnitude)))
    if values.firstIndex(of: top) == labels[row] { correct += 1 }
    for j in 0..<c {
      gradient[row * c + j] = Float((exps[j] / total - (j == labels[row] ? 1 : 0)) / Double(n))
    }
  }
  return (loss / Double(n), gradient, correct)
}
