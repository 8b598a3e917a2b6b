import CDNNL

/// A 5×5, stride-1, padding-2 convolution by Winograd's minimal filtering F(2×2, 5×5) (Lavin &
/// Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016), on activations in
/// oneDNN's 8-channel blocked layout (`nChw8c`, what its AVX2 and SSE4.1 kernels use): a layer's
/// forward pass, and (where oneDNN's backward-data layouts are blocked too, from AVX2 up) its
/// backward-data pass, which is the same convolution of the output gradient with the filters turned
/// by 180° and their channels swapped (`FilterUse.inputGradient`).
///
/// Each 2×2 block of outputs is read from a 6×6 input tile: the tile is transformed
/// (`V = Bᵀ d B`), multiplied channel-wise with the transformed filters (`U = G g Gᵀ`, 36
/// matrix products of tiles × input channels by input channels × output channels on `gemm`), and
/// transformed back (`Y = Aᵀ M A`). That is 36 multiplications per 4 outputs and channel pair
/// instead of 100. Under AVX2 oneDNN's direct kernel already runs a 5×5 convolution at the vector
/// units' peak, so only fewer multiplications make it faster (docs/benchmarks.md, By ISA).
/// AVX-512 keeps the direct kernel, with which the shipped results were trained.
///
/// The transforms use the interpolation points 0, ±1, ±2 and ∞. Rounding differs from the direct
/// kernel's (tests bound it against a Double reference); for a fixed shape the order of every sum
/// is fixed, so results are reproducible like any kernel's.
final class WinogradConvolution {
  /// Input channels, output channels, image height and width (the output has the same size).
  let inChannels: Int
  let outChannels: Int
  let height: Int
  let width: Int
  let batch: Int
  let filterUse: FilterUse
  /// Each image's tiles are cut into this many groups of nearly equal size, at most
  /// `tilesPerGroup` (`groupBudget`), transformed and multiplied together. Groups never span
  /// images: `dnnl_sgemm`'s bits for a row depend on how many rows its call has, so this way every
  /// image is computed the same whatever the batch, its chunks or the worker split.
  let groupsPerImage: Int
  let tilesPerGroup: Int

  private let tileRows: Int
  private let tileColumns: Int
  private let inputTiles: UnsafeMutablePointer<Float>
  private let products: UnsafeMutablePointer<Float>
  private let filters: UnsafeMutablePointer<Float>
  /// The `Parameter.version` of the weights `filters` were transformed from.
  private var preparedVersion: UInt64?
  /// One image, every channel block, inside a zero border of 2 (and 3 after an odd side), so that
  /// every tile reads a whole 6×6 patch.
  private let padded: UnsafeMutablePointer<Float>
  private let paddedHeight: Int
  private let paddedWidth: Int

  /// At most this many of a group's tiles times their input and output channels: its
  /// 36 · tiles · (in + out) floats (at most 1.5 MB) stay in cache between the transforms and the
  /// products. A constant, not a cache query: the grouping sets each product's size, and with it
  /// the bits, so it must not vary with the machine.
  static let groupBudget = 10_800

  /// How `prepareWeights` reads a layer's OIHW weights.
  enum FilterUse {
    /// As they are: the layer's forward pass.
    case forward
    /// For the layer's backward-data pass: this kernel's input channels are the layer's output
    /// channels and the window is turned by 180°, W'[c][o][k][l] = W[o][c][4 − k][4 − l].
    case inputGradient
  }

  /// The 6×6 points of a tile.
  static let positions = 36
  /// The channel block of the layout it reads and writes.
  static let block = 8

  /// Whether a convolution of this geometry, with these kernel layouts chosen by oneDNN, can run
  /// here: 5×5, stride 1, padding 2, channels in whole 8-channel blocks of `nChw8c` on both sides.
  static func fits(
    _ g: ConvolutionGeometry, outChannels: Int, source: Layout, destination: Layout, batch: Int
  ) -> Bool {
    guard g.kernelHeight == 5, g.kernelWidth == 5, g.stride == 1, g.padding == 2,
      g.channels % block == 0, outChannels % block == 0
    else { return false }
    var blockedSource = Kernels.layout(batch, g.channels, g.height, g.width, tag: dnnl_aBcd8b)
    var blockedDestination = Kernels.layout(batch, outChannels, g.outputHeight, g.outputWidth, tag: dnnl_aBcd8b)
    var source = source
    var destination = destination
    return dnnl_memory_desc_equal(&blockedSource, &source) != 0
      && dnnl_memory_desc_equal(&blockedDestination, &destination) != 0
  }

