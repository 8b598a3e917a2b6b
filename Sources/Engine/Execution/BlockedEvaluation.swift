import CDNNL

/// The evaluation-mode forward of a run of `Conv2D`, `PReLU` and `MaxPool2D` layers (a CNN's
/// feature extractor) in oneDNN's blocked layout, one chunk of images at a time.
///
/// Layer by layer, every convolution reorders its input from NCHW into the blocked layout its
/// kernel wants and its output back, and each layer streams the whole batch through memory. Here
/// each worker takes `Conv2D.chunkSize` images through the whole run while they are in its L2
/// cache: the activations stay blocked from the first convolution to the last pooling, and only
/// the run's output is reordered to NCHW. Every stage computes what the layer computes, in the same
/// order (the same convolution kernel, the same per-channel PReLU formula, the same pooling
/// primitive; reorders are exact copies), so the output is bit for bit that of the layers one
/// after the other (`BlockedEvaluationTests`).
final class BlockedEvaluation {
  enum Stage {
    case convolution(Conv2D)
    case rectifier(PReLU)
    case pooling(MaxPool2D)
  }

  let stages: [Stage]
  private var pipelines: [ChunkPipeline.Key: ChunkPipeline?] = [:]

  /// The run of `layers` starting at `start` that this type can evaluate (a convolution first, then
  /// convolutions, PReLUs over their input's channels and max-poolings), or nil when fewer than two
  /// layers qualify.
  static func run(in layers: [any Layer], from start: Int) -> (stages: [Stage], end: Int)? {
    guard start < layers.count, let first = layers[start] as? Conv2D else { return nil }
    var stages: [Stage] = [.convolution(first)]
    var channels = first.outChannels
    var end = start + 1
    scan: while end < layers.count {
      switch layers[end] {
      case let conv as Conv2D where conv.inChannels == channels:
        stages.append(.convolution(conv))
        channels = conv.outChannels
      case let prelu as PReLU where prelu.channels == channels:
        stages.append(.rectifier(prelu))
      case let pool as MaxPool2D:
        stages.append(.pooling(pool))
      default:
        break scan
      }
      end += 1
    }
    return stages.count >= 2 ? (stages, end) : nil
  }

  init(stages: [Stage]) {
    self.stages = stages
  }

  /// The run's evaluation output for an NCHW batch, or nil when oneDNN chose a layout the PReLU
  /// stage cannot walk (the caller then runs the layers one by one).
  func forward(_ input: Tensor, workers requested: Int) -> Tensor? {
    precondition(input.rank == 4, "a convolution run expects [N, C, H, W], got \(input.shape)")
    let (n, height, width) = (input.shape[0], input.shape[2], input.shape[3])
    // As the layers' own evaluation forward does: nothing is kept for a backward pass, and the
    // last training batch's activations are released.
    for stage in stages {
      switch stage {
      case .convolution(let conv): conv.forgetTrainingInput()
      case .rectifier(let prelu): prelu.forgetTrainingInput()
      case .pooling(let pool): pool.forgetTrainingInput()
      }
    }
    let workers = max(1, min(requested, n))
    var chunks: [[(start: Int, pipeline: ChunkPipeline)]] = []
    for worker in 0..<workers {
      let range = Threading.range(worker, of: workers, splitting: n)
      var list: [(start: Int, pipeline: ChunkPipeline)] = []
      for start in Swift.stride(from: range.lowerBound, to: range.upperBound, by: Conv2D.chunkSize) {
        let key = ChunkPipeline.Key(
          worker: worker, batch: min(Conv2D.chunkSize, range.upperBound - start), height: height, width: width)
        if pipelines[key] == nil { pipelines[key] = .some(ChunkPipeline(stages: stages, key: key)) }
        guard let pipeline = pipelines[key] ?? nil else { return nil }
        list.append((start, pipeline))
      }
      chunks.append(list)
    }
    guard let shape = chunks.first?.first?.pipeline.outputShape else { return nil }
    let inputItem = input.count / max(1, n)
    let outputItem = shape.dropFirst().reduce(1, *)
    let weights = stages.map { stage -> Tensor? in
      if case .convolution(let conv) = stage { return conv.weight.value } else { return nil }
    }
    let versions = stages.map { stage -> UInt64? in
      if case .convolution(let conv) = stage { return conv.weight.version } else { return nil }
    }
    return Tensor(shape: [n] + shape.dropFirst()) { output in
      guard let y = output.baseAddress else { return }
      input.withUnsafePointer { x in
        withPointers(to: weights) { w in
          // Workers write disjoint image ranges of `y` through their own pipelines.
          parallelFor(workers) { worker in
            var prepared: (pipeline: ChunkPipeline, weights: [UnsafeMutableRawPointer?])?
            for (start, pipeline) in chunks[worker] {
              if prepared?.pipeline !== pipeline {
                prepared = (pipeline, pipeline.prepareWeights(w, versions: versions))
              }
              pipeline.run(x: x + start * inputItem, weights: prepared!.weights, y: y + start * outputItem)
            }
          }
        }
      }
    }
  }
}

