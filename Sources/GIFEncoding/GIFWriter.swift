import CGif
import FileFormats
import Foundation

/// Writes an animated GIF frame by frame through giflib, atomically.
///
/// The file is written through the project's one atomic writer (`AtomicFile.Pending`: a temporary
/// file beside the target, listed for the signal cleanup before it exists, flushed and renamed into
/// place by `finish()`); an error, `cancel()`, Ctrl-C or a writer dropped unfinished removes it, so
/// a failed run never leaves a partial `.gif`. Frames are quantised to one global palette (`GIFPalette`),
/// the animation loops through a NETSCAPE2.0 application extension, and each frame carries a graphics
/// control extension with its delay. One frame is held back so the last one can get the final delay.
///
/// With `GIFOptions.onlyChangedPixels` (the default) and a palette of at most 255 colours, every frame
/// after the first is cropped to the box of pixels that changed, and when at most 40 % of that box
/// changed, its unchanged pixels become the transparent index (the extra entry after the palette), so
/// the previous frame shows through. Late training epochs, where points barely move, shrink the most.
public final class GIFWriter {
  public let path: String
  public let width: Int
  public let height: Int
  public let palette: GIFPalette
  public let options: GIFOptions
  public private(set) var frameCount = 0

  private let output: AtomicFile.Pending
  private var file: UnsafeMutablePointer<GifFileType>?
  private let quantizer: PaletteQuantizer
  private var pending: (image: EncodedImage, delay: Int)?
  /// The indices on screen after the last added frame (for `onlyChangedPixels`).
  private var screen: [UInt8]?
  /// The index left out of the palette for unchanged pixels; nil when the palette is full or diffing is off.
  private let transparentIndex: UInt8?

  /// One image block: a rectangle of the screen and its indices.
  struct EncodedImage {
    var left = 0, top = 0, width = 0, height = 0
    var pixels: [UInt8]
    var transparent: UInt8?
  }
  private var isFinished = false

  /// Opens `path` (through a temporary file) for frames of `width` × `height` px.
  public init(path: String, width: Int, height: Int, palette: GIFPalette, options: GIFOptions = GIFOptions()) throws {
    try options.validate()
    let limit = GIFOptions.maximumSide
    guard (1...limit).contains(width), (1...limit).contains(height) else {
      throw GIFEncodingError.frameTooLarge(file: path, width: width, height: height, limit: limit)
    }
    self.path = path
    self.width = width
    self.height = height
    self.palette = palette
    self.options = options
    quantizer = PaletteQuantizer(palette: palette)
    transparentIndex =
      options.onlyChangedPixels && palette.colors.count < GIFPalette.maximumCount ? UInt8(palette.colors.count) : nil
    do {
      output = try AtomicFile.Pending(path)
    } catch {
      throw GIFEncodingError.giflib(file: path, step: "create a temporary file beside it", message: error.reason)
    }
    do {
      try open()
    } catch {
      discard()
      throw error
    }
  }

  deinit {
    if !isFinished { discard() }
  }

  /// Quantises and appends `frame`; it must have the animation's size.
  public func add(_ frame: GIFFrame) throws {
    guard !isFinished else { throw GIFEncodingError.finished(file: path) }
    do {
      guard frameCount < GIFOptions.maximumFrames else {
        throw GIFEncodingError.tooManyFrames(file: path, limit: GIFOptions.maximumFrames)
      }
      guard frame.width == width, frame.height == height else {
        throw GIFEncodingError.sizeMismatch(
          file: path, frame: frameCount, expected: "\(width) × \(height)", found: "\(frame.width) × \(frame.height)")
      }
      guard frame.rgba.count == width * height * 4 else {
        throw GIFEncodingError.pixelCount(
          file: path, frame: frameCount, expectedBytes: width * height * 4, foundBytes: frame.rgba.count)
      }
      if let delay = frame.delayCentiseconds, !(1...65535).contains(delay) {
        throw GIFEncodingError.badOption("frame \(frameCount): delayCentiseconds must lie in 1...65535, got \(delay)")
      }
      var indices = [UInt8](repeating: 0, count: width * height)
      frame.rgba.withUnsafeBufferPointer { rgba in
        indices.withUnsafeMutableBufferPointer { quantizer.quantize(rgba: rgba, into: $0) }
      }
      if let previous = pending { try writeImage(previous.image, delay: previous.delay) }
      pending = (encode(indices), frame.delayCentiseconds ?? options.delayCentiseconds)
      frameCount += 1
    } catch {
      cancel()
      throw error
    }
  }

  /// Writes the last frame, closes the file and renames it to `path`.
  public func finish() throws {
    guard !isFinished else { throw GIFEncodingError.finished(file: path) }
    do {
      guard let last = pending else { throw GIFEncodingError.emptyAnimation(file: path) }
      try writeImage(last.image, delay: min(65535, last.delay + options.finalDelayCentiseconds))
      pending = nil
      var status: Int32 = 0
      let closed = EGifCloseFile(file, &status)
      file = nil
      output.descriptorClosed()
      guard closed == GIF_OK else { throw giflibError("close the file", status) }
      do {
        try output.commit()
      } catch {
        throw GIFEncodingError.giflib(file: path, step: "move the finished file into place", message: error.reason)
      }
      isFinished = true
    } catch {
      cancel()
      throw error
    }
  }

  /// Abandons the animation and removes the temporary file.
  public func cancel() {
    discard()
    isFinished = true
  }