  /// - Parameters:
  ///   - inChannels, outChannels: this convolution's (for `.inputGradient`, the layer's output and
  ///     input channels).
  init(
    batch: Int, inChannels: Int, outChannels: Int, height: Int, width: Int, filterUse: FilterUse = .forward
  ) {
    precondition(
      inChannels % Self.block == 0 && outChannels % Self.block == 0,
      "Winograd convolution needs whole channel blocks, got \(inChannels) -> \(outChannels)")
    self.batch = batch
    self.filterUse = filterUse
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.height = height
    self.width = width
    tileRows = (height + 1) / 2
    tileColumns = (width + 1) / 2
    let tilesPerImage = tileRows * tileColumns
    let largest = max(1, Self.groupBudget / (inChannels + outChannels))
    groupsPerImage = (tilesPerImage + largest - 1) / largest
    tilesPerGroup = (tilesPerImage + groupsPerImage - 1) / groupsPerImage
    inputTiles = .allocate(capacity: Self.positions * tilesPerGroup * inChannels)
    products = .allocate(capacity: Self.positions * tilesPerGroup * outChannels)
    filters = .allocate(capacity: Self.positions * inChannels * outChannels)
    paddedHeight = 2 * tileRows + 4
    paddedWidth = 2 * tileColumns + 4
    let paddedCount = inChannels * paddedHeight * paddedWidth
    padded = .allocate(capacity: paddedCount)
    padded.initialize(repeating: 0, count: paddedCount)
  }

  deinit {
    inputTiles.deallocate()
    products.deallocate()
    filters.deallocate()
    padded.deallocate()
  }

  /// The filter transform `U = G g Gᵀ` of a layer's OIHW weights (read as `filterUse` says), into
  /// this kernel's buffer laid out `[36][in][out]` (one `gemm` right-hand side per tile point).
  /// Summed in Double and rounded once, so the filters carry no more rounding than the weights.
  /// `version` is the weights' `Parameter.version`: evaluation passes over a dataset bring the
  /// same weights batch after batch, and they are transformed once.
  func prepareWeights(_ w: UnsafePointer<Float>, version: UInt64) -> UnsafeMutableRawPointer {
    if preparedVersion == version { return UnsafeMutableRawPointer(filters) }
    preparedVersion = version
    let pairs = inChannels * outChannels
    withUnsafeTemporaryAllocation(of: Double.self, capacity: 30) { rows in
      // Output channels innermost: the 36 rows of `filters` are written in order.
      for c in 0..<inChannels {
        for o in 0..<outChannels {
          let forward = filterUse == .forward
          let filter = w + (forward ? o * inChannels + c : c * outChannels + o) * 25
          @inline(__always) func tap(_ k: Int, _ l: Int) -> Double {
            Double(filter[forward ? k * 5 + l : 24 - k * 5 - l])
          }
          // G g, column by column: 6 × 5.
          for l in 0..<5 {
            let t = Self.filterTransform(tap(0, l), tap(1, l), tap(2, l), tap(3, l), tap(4, l))
            (rows[l], rows[5 + l], rows[10 + l], rows[15 + l], rows[20 + l], rows[25 + l]) = t
          }
          // (G g) Gᵀ, row by row.
          let target = filters + c * outChannels + o
          for i in 0..<6 {
            let t = Self.filterTransform(
              rows[i * 5], rows[i * 5 + 1], rows[i * 5 + 2], rows[i * 5 + 3], rows[i * 5 + 4])
            target[(i * 6 + 0) * pairs] = Float(t.0)
            target[(i * 6 + 1) * pairs] = Float(t.1)
            target[(i * 6 + 2) * pairs] = Float(t.2)
            target[(i * 6 + 3) * pairs] = Float(t.3)
            target[(i * 6 + 4) * pairs] = Float(t.4)
            target[(i * 6 + 5) * pairs] = Float(t.5)
          }
        }
      }
    }
    return UnsafeMutableRawPointer(filters)
  }

  /// `G (g0 … g4)` for the points 0, 1, −1, 2, −2, ∞: rows (1/4, 0, 0, 0, 0), −(1, 1, 1, 1, 1)/6,
  /// −(1, −1, 1, −1, 1)/6, (1/24, 1/12, 1/6, 1/3, 2/3), (1/24, −1/12, 1/6, −1/3, 2/3), (0, 0, 0, 0, 1).
  @inline(__always)
  private static func filterTransform(
    _ g0: Double, _ g1: Double, _ g2: Double, _ g3: Double, _ g4: Double
  ) -> (Double, Double, Double, Double, Double, Double) {
    let even = g0 + g2 + g4
    let odd = g1 + g3
    let (sixth, twelfth, third) = (1.0 / 6, 1.0 / 12, 1.0 / 3)
    let evenWeighted = g0 * (1.0 / 24) + g2 * sixth + g4 * (2.0 / 3)
    let oddWeighted = g1 * twelfth + g3 * third
    return (
      g0 * 0.25, -(even + odd) * sixth, -(even - odd) * sixth, evenWeighted + oddWeighted, evenWeighted - oddWeighted,
      g4
    )
  }

