import CDNNL

/// Max pooling over `kernel x kernel` windows of an NCHW batch (no padding, floor output size):
///
/// ```
/// y[n][c][oy][ox] = max_{ky,kx} x[n][c][oy·s + ky][ox·s + kx]
/// dL/dx[argmax] += dL/dy
/// ```
///
/// Ties go to the first maximum in row-major window order (a strict `>` scan), so the routed
/// gradient is deterministic.
///
/// Both modes run the engine's own scan. Training records the argmax for backward (on NCHW tensors
/// oneDNN's training forward + backward measured slower than this scan: compact at batch 128, 2,712
/// vs 4,912 img/s). Evaluation scans 2 × 2 windows eight outputs at a time with the same comparisons
/// in the same order: oneDNN 2.6 has no JIT kernel for NCHW pooling below AVX-512 and falls back to
/// its reference loop there (34x slower than its AVX-512 kernel; see docs/cpus.md). A maximum is
/// exact, so every path gives the same bits. Inside a blocked convolution run (`BlockedEvaluation`)
/// pooling stays on oneDNN's kernel, which has a JIT version for the blocked layouts on every ISA.
public final class MaxPool2D: Layer, WorkerSplitting {
  /// How many threads the batch (or channel) split uses; set through `Sequential.workers`.
  public var workers = 1
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

  /// Drops what the last training forward kept for `backward`, as an evaluation forward does
  /// (`BlockedEvaluation` evaluates the layer without calling `forward`).
  func forgetTrainingInput() { cachedShape = nil }

  /// Whether a training forward's input is kept for `backward`.
  var holdsTrainingInput: Bool { cachedShape != nil }

  public func forward(_ input: Tensor, mode: Mode) -> Tensor {
    precondition(input.rank == 4, "MaxPool2D expects [N, C, H, W], got \(input.shape)")
    let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let g = ConvolutionGeometry(channels: c, height: h, width: w, kernel: kernel, stride: stride, padding: 0)
    let oh = g.outputHeight
    let ow = g.outputWidth
    let planes = n * c
    let kernel = self.kernel
    let stride = self.stride
    if mode == .evaluation {
      cachedShape = nil
      return evaluationForward(input, geometry: g)
    }
    let workers = max(1, min(self.workers, planes))
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
              if kernel == 2 && stride == 2 {
                // The networks' only window, unrolled: the same strict `>` scan in row-major order.
                for oy in 0..<oh {
                  let top = 2 * oy * w
                  for ox in 0..<ow {
                    let corner = top + 2 * ox
                    var best = corner
                    var bestValue = source[corner]
                    if source[corner + 1] > bestValue { (best, bestValue) = (corner + 1, source[corner + 1]) }
                    if source[corner + w] > bestValue { (best, bestValue) = (corner + w, source[corner + w]) }
                    if source[corner + w + 1] > bestValue {
                      (best, bestValue) = (corner + w + 1, source[corner + w + 1])
                    }
                    y[o] = bestValue
                    index[o] = Int32(truncatingIfNeeded: best)
                    o += 1
                  }
                }
                continue
              }
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
    argmax = indices
    cachedShape = input.shape
    return output
  }

  /// The evaluation forward: the training scan's strict `>` comparisons in row-major window order,
  /// without an argmax; 2 × 2 windows eight outputs at a time. Workers take disjoint plane ranges.
  private func evaluationForward(_ input: Tensor, geometry g: ConvolutionGeometry) -> Tensor {
    let planes = input.shape[0] * g.channels
    let workers = max(1, min(self.workers, planes))
    let (kernel, stride) = (self.kernel, self.stride)
    let (h, w, oh, ow) = (g.height, g.width, g.outputHeight, g.outputWidth)
    return Tensor(shape: [input.shape[0], g.channels, oh, ow]) { output in
      guard let y = output.baseAddress else { return }
      input.withUnsafePointer { x in
        parallelFor(workers) { worker in
          for plane in Threading.range(worker, of: workers, splitting: planes) {
            let source = x + plane * h * w
            let target = y + plane * oh * ow
            if kernel == 2 && stride == 2 {
              for oy in 0..<oh {
                Self.maximaOfPairs(top: source + 2 * oy * w, width: w, into: target + oy * ow, count: ow)
              }
              continue
            }
            for oy in 0..<oh {
              for ox in 0..<ow {
                let corner = source + oy * stride * w + ox * stride
                var best = corner[0]
                for ky in 0..<kernel {
                  for kx in 0..<kernel where corner[ky * w + kx] > best { best = corner[ky * w + kx] }
                }
                target[oy * ow + ox] = best
              }
            }
          }
        }
      }
    }
  }

