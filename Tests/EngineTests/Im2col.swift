@testable import Engine

extension ConvolutionGeometry {
  /// The output columns `ox` whose input column `ox·stride − pad + kx` lies inside the image.
  func validColumns(kernelColumn kx: Int) -> Range<Int> {
    let lower = max(0, ceilDivide(padding - kx, stride))
    let upper = min(outputWidth, ceilDivide(width + padding - kx, stride))
    return lower..<max(lower, upper)
  }
}

extension ConvolutionGeometry {
  /// Visits, in the one order both directions use (channel, kernel row, kernel column, image), each
  /// image's stretch of a column-matrix row: `body(column, image, ky, kx)` gets the offset of image n's
  /// `OH·OW` entries in row `(c·k + ky)·k + kx` of a chunk of `count` images, and of its channel c.
  func forEachPatchRow(count: Int, _ body: (_ column: Int, _ image: Int, _ ky: Int, _ kx: Int) -> Void) {
    let rowLength = count * outputPlane
    for c in 0..<channels {
      for ky in 0..<kernelHeight {
        for kx in 0..<kernelWidth {
          let row = ((c * kernelHeight + ky) * kernelWidth + kx) * rowLength
          for n in 0..<count { body(row + n * outputPlane, (n * channels + c) * inputPlane, ky, kx) }
        }
      }
    }
  }
}

func ceilDivide(_ a: Int, _ b: Int) -> Int {
  a >= 0 ? (a + b - 1) / b : -((-a) / b)
}

/// Unrolls `count` consecutive images into a column matrix, Caffe's `im2col_cpu` for a batch:
///
/// ```
/// col[(c·k + ky)·k + kx][n·OH·OW + oy·OW + ox] = x[n][c][oy·s − p + ky][ox·s − p + kx]   (0 outside)
/// ```
///
/// Putting the images side by side makes one wide `gemm` per chunk instead of one per image.
/// - Parameters:
///   - input: the first image of the chunk (`count · C·H·W` floats).
///   - columns: `patchSize × (count · OH·OW)` floats, fully overwritten.
func im2col(
  _ input: UnsafePointer<Float>, count: Int, geometry g: ConvolutionGeometry,
  columns: UnsafeMutablePointer<Float>
) {
  let ow = g.outputWidth
  g.forEachPatchRow(count: count) { column, imageOffset, ky, kx in
    let valid = g.validColumns(kernelColumn: kx)
    let image = input + imageOffset
    let out = columns + column
    for oy in 0..<g.outputHeight {
      let target = out + oy * ow
      let iy = oy * g.stride - g.padding + ky
      if iy < 0 || iy >= g.height || valid.isEmpty {
        for ox in 0..<ow { target[ox] = 0 }
        continue
      }
      // Offsets stay integers until they are known to land inside the image.
      let first = iy * g.width + valid.lowerBound * g.stride - g.padding + kx
      let source = image + first
      // Rows are short (≤ 28 floats here): plain loops beat memcpy/memset calls.
      for ox in 0..<valid.lowerBound { target[ox] = 0 }
      if g.stride == 1 {
        let shifted = target + valid.lowerBound
        for i in 0..<valid.count { shifted[i] = source[i] }
      } else {
        for (i, ox) in valid.enumerated() { target[ox] = source[i * g.stride] }
      }
      for ox in valid.upperBound..<ow { target[ox] = 0 }
    }
  }
}

/// The adjoint of `im2col`: adds every column entry back onto the input pixel it came from.
///
/// - Parameters:
///   - columns: `patchSize × (count · OH·OW)` floats.
///   - input: `count · C·H·W` floats, overwritten (zeroed first, then accumulated in a fixed order).
func col2im(
  _ columns: UnsafePointer<Float>, count: Int, geometry g: ConvolutionGeometry,
  input: UnsafeMutablePointer<Float>
) {
  input.update(repeating: 0, count: count * g.channels * g.inputPlane)
  let ow = g.outputWidth
  g.forEachPatchRow(count: count) { column, imageOffset, ky, kx in
    let valid = g.validColumns(kernelColumn: kx)
    if valid.isEmpty { return }
    let image = input + imageOffset
    let source = columns + column
    for oy in 0..<g.outputHeight {
      let iy = oy * g.stride - g.padding + ky
      if iy < 0 || iy >= g.height { continue }
      let target = image + (iy * g.width + valid.lowerBound * g.stride - g.padding + kx)
      let from = source + oy * ow + valid.lowerBound
      if g.stride == 1 {
        for i in 0..<valid.count { target[i] += from[i] }
      } else {
        for i in 0..<valid.count { target[i * g.stride] += from[i] }
      }
    }
  }
}
