/// The rectifier on `[N, C]` rows, one row at a time: the kernels of `PReLU`'s own channel-split
/// passes and of the pass `Linear` fuses with a following PReLU (rows split by worker, so the
/// rows a worker's `gemm` wrote are rectified while they are still in its cache).
///
/// Row pointers point at channel 0; `channels` selects the part of the row to process.
extension PReLU {
  /// `y[c] = x[c] > 0 ? x[c] : a_c · x[c]` for `c` in `channels`, 16 at a time (`y` may be `x`).
  @inline(__always)
  static func activate(
    _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, slopes a: UnsafePointer<Float>, shared: Bool,
    channels: Range<Int>
  ) {
    var c = channels.lowerBound
    while c + 16 <= channels.upperBound {
      let v = load16(x + c)
      let slopes = shared ? SIMD16<Float>(repeating: a[0]) : load16(a + c)
      store16(v.replacing(with: v * slopes, where: v .<= SIMD16<Float>()), y + c)
      c += 16
    }
    while c < channels.upperBound {
      let v = x[c]
      y[c] = v > 0 ? v : a[shared ? 0 : c] * v
      c += 1
    }
  }

  /// `dx[c] = dy[c] · (x[c] > 0 ? 1 : a_c)` for `c` in `channels`, and the row's slope-gradient
  /// terms `x[c] ≤ 0 ? dy[c] · x[c] : 0`, added to `slopeTerms[c]` (`accumulating`) or stored there.
  @inline(__always)
  static func backpropagate(
    _ dy: UnsafePointer<Float>, at x: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>,
    slopes a: UnsafePointer<Float>, shared: Bool, channels: Range<Int>, slopeTerms: UnsafeMutablePointer<Float>,
    accumulating: Bool
  ) {
    var c = channels.lowerBound
    while c + 16 <= channels.upperBound {
      let v = load16(x + c)
      let g = load16(dy + c)
      let slopes = shared ? SIMD16<Float>(repeating: a[0]) : load16(a + c)
      let negative = v .<= SIMD16<Float>()
      store16(g.replacing(with: g * slopes, where: negative), dx + c)
      let term = (g * v).replacing(with: 0, where: .!negative)
      store16(accumulating ? load16(slopeTerms + c) + term : term, slopeTerms + c)
      c += 16
    }
    while c < channels.upperBound {
      let v = x[c]
      let g = dy[c]
      dx[c] = v > 0 ? g : a[shared ? 0 : c] * g
      let term = v > 0 ? 0 : g * v
      if accumulating { slopeTerms[c] += term } else { slopeTerms[c] = term }
      c += 1
    }
  }

  /// Adds the slope gradient of `items` rows of terms stored by `backpropagate` (each channel's
  /// terms summed from zero in item order, as the channel-split pass sums them).
  func addSlopeGradient(fromTerms terms: UnsafePointer<Float>, items: Int) {
    var slopeGradient = [Float](repeating: 0, count: channels)
    slopeGradient.withUnsafeMutableBufferPointer { buffer in
      guard let da = buffer.baseAddress else { return }
      for item in 0..<items {
        let row = terms + item * channels
        var c = 0
        while c + 16 <= channels {
          store16(load16(da + c) + load16(row + c), da + c)
          c += 16
        }
        while c < channels {
          da[c] += row[c]
          c += 1
        }
      }
    }
    addToSlopeGradient(slopeGradient)
  }

  /// `backpropagate` over `rows` of `[N, C]` batches: dL/dx into `dx` and the slope-gradient
  /// terms into `slopeTerms` (both `[N, C]`), given dL/dy and this layer's input `x`.
  func backpropagate(
    rows: Range<Int>, of dy: UnsafePointer<Float>, at x: Tensor, into dx: UnsafeMutablePointer<Float>,
    slopeTerms: UnsafeMutablePointer<Float>
  ) {
    let (channels, shared) = (self.channels, self.shared)
    x.withUnsafePointer { x in
      slope.value.withUnsafePointer { a in
        for r in rows {
          let offset = r * channels
          PReLU.backpropagate(
            dy + offset, at: x + offset, into: dx + offset, slopes: a, shared: shared, channels: 0..<channels,
            slopeTerms: slopeTerms + offset, accumulating: false)
        }
      }
    }
  }

  /// `backpropagate` over `columns` (channels) of the first `rows` rows of `[N, C]` batches:
  /// dL/dx into `dx`, and each channel's slope-gradient terms summed from zero in item order into
  /// `slopeSums` (the order of `addSlopeGradient` and of the channel-split pass).
  func backpropagate(
    columns: Range<Int>, rows: Int, of dy: UnsafePointer<Float>, at x: Tensor, into dx: UnsafeMutablePointer<Float>,
    slopeSums: UnsafeMutablePointer<Float>
  ) {
    let (channels, shared) = (self.channels, self.shared)
    (slopeSums + columns.lowerBound).update(repeating: 0, count: columns.count)
    x.withUnsafePointer { x in
      slope.value.withUnsafePointer { a in
        for r in 0..<rows {
          let offset = r * channels
          PReLU.backpropagate(
            dy + offset, at: x + offset, into: dx + offset, slopes: a, shared: shared, channels: columns,
            slopeTerms: slopeSums, accumulating: true)
        }
      }
    }
  }
}