  /// `count` maxima of the 2 × 2 windows along one pair of rows (`top` and the row `width` after
  /// it), each the strict `>` scan of top-left, top-right, bottom-left, bottom-right.
  @inline(__always)
  private static func maximaOfPairs(
    top: UnsafePointer<Float>, width: Int, into y: UnsafeMutablePointer<Float>, count: Int
  ) {
    let bottom = top + width
    var ox = 0
    // 16 floats of each row hold eight windows; 2·(ox + 8) <= 2·count <= width keeps the loads inside.
    while ox + 8 <= count {
      let upper = load16(top + 2 * ox)
      let lower = load16(bottom + 2 * ox)
      var best = upper.evenHalf
      best.replace(with: upper.oddHalf, where: upper.oddHalf .> best)
      best.replace(with: lower.evenHalf, where: lower.evenHalf .> best)
      best.replace(with: lower.oddHalf, where: lower.oddHalf .> best)
      UnsafeMutableRawPointer(y + ox).storeBytes(of: best, as: SIMD8<Float>.self)
      ox += 8
    }
    while ox < count {
      let corner = 2 * ox
      var best = top[corner]
      if top[corner + 1] > best { best = top[corner + 1] }
      if bottom[corner] > best { best = bottom[corner] }
      if bottom[corner + 1] > best { best = bottom[corner + 1] }
      y[ox] = best
      ox += 1
    }
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
    let workers = max(1, min(self.workers, planes))
    // Each worker zeroes its own planes just before routing into them (cache-hot, in parallel)
    // instead of one serial zero fill of the whole batch first.
    return Tensor(shape: shape) { buffer in
      guard let dx = buffer.baseAddress else { return }
      outputGradient.withUnsafePointer { dy in
        argmax.withUnsafeBufferPointer { index in
          // Each worker owns a disjoint range of planes of `dx`.
          parallelFor(workers) { worker in
            for plane in Threading.range(worker, of: workers, splitting: planes) {
              let target = dx + plane * h * w
              target.update(repeating: 0, count: h * w)
              for o in (plane * outputPlane)..<((plane + 1) * outputPlane) {
                target[Int(index[o])] += dy[o]
              }
            }
          }
        }
      }
    }
  }
}

/// oneDNN's inference max-pooling primitive for one shape and worker.
final class PoolingPlan {
  struct Key: Hashable {
    var worker: Int
    var batch: Int
    var channels: Int
    var height: Int
    var width: Int
  }

  private let primitive: Primitive
  private let source: Layout
  private let destination: Layout

  /// - Parameter arrivingSource: the layout inputs come in; nil for NCHW in and out, otherwise
  ///   oneDNN picks the output layout (the same blocking, for a `BlockedEvaluation`).
  init(key: Key, kernel: Int, stride: Int, arrivingSource: Layout? = nil) {
    let g = ConvolutionGeometry(
      channels: key.channels, height: key.height, width: key.width, kernel: kernel, stride: stride, padding: 0)
    var source = arrivingSource ?? Kernels.layout(key.batch, key.channels, key.height, key.width)
    var destination = Kernels.layout(
      key.batch, key.channels, g.outputHeight, g.outputWidth,
      tag: arrivingSource == nil ? dnnl_abcd : dnnl_format_tag_any)
    self.source = source
    // Floor output size: the last window ends inside the input, so the far-side padding is ≤ 0.
    let padRight = (
      Int64((g.outputHeight - 1) * stride + kernel - key.height),
      Int64((g.outputWidth - 1) * stride + kernel - key.width)
    )
    var operation = dnnl_pooling_desc_t()
    Kernels.check(
      cdnnl_max_pooling_forward(
        &operation, dnnl_forward_inference, &source, &destination, Int64(kernel), Int64(stride), padRight.0,
        padRight.1),
      "describe max pooling")
    primitive = withUnsafePointer(to: &operation) { Primitive(operation: $0, what: "max pooling") }
    self.destination = primitive.layout(dnnl_query_dst_md)
  }

  /// The layout `forward` writes its output in.
  var outputLayout: Layout { destination }

  func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
    primitive.execute([
      (cdnnl_arg_src, source, UnsafeMutableRawPointer(mutating: x)),
      (cdnnl_arg_dst, destination, UnsafeMutableRawPointer(y)),
    ])
  }
}