/// One worker's primitives and buffers for one chunk size and image size: each stage writes into a
/// buffer of its own in the layout its primitive chose, and the last output is reordered to NCHW.
final class ChunkPipeline {
  /// Worker, chunk size and image size, as for a convolution's plans.
  typealias Key = ConvolutionPlan.Key

  private enum Step {
    case convolution(ConvolutionPlan, bias: Parameter?)
    /// A PReLU in place over `count` floats of a layout with `block` channels innermost (1: NCHW).
    case rectifier(PReLU, count: Int, channels: Int, plane: Int, block: Int)
    case pooling(PoolingPlan)
  }

  private let steps: [Step]
  private let buffers: [UnsafeMutableRawPointer?]
  private let toPlain: LayoutBridge
  let outputShape: [Int]

  /// Nil when a PReLU would follow a layout other than NCHW or channel blocks of 8 or 16.
  init?(stages: [BlockedEvaluation.Stage], key: Key) {
    var layout: Layout? = nil
    var shape = [key.batch, 0, key.height, key.width]
    var steps: [Step] = []
    var buffers: [UnsafeMutableRawPointer?] = []
    for stage in stages {
      switch stage {
      case .convolution(let conv):
        shape[1] = conv.inChannels
        let g = ConvolutionGeometry(
          channels: conv.inChannels, height: shape[2], width: shape[3], kernel: conv.kernel, stride: conv.stride,
          padding: conv.padding)
        let plan = ConvolutionPlan(
          batch: key.batch, geometry: g, outChannels: conv.outChannels, hasBias: conv.bias != nil,
          arrivingSource: layout, keepsKernelDestination: true, allowsWinograd: conv.allowsWinograd)
        layout = plan.outputLayout
        shape = [key.batch, conv.outChannels, g.outputHeight, g.outputWidth]
        steps.append(.convolution(plan, bias: conv.bias))
        buffers.append(.allocate(byteCount: LayoutBridge.byteCount(plan.outputLayout), alignment: 64))
      case .rectifier(let prelu):
        guard let current = layout, let block = Self.channelBlock(of: current, shape: shape) else {
          for buffer in buffers { buffer?.deallocate() }
          return nil
        }
        steps.append(
          .rectifier(
            prelu, count: LayoutBridge.byteCount(current) / MemoryLayout<Float>.size, channels: shape[1],
            plane: shape[2] * shape[3], block: block))
        buffers.append(nil)  // in place
      case .pooling(let pool):
        let plan = PoolingPlan(
          key: PoolingPlan.Key(
            worker: key.worker, batch: key.batch, channels: shape[1], height: shape[2], width: shape[3]),
          kernel: pool.kernel, stride: pool.stride, arrivingSource: layout)
        layout = plan.outputLayout
        let g = ConvolutionGeometry(
          channels: shape[1], height: shape[2], width: shape[3], kernel: pool.kernel, stride: pool.stride, padding: 0)
        shape = [key.batch, shape[1], g.outputHeight, g.outputWidth]
        steps.append(.pooling(plan))
        buffers.append(.allocate(byteCount: LayoutBridge.byteCount(plan.outputLayout), alignment: 64))
      }
    }
    guard let last = layout else { return nil }
    self.steps = steps
    self.buffers = buffers
    outputShape = shape
    toPlain = LayoutBridge(plain: Kernels.layout(shape[0], shape[1], shape[2], shape[3]), kernel: last)
  }

  deinit { for buffer in buffers { buffer?.deallocate() } }

  /// The block size of `layout` along the channels: 1 for NCHW, 8 or 16 for `aBcd8b`/`aBcd16b`.
  private static func channelBlock(of layout: Layout, shape: [Int]) -> Int? {
    for (block, tag) in [(1, dnnl_abcd), (16, dnnl_aBcd16b), (8, dnnl_aBcd8b)] {
      var candidate = Kernels.layout(shape[0], shape[1], shape[2], shape[3], tag: tag)
      var actual = layout
      if dnnl_memory_desc_equal(&candidate, &actual) != 0 { return block }
    }
    return nil
  }