  /// `y = conv(x, w) + b` for `batch` images: `x` and `y` in `nChw8c`, `transformedWeights` from
  /// `prepareWeights`.
  func forward(
    source x: UnsafeRawPointer, transformedWeights: UnsafeRawPointer, bias: UnsafePointer<Float>?,
    destination y: UnsafeMutableRawPointer
  ) {
    let x = x.assumingMemoryBound(to: Float.self)
    let y = y.assumingMemoryBound(to: Float.self)
    let u = transformedWeights.assumingMemoryBound(to: Float.self)
    let tilesPerImage = tileRows * tileColumns
    for image in 0..<batch {
      pad(x, image: image)
      for group in 0..<groupsPerImage {
        let first = group * tilesPerImage / groupsPerImage
        let count = (group + 1) * tilesPerImage / groupsPerImage - first
        for t in 0..<count { transformInput(tile: first + t, into: t) }
        // Tile-major buffers: a tile's 36 rows are adjacent, so the transforms read and write
        // one contiguous block per tile, and product p is every 36th row from row p.
        for p in 0..<Self.positions {
          gemm(
            .noTranspose, .noTranspose, m: count, n: outChannels, k: inChannels, alpha: 1,
            a: inputTiles + p * inChannels, lda: Self.positions * inChannels, b: u + p * inChannels * outChannels,
            beta: 0, c: products + p * outChannels, ldc: Self.positions * outChannels)
        }
        for t in 0..<count { transformOutput(image: image, tile: first + t, from: t, bias: bias, into: y) }
      }
    }
  }

  private typealias Lanes = SIMD8<Float>

  /// `Bᵀ (d0 … d5)` for the points 0, ±1, ±2, ∞.
  @inline(__always)
  private static func inputTransform(
    _ d0: Lanes, _ d1: Lanes, _ d2: Lanes, _ d3: Lanes, _ d4: Lanes, _ d5: Lanes
  ) -> (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes) {
    let four: Lanes = .init(repeating: 4)
    let five: Lanes = .init(repeating: 5)
    let two: Lanes = .init(repeating: 2)
    let sum12 = d1 + d2
    let difference12 = d1 - d2
    let sum34 = d3 + d4
    let difference43 = d4 - d3
    let difference42 = d4 - d2
    let difference31 = d3 - d1
    return (
      four * d0 - five * d2 + d4,
      sum34 - four * sum12,
      difference43 + four * difference12,
      difference42 + two * difference31,
      difference42 - two * difference31,
      four * d1 - five * d3 + d5
    )
  }

  /// `Aᵀ (m0 … m5)`: the two outputs of a row or column.
  @inline(__always)
  private static func outputTransform(
    _ m0: Lanes, _ m1: Lanes, _ m2: Lanes, _ m3: Lanes, _ m4: Lanes, _ m5: Lanes
  ) -> (Lanes, Lanes) {
    ((m0 + m1) + (m2 + m3) + m4, (m1 - m2) + Lanes(repeating: 2) * (m3 - m4) + m5)
  }

  /// Copies image `image` of `x` into `padded`, inside its zero border.
  private func pad(_ x: UnsafePointer<Float>, image: Int) {
    let b = Self.block
    let blocks = inChannels / b
    for block in 0..<blocks {
      let source = x + (image * blocks + block) * height * width * b
      let target = padded + (block * paddedHeight + 2) * paddedWidth * b + 2 * b
      for row in 0..<height {
        (target + row * paddedWidth * b).update(from: source + row * width * b, count: width * b)
      }
    }
  }