  /// Writes `frames` to `path` in one go (atomically).
  public static func write(
    _ frames: [GIFFrame], to path: String, palette: GIFPalette, options: GIFOptions = GIFOptions()
  ) throws {
    guard let first = frames.first else { throw GIFEncodingError.emptyAnimation(file: path) }
    guard frames.count <= GIFOptions.maximumFrames else {
      throw GIFEncodingError.tooManyFrames(file: path, limit: GIFOptions.maximumFrames)
    }
    let writer = try GIFWriter(path: path, width: first.width, height: first.height, palette: palette, options: options)
    for frame in frames { try writer.add(frame) }
    try writer.finish()
  }

  // MARK: - giflib

  private func open() throws {
    var status: Int32 = 0
    // giflib writes to the pending file's descriptor and closes it in EGifCloseFile.
    guard let handle = EGifOpenFileHandle(output.descriptor, &status) else {
      throw GIFEncodingError.giflib(
        file: path, step: "create a temporary file beside it", message: String(cString: GifErrorString(status)))
    }
    file = handle
    do {
      EGifSetGifVersion(handle, true)
      var entries = palette.colors.map { GifColorType(Red: $0.red, Green: $0.green, Blue: $0.blue) }
      // A GIF colour table has 2^k entries; the padding repeats the background and is never referenced.
      var size = 2
      while size < entries.count + (transparentIndex == nil ? 0 : 1) { size *= 2 }
      entries += Array(repeating: entries[0], count: size - entries.count)
      guard let map = GifMakeMapObject(Int32(size), &entries) else {
        throw giflibError("build the colour table", handle.pointee.Error)
      }
      defer { GifFreeMapObject(map) }
      try check(EGifPutScreenDesc(handle, Int32(width), Int32(height), 8, 0, map), "write the logical screen")
      if let loops = options.loopCount {
        try check(EGifPutExtensionLeader(handle, APPLICATION_EXT_FUNC_CODE), "start the looping extension")
        let identifier = Array("NETSCAPE2.0".utf8)
        try check(EGifPutExtensionBlock(handle, Int32(identifier.count), identifier), "write the looping extension")
        let loopBlock: [UInt8] = [1, UInt8(loops & 0xff), UInt8(loops >> 8)]
        try check(EGifPutExtensionBlock(handle, 3, loopBlock), "write the loop count")
        try check(EGifPutExtensionTrailer(handle), "end the looping extension")
      }
    } catch {
      discard()
      throw error
    }
  }

  /// The image block for a frame's full-screen `indices`: all of it, or only what changed.
  private func encode(_ indices: [UInt8]) -> EncodedImage {
    defer { if transparentIndex != nil { screen = indices } }
    guard let transparent = transparentIndex, let previous = screen else {
      return EncodedImage(width: width, height: height, pixels: indices)
    }
    var (minX, minY, maxX, maxY) = (width, height, -1, -1)
    var changed = 0
    for y in 0..<height {
      let row = y * width
      for x in 0..<width where indices[row + x] != previous[row + x] {
        minX = min(minX, x)
        maxX = max(maxX, x)
        minY = min(minY, y)
        maxY = y
        changed += 1
      }
    }
    guard maxX >= 0 else { return EncodedImage(width: 1, height: 1, pixels: [transparent], transparent: transparent) }
    var image = EncodedImage(left: minX, top: minY, width: maxX - minX + 1, height: maxY - minY + 1, pixels: [])
    // Transparent holes pay off only where most of the box is unchanged; scattered holes break LZW's runs.
    let holes = 5 * changed <= 2 * image.width * image.height
    if holes { image.transparent = transparent }
    image.pixels.reserveCapacity(image.width * image.height)
    for y in minY...maxY {
      let row = y * width
      for x in minX...maxX {
        image.pixels.append(holes && indices[row + x] == previous[row + x] ? transparent : indices[row + x])
      }
    }
    return image
  }

  private func writeImage(_ image: EncodedImage, delay: Int) throws {
    guard let handle = file else { throw GIFEncodingError.finished(file: path) }
    var control = GraphicsControlBlock(
      DisposalMode: DISPOSE_DO_NOT, UserInputFlag: false, DelayTime: Int32(delay),
      TransparentColor: image.transparent.map { Int32($0) } ?? NO_TRANSPARENT_COLOR)
    var extensionBytes = [GifByteType](repeating: 0, count: 4)
    let length = EGifGCBToExtension(&control, &extensionBytes)
    try check(EGifPutExtension(handle, GRAPHICS_EXT_FUNC_CODE, Int32(length), extensionBytes), "write a frame's delay")
    try check(
      EGifPutImageDesc(
        handle, Int32(image.left), Int32(image.top), Int32(image.width), Int32(image.height), false, nil),
      "start a frame")
    var pixels = image.pixels
    try check(EGifPutLine(handle, &pixels, Int32(pixels.count)), "compress a frame")
  }

  private func check(_ result: Int32, _ step: String) throws {
    guard result == GIF_OK else { throw giflibError(step, file?.pointee.Error ?? 0) }
  }

  private func giflibError(_ step: String, _ status: Int32) -> GIFEncodingError {
    let message = GifErrorString(status).map { String(cString: $0) } ?? "error \(status)"
    return .giflib(file: path, step: step, message: message)
  }

  private func discard() {
    if let handle = file {
      var status: Int32 = 0
      _ = EGifCloseFile(handle, &status)
      file = nil
      output.descriptorClosed()
    }
    output.discard()
  }
}
