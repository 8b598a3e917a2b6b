/// Max pooling over `kernel x kernel` windows of an NCHW batch (no padding, floor output size):
///
/// ```
/// y[n][c][oy][ox] = max_{ky,kx} x[n][c][oy·s + ky][ox·s + kx]
/// dL/dx[argmax] += dL/dy
/// ```
///
/// Ties go to the first maximum in row-major window order (a strict `>` scan), so the routed
/// gradient is deterministic.
public final class MaxPool2D: Layer {
  public let kernel: Int
  public let stride: Int
  private var cachedShape: [Int]?
  /// For every output, the flat index into its input plane of the selected element.
  private var argmax: [Int32] = []

  public init(kernel: Int, stride: Int? = nil) {
    precondition(kernel >= 1, "MaxPool2D kernel must be positive, got \(kernel)")
    self.kernel = kernel
    self.stride = stride ?? kernel
    precondition(self.stride >= 1, "MaxPool2D stride must be positive, got \(self.stride)")
  }

  public var parameters: [Parameter] { [] }

  public func forward(_ input: Tensor, mode: Mode) -> Tensor {
    precondition(input.rank == 4, "MaxPool2D expects [N, C, H, W], got \(input.shape)")
    let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let g = ConvolutionGeometry(channels: c, height: h, width: w, kernel: kernel, stride: stride, padding: 0)
    let oh = g.outputHeight
    let ow = g.outputWidth
    let planes = n * c
    let kernel = self.kernel
    let stride = self.stride
    let recordsArgmax = mode == .training
    let workers = max(1, min(Threading.workerCount, planes))
    // Reuse the previous argmax storage when it fits; dropping our reference first keeps the
    // writes below from copying it.
    var indices = argmax.count == planes * oh * ow ? argmax : [Int32](repeating: 0, count: planes * oh * ow)
    argmax = []
    cachedShape = nil
    let output = Tensor(shape: [n, c, oh, ow]) { output in
      guard let y = output.baseAddress else { return }
      input.withUnsafePointer { x in
        indices.withUnsafeMutableBufferPointer { indexBuffer in
          guard let index = indexBuffer.baseAddress else { return }
          // Each worker owns a disjoint range of (image, channel) planes.
          parallelFor(workers) { worker in
            for plane in Threading.range(worker, of: workers, splitting: planes) {
              let source = x + plane * h * w
              var o = plane * oh * ow
              for oy in 0..<oh {
                for ox in 0..<ow {
                  let corner = oy * stride * w + ox * stride
                  var best = corner
                  var bestValue = source[corner]
                  for ky in 0..<kernel {
                    let row = corner + ky * w
                    for kx in 0..<kernel where source[row + kx] > bestValue {
                      best = row + kx
                      bestValue = source[row + kx]
                    }
                  }
                  y[o] = bestValue
                  index[o] = Int32(truncatingIfNeeded: best)
                  o += 1
                }
              }
            }
          }
        }
      }
    }
    if recordsArgmax {
      argmax = indices
      cachedShape = input.shape
    }
    return output
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    guard let shape = cachedShape else { preconditionFailure("MaxPool2D.backward needs a training-mode forward first") }
    let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
    let outputPlane = argmax.count / max(1, n * c)
    precondition(
      outputGradient.count == argmax.count && outputGradient.rank == 4 && outputGradient.shape[0] == n
        && outputGradient.shape[1] == c,
      "MaxPool2D.backward expects gradient [\(n), \(c), OH, OW] with \(argmax.count) scalars, got \(outputGradient.shape)"
    )
    let planes = n * c
    let workers = max(1, min(Threading.workerCount, planes))
    var inputGradient = Tensor(zeros: shape)
    inputGradient.withUnsafeMutablePointer { dx in
      outputGradient.withUnsafePointer { dy in
        argmax.withUnsafeBufferPointer { index in
          // Each worker owns a disjoint range of planes of `dx`.
          parallelFor(workers) { worker in
            for plane in Threading.range(worker, of: workers, splitting: planes) {
              let target = dx + plane * h * w
              for o in (plane * outputPlane)..<((plane + 1) * outputPlane) {
                target[Int(index[o])] += dy[o]
              }
            }
          }
        }
      }
    }
    return inputGradient
  }
}