  /// Writes the `Bᵀ d B` of the padded image's tile `tile`, every channel block, as row `row` of
  /// the 36 tile matrices.
  private func transformInput(tile: Int, into row: Int) {
    let b = Self.block
    // The tile's top left corner in the padded image is 2 · (tile row, tile column).
    let top = tile / tileColumns * 2
    let left = tile % tileColumns * 2
    let matrix = inChannels * 4
    let rowStride = paddedWidth * b
    withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 36) { d in
      for block in 0..<(inChannels / b) {
        let corner = UnsafeRawPointer(padded + ((block * paddedHeight + top) * paddedWidth + left) * b)
        // d Bᵀ... row by row: each row's six pixels are 48 contiguous floats.
        for i in 0..<6 {
          let line = corner + i * rowStride * 4
          @inline(__always) func pixel(_ j: Int) -> Lanes {
            line.loadUnaligned(fromByteOffset: j * b * 4, as: Lanes.self)
          }
          (d[i * 6], d[i * 6 + 1], d[i * 6 + 2], d[i * 6 + 3], d[i * 6 + 4], d[i * 6 + 5]) = Self.inputTransform(
            pixel(0), pixel(1), pixel(2), pixel(3), pixel(4), pixel(5))
        }
        // then Bᵀ (d B) column by column, into the tile matrices.
        let target = UnsafeMutableRawPointer(inputTiles + row * Self.positions * inChannels + block * b)
        for j in 0..<6 {
          let t = Self.inputTransform(d[j], d[6 + j], d[12 + j], d[18 + j], d[24 + j], d[30 + j])
          target.storeBytes(of: t.0, toByteOffset: (0 * 6 + j) * matrix, as: Lanes.self)
          target.storeBytes(of: t.1, toByteOffset: (1 * 6 + j) * matrix, as: Lanes.self)
          target.storeBytes(of: t.2, toByteOffset: (2 * 6 + j) * matrix, as: Lanes.self)
          target.storeBytes(of: t.3, toByteOffset: (3 * 6 + j) * matrix, as: Lanes.self)
          target.storeBytes(of: t.4, toByteOffset: (4 * 6 + j) * matrix, as: Lanes.self)
          target.storeBytes(of: t.5, toByteOffset: (5 * 6 + j) * matrix, as: Lanes.self)
        }
      }
    }
  }

  /// Transforms row `row` of the 36 product matrices back into the 2×2 outputs of image `image`'s
  /// tile `tile`, every channel block, plus the bias.
  private func transformOutput(
    image: Int, tile: Int, from row: Int, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>
  ) {
    let b = Self.block
    let top = tile / tileColumns * 2
    let left = tile % tileColumns * 2
    let plane = height * width
    let matrix = outChannels
    let hasSecondRow = top + 1 < height
    let hasSecondColumn = left + 1 < width
    for block in 0..<(outChannels / b) {
      let source = UnsafeRawPointer(products + row * Self.positions * outChannels + block * b)
      @inline(__always) func m(_ point: Int) -> Lanes {
        source.loadUnaligned(fromByteOffset: point * matrix * 4, as: Lanes.self)
      }
      // Aᵀ M: the two output rows of each of the six columns.
      let c0 = Self.outputTransform(m(0), m(6), m(12), m(18), m(24), m(30))
      let c1 = Self.outputTransform(m(1), m(7), m(13), m(19), m(25), m(31))
      let c2 = Self.outputTransform(m(2), m(8), m(14), m(20), m(26), m(32))
      let c3 = Self.outputTransform(m(3), m(9), m(15), m(21), m(27), m(33))
      let c4 = Self.outputTransform(m(4), m(10), m(16), m(22), m(28), m(34))
      let c5 = Self.outputTransform(m(5), m(11), m(17), m(23), m(29), m(35))
      // (Aᵀ M) A.
      var (y00, y01) = Self.outputTransform(c0.0, c1.0, c2.0, c3.0, c4.0, c5.0)
      var (y10, y11) = Self.outputTransform(c0.1, c1.1, c2.1, c3.1, c4.1, c5.1)
      if let bias {
        let shift = UnsafeRawPointer(bias + block * b).loadUnaligned(as: Lanes.self)
        y00 += shift
        y01 += shift
        y10 += shift
        y11 += shift
      }
      let channels = UnsafeMutableRawPointer(y + ((image * (outChannels / b) + block) * plane) * b)
      let at = { (row: Int, column: Int) in ((top + row) * self.width + left + column) * b * 4 }
      channels.storeBytes(of: y00, toByteOffset: at(0, 0), as: Lanes.self)
      if hasSecondColumn { channels.storeBytes(of: y01, toByteOffset: at(0, 1), as: Lanes.self) }
      if hasSecondRow {
        channels.storeBytes(of: y10, toByteOffset: at(1, 0), as: Lanes.self)
        if hasSecondColumn { channels.storeBytes(of: y11, toByteOffset: at(1, 1), as: Lanes.self) }
      }
    }
  }
}