  /// Each convolution's weights in its kernel's layout (once per pass; nil for other stages), given
  /// each one's `Parameter.version`.
  func prepareWeights(_ weights: [UnsafePointer<Float>?], versions: [UInt64?]) -> [UnsafeMutableRawPointer?] {
    zip(steps, zip(weights, versions)).map { step, weight in
      guard case .convolution(let plan, _) = step, let w = weight.0, let version = weight.1 else { return nil }
      return plan.forwardWeights(w, version: version)
    }
  }

  /// Runs one chunk: `x` NCHW in, `y` NCHW out.
  func run(x: UnsafePointer<Float>, weights: [UnsafeMutableRawPointer?], y: UnsafeMutablePointer<Float>) {
    var current = UnsafeMutableRawPointer(mutating: x)
    for (index, step) in steps.enumerated() {
      switch step {
      case .convolution(let plan, let bias):
        let output = buffers[index]!.assumingMemoryBound(to: Float.self)
        withPointer(to: bias?.value) { b in
          plan.forward(
            x: current.assumingMemoryBound(to: Float.self), preparedWeights: weights[index]!, bias: b, y: output)
        }
        current = UnsafeMutableRawPointer(output)
      case .rectifier(let prelu, let count, let channels, let plane, let block):
        prelu.slope.value.withUnsafePointer { slopes in
          Self.rectify(
            current.assumingMemoryBound(to: Float.self), count: count, channels: channels, plane: plane, block: block,
            slopes: slopes, shared: prelu.shared)
        }
      case .pooling(let plan):
        let output = buffers[index]!.assumingMemoryBound(to: Float.self)
        plan.forward(x: current.assumingMemoryBound(to: Float.self), y: output)
        current = UnsafeMutableRawPointer(output)
      }
    }
    toPlain.moveToPlain(from: current, into: UnsafeMutableRawPointer(y))
  }

  /// `x = x > 0 ? x : a_c · x` in place over `count` floats of a channel-blocked layout, with the
  /// comparison and product of `PReLU.forward`.
  private static func rectify(
    _ x: UnsafeMutablePointer<Float>, count: Int, channels: Int, plane: Int, block: Int,
    slopes: UnsafePointer<Float>, shared: Bool
  ) {
    let zero = SIMD16<Float>()
    if block == 16 {
      // [N][C/16][H·W][16]: one vector of slopes per channel block (padding channels are 0 and stay 0).
      let blocks = (channels + 15) / 16
      var p = x
      let end = x + count
      while p < end {
        for b in 0..<blocks {
          var lanes = SIMD16<Float>(repeating: shared ? slopes[0] : 0)
          if !shared { for lane in 0..<16 where b * 16 + lane < channels { lanes[lane] = slopes[b * 16 + lane] } }
          for _ in 0..<plane {
            let v = load16(p)
            store16(v.replacing(with: v * lanes, where: v .<= zero), p)
            p += 16
          }
        }
      }
      return
    }
    if block == 8 {
      // [N][C/8][H·W][8] (AVX2's layouts): one vector of slopes per channel block.
      let blocks = (channels + 7) / 8
      var p = x
      let end = x + count
      while p < end {
        for b in 0..<blocks {
          var lanes = SIMD8<Float>(repeating: shared ? slopes[0] : 0)
          if !shared { for lane in 0..<8 where b * 8 + lane < channels { lanes[lane] = slopes[b * 8 + lane] } }
          for _ in 0..<plane {
            let v = UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(p).storeBytes(
              of: v.replacing(with: v * lanes, where: v .<= 0), as: SIMD8<Float>.self)
            p += 8
          }
        }
      }
      return
    }
    // NCHW planes: one slope per plane, the same formula.
    var p = x
    let end = x + count
    while p < end {
      for channel in 0..<channels {
        let a = shared ? slopes[0] : slopes[channel]
        for i in 0..<plane {
          let v = p[i]
          p[i] = v > 0 ? v : a * v
        }
        p += plane
      }
    }
  }
}

/// Calls `body` with pointers to the tensors' scalars (nil where there is none).
func withPointers<R>(to tensors: [Tensor?], _ body: ([UnsafePointer<Float>?]) -> R) -> R {
  var pointers: [UnsafePointer<Float>?] = []
  func next(_ index: Int) -> R {
    guard index < tensors.count else { return body(pointers) }
    return withPointer(to: tensors[index]) { pointer in
      pointers.append(pointer)
      return next(index + 1)
    }
  }
  return next(0)
}
