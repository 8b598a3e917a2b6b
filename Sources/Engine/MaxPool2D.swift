import CDNNL

/// Max pooling over `kernel x kernel` windows of an NCHW batch (no padding, floor output size)
/// on oneDNN's pooling kernels:
///
/// ```
/// y[n][c][oy][ox] = max_{ky,kx} x[n][c][oy·s + ky][ox·s + kx]
/// dL/dx[argmax] += dL/dy
/// ```
///
/// oneDNN records the selected element of every window in a workspace during a training
/// forward (ties go to the first maximum in window order), and backward routes each gradient
/// there. The batch is split across `Threading.workerCount` workers like `Conv2D`.
public final class MaxPool2D: Layer {
  public let kernel: Int
  public let stride: Int
  private var cachedShape: [Int]?
  private var plans: [PoolingPlan.Key: PoolingPlan] = [:]

  public init(kernel: Int, stride: Int? = nil) {
    precondition(kernel >= 1, "MaxPool2D kernel must be positive, got \(kernel)")
    self.kernel = kernel
    self.stride = stride ?? kernel
    precondition(self.stride >= 1, "MaxPool2D stride must be positive, got \(self.stride)")
  }

  public var parameters: [Parameter] { [] }

  private func plans(shape: [Int], training: Bool) -> [PoolingPlan] {
    let n = shape[0]
    let workers = max(1, min(Threading.workerCount, n))
    return (0..<workers).map { worker in
      let key = PoolingPlan.Key(
        worker: worker, batch: Threading.range(worker, of: workers, splitting: n).count, channels: shape[1],
        height: shape[2], width: shape[3], training: training)
      if let plan = plans[key] { return plan }
      let plan = PoolingPlan(key: key, kernel: kernel, stride: stride)
      plans[key] = plan
      return plan
    }
  }

  public func forward(_ input: Tensor, mode: Mode) -> Tensor {
    precondition(input.rank == 4, "MaxPool2D expects [N, C, H, W], got \(input.shape)")
    let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let g = ConvolutionGeometry(channels: c, height: h, width: w, kernel: kernel, stride: stride, padding: 0)
    let training = mode == .training
    cachedShape = training ? input.shape : nil
    let plans = plans(shape: input.shape, training: training)
    let workers = plans.count
    let inputItem = c * h * w
    let outputItem = c * g.outputPlane
    return Tensor(shape: [n, c, g.outputHeight, g.outputWidth]) { output in
      guard let y = output.baseAddress else { return }
      input.withUnsafePointer { x in
        // Workers write disjoint image ranges of `y` and their own workspaces.
        parallelFor(workers) { worker in
          let start = Threading.range(worker, of: workers, splitting: n).lowerBound
          plans[worker].forward(x: x + start * inputItem, y: y + start * outputItem)
        }
      }
    }
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    guard let shape = cachedShape else { preconditionFailure("MaxPool2D.backward needs a training-mode forward first") }
    let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
    let g = ConvolutionGeometry(channels: c, height: h, width: w, kernel: kernel, stride: stride, padding: 0)
    precondition(
      outputGradient.shape == [n, c, g.outputHeight, g.outputWidth],
      "MaxPool2D.backward expects gradient \([n, c, g.outputHeight, g.outputWidth]), got \(outputGradient.shape)")
    let plans = plans(shape: shape, training: true)
    let workers = plans.count
    let inputItem = c * h * w
    let outputItem = c * g.outputPlane
    return Tensor(shape: shape) { buffer in
      guard let dx = buffer.baseAddress else { return }
      outputGradient.withUnsafePointer { dy in
        // Workers write disjoint image ranges of `dx`, each from its own forward's workspace.
        parallelFor(workers) { worker in
          let start = Threading.range(worker, of: workers, splitting: n).lowerBound
          plans[worker].backward(dy: dy + start * outputItem, dx: dx + start * inputItem)
        }
      }
    }
  }
}

/// The oneDNN pooling primitives of one shape and worker, with the workspace that carries the
/// selected positions from a training forward to its backward.
final class PoolingPlan {
  struct Key: Hashable {
    var worker: Int
    var batch: Int
    var channels: Int
    var height: Int
    var width: Int
    var training: Bool
  }

  private let forwardPrimitive: Primitive
  private let source: Layout
  private let destination: Layout
  private let workspaceLayout: Layout?
  private let workspace: UnsafeMutableRawPointer?
  private let backwardPrimitive: Primitive?

  init(key: Key, kernel: Int, stride: Int) {
    let g = ConvolutionGeometry(
      channels: key.channels, height: key.height, width: key.width, kernel: kernel, stride: stride, padding: 0)
    var source = Kernels.layout(key.batch, key.channels, key.height, key.width)
    var destination = Kernels.layout(key.batch, key.channels, g.outputHeight, g.outputWidth)
    self.source = source
    self.destination = destination
    // Floor output size: the window never reaches past the bottom/right edge.
    let padRight = (
      Int64((g.outputHeight - 1) * stride + kernel - key.height), Int64((g.outputWidth - 1) * stride + kernel - key.width)
    )
    var operation = dnnl_pooling_desc_t()
    Kernels.check(
      cdnnl_max_pooling_forward(
        &operation, key.training ? dnnl_forward_training : dnnl_forward_inference, &source, &destination,
        Int64(kernel), Int64(stride), padRight.0, padRight.1),
      "describe max pooling")
    let forward = withUnsafePointer(to: &operation) { Primitive(operation: $0, what: "max pooling") }
    forwardPrimitive = forward
    guard key.training else {
      workspaceLayout = nil
      workspace = nil
      backwardPrimitive = nil
      return
    }
    let workspaceLayout = forward.layout(dnnl_query_workspace_md)
    self.workspaceLayout = workspaceLayout
    workspace = .allocate(byteCount: max(1, LayoutBridge.byteCount(workspaceLayout)), alignment: 64)
    var backward = dnnl_pooling_desc_t()
    Kernels.check(
      cdnnl_max_pooling_backward(&backward, &source, &destination, Int64(kernel), Int64(stride), padRight.0, padRight.1),
      "describe max pooling's backward pass")
    backwardPrimitive = withUnsafePointer(to: &backward) {
      Primitive(operation: $0, hint: forward, what: "max pooling's backward pass")
    }
  }

  deinit { workspace?.deallocate() }

  func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
    var arguments = [
      (cdnnl_arg_src, source, UnsafeMutableRawPointer(mutating: x)), (cdnnl_arg_dst, destination, UnsafeMutableRawPointer(y)),
    ]
    if let workspaceLayout, let workspace { arguments.append((cdnnl_arg_workspace, workspaceLayout, workspace)) }
    forwardPrimitive.execute(arguments)
  }

  func backward(dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>) {
    guard let backwardPrimitive, let workspaceLayout, let workspace else {
      preconditionFailure("MaxPool2D.backward needs a training-mode forward first")
    }
    backwardPrimitive.execute([
      (cdnnl_arg_diff_dst, destination, UnsafeMutableRawPointer(mutating: dy)),
      (cdnnl_arg_diff_src, source, UnsafeMutableRawPointer(dx)),
      (cdnnl_arg_workspace, workspaceLayout, workspace),
    ])
  }
}
