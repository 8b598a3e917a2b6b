/// The geometry of a 2-D convolution or pooling window over an NCHW batch.
public struct ConvolutionGeometry: Sendable, Equatable {
  public let channels: Int
  public let height: Int
  public let width: Int
  public let kernelHeight: Int
  public let kernelWidth: Int
  public let stride: Int
  public let padding: Int

  public init(channels: Int, height: Int, width: Int, kernel: Int, stride: Int, padding: Int) {
    precondition(
      kernel >= 1 && stride >= 1 && padding >= 0, "bad window: kernel \(kernel), stride \(stride), padding \(padding)")
    self.channels = channels
    self.height = height
    self.width = width
    self.kernelHeight = kernel
    self.kernelWidth = kernel
    self.stride = stride
    self.padding = padding
    precondition(
      outputHeight >= 1 && outputWidth >= 1,
      "window \(kernel)x\(kernel) stride \(stride) padding \(padding) does not fit a \(height)x\(width) input")
  }

  /// `floor((H + 2·pad − k) / stride) + 1`.
  public var outputHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
  public var outputWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
  /// Rows of the column matrix: `C·k·k`.
  public var patchSize: Int { channels * kernelHeight * kernelWidth }
  public var outputPlane: Int { outputHeight * outputWidth }
  public var inputPlane: Int { height * width }
}
