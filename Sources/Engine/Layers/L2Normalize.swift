/// Scales every row of an `N x D` batch to a fixed length α (L2-constrained softmax, Ranjan et al.
/// 2017; NormFace-style normalised features):
///
/// ```
/// r = sqrt(‖x‖² + ε)      y = α · x / r
/// dL/dx = α/r · (g − x · ⟨g, x⟩ / r²)      dL/dα = ⟨g, x⟩ / r
/// ```
///
/// ε (default 1e-12) keeps a zero row finite: it maps to zero with a large but finite gradient
/// instead of 0/0. α is either fixed or a learnable parameter (weight-decay multiplier 0).
public final class L2Normalize: Layer {
  public let epsilon: Float
  /// The learnable scale, or nil when α is fixed.
  public let learnableScale: Parameter?
  private let fixedScale: Float
  private var cachedInput: Tensor?

  /// - Parameters:
  ///   - scale: α, the length of every output row (the initial value when learnable).
  ///   - learnable: whether α is trained.
  public init(name: String, scale: Float, learnable: Bool = false, epsilon: Float = 1e-12) {
    precondition(scale > 0, "L2Normalize scale must be positive, got \(scale)")
    self.epsilon = epsilon
    fixedScale = scale
    learnableScale =
      learnable
      ? Parameter(name: name + ".scale", value: Tensor(zeros: [1], value: scale), weightDecayMultiplier: 0) : nil
  }

  /// The current α.
  public var scale: Float { learnableScale?.value[0] ?? fixedScale }

  public var parameters: [Parameter] { learnableScale.map { [$0] } ?? [] }

  public func forward(_ input: Tensor, mode: Mode) -> Tensor {
    precondition(input.rank == 2, "L2Normalize expects [N, D], got \(input.shape)")
    cachedInput = mode == .training ? input : nil
    let (n, d) = (input.shape[0], input.shape[1])
    let alpha = scale
    let epsilon = self.epsilon
    return Tensor(shape: input.shape) { y in
      input.scalars.withUnsafeBufferPointer { x in
        for row in 0..<n {
          var squares: Float = 0
          for j in 0..<d { squares += x[row * d + j] * x[row * d + j] }
          let factor = alpha / (squares + epsilon).squareRoot()
          for j in 0..<d { y[row * d + j] = factor * x[row * d + j] }
        }
      }
    }
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    guard let input = cachedInput else {
      preconditionFailure("L2Normalize.backward needs a training-mode forward first")
    }
    precondition(
      outputGradient.shape == input.shape,
      "L2Normalize.backward expects gradient \(input.shape), got \(outputGradient.shape)")
    let (n, d) = (input.shape[0], input.shape[1])
    let alpha = scale
    let epsilon = self.epsilon
    var scaleGradient: Float = 0
    let inputGradient = Tensor(shape: input.shape) { dx in
      input.scalars.withUnsafeBufferPointer { x in
        outputGradient.scalars.withUnsafeBufferPointer { g in
          for row in 0..<n {
            var squares: Float = 0
            var dot: Float = 0
            for j in 0..<d {
              squares += x[row * d + j] * x[row * d + j]
              dot += g[row * d + j] * x[row * d + j]
            }
            let r = (squares + epsilon).squareRoot()
            let inverse = 1 / r
            let projection = dot * inverse * inverse
            for j in 0..<d { dx[row * d + j] = alpha * inverse * (g[row * d + j] - x[row * d + j] * projection) }
            scaleGradient += dot * inverse
          }
        }
      }
    }
    if let learnableScale { learnableScale.gradient[0] += scaleGradient }
    return inputGradient
  }
}
