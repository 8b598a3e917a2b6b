import CairoBackend
import Dispatch
import Figures
import Foundation
import GIFEncoding
import MarginMath
import PlotKit
import SphereScene

/// What an animation shows and how it plays.
public struct AnimationSettings: Sendable {
  public enum Content: Sendable, Equatable {
    /// A plane figure kind with one panel per split (scatter, circle, sectors, rose).
    case plane(CheckpointFigureKind)
    /// The sphere view and the raw 3-D view, per split.
    case sphere
  }

  public var content: Content = .plane(.scatter)
  /// Splits shown side by side (test only by default: snapshots hold the test split).
  public var splits: [CheckpointViews.SplitChoice] = [.test]
  public var palette: Palette = .colorBlindSafe
  /// The frames' class count, which sets the class colours (``Palette/forClasses(_:)``, as in still
  /// figures) the GIF palette holds exactly; `nil` holds the palette's own colours only.
  public var classCount: Int?
  /// Where the sphere view looks from; `.automatic` is resolved once, from the last frame.
  public var view: SphereSceneOptions.ViewChoice = .automatic
  /// Names at the sphere views' weight arrows (off by default, as in the paper figures).
  public var sphereWeightLabels = false
  public var dpi: Double = 150
  /// Hundredths of a second per frame, and the extra pause on the last frame before the loop restarts.
  public var frameDelay = 25
  public var finalDelay = 150
  /// Scan densities of the sphere's boundaries and zones per frame (every frame has new weights, so
  /// they are computed per frame; coarser than a still figure's defaults of 720 and 180).
  public var boundarySamples = 240
  public var zoneAzimuths = 48
  public var zoneRadialStep = Double.pi / 36

  public init() {}
}

/// Animated GIFs of training: one figure per snapshot on fixed axes, a frame label in axes
/// coordinates, rendered through the Cairo backend and encoded with giflib (`GIFEncoding`).
public enum Animation {
  /// The figure of every frame, on axes fixed over all frames (plane limits shared, the sphere's view
  /// and the raw view's radius fixed), each panel labelled with epoch, iteration, loss and accuracy.
  public static func figures(_ frames: [AnimationFrame], settings: AnimationSettings) throws -> [Figure] {
    guard let last = frames.last else { return [] }
    let all = frames.map(\.embeddings)
    let caption = CheckpointViews.caption(all)
    var figures: [Figure]
    switch settings.content {
    case .plane(let kind):
      var options = CheckpointFigureOptions()
      options.splits = settings.splits
      options.palette = settings.palette
      figures = try concurrentMap(frames) { frame in
        var f = try Figure.checkpointFigure(kind, embeddings: [frame.embeddings], options: options)
        // One caption for every frame (below), so the layout does not change between frames.
        f.caption = []
        if kind.hasSplitRows && settings.splits.count > 1 { f = f.reflowed(columns: settings.splits.count) }
        return labelled(f, frame: frame, splits: kind.hasSplitRows ? settings.splits : [])
      }
      figures = Figure.sharingLimits(across: figures)
    case .sphere:
      let reference = try split(last.embeddings, settings.splits[settings.splits.count - 1])
      let colors = CheckpointViews.classColors(settings.palette, classNames: last.embeddings.classNames)
      var sceneOptions = SphereViews.options(
        last.embeddings, palette: settings.palette, view: settings.view, weightLabels: settings.sphereWeightLabels)
      sceneOptions.view = try SphereViews.fixedView(
        try SphereViews.input(last.embeddings, split: reference), options: sceneOptions, path: last.embeddings.path)
      sceneOptions.boundarySamples = settings.boundarySamples
      sceneOptions.zoneAzimuths = settings.zoneAzimuths
      sceneOptions.zoneRadialStep = settings.zoneRadialStep
      sceneOptions.rawExtent = try rawExtent(frames, splits: settings.splits, quantile: sceneOptions.rawExtentQuantile)
      // Every frame has new weights, so boundaries and zones are computed per frame, on every core.
      figures = try concurrentMap(frames) { frame in
        let e = frame.embeddings
        // A band above each scene holds the frame label clear of the sphere (same size in every frame).
        var f = Figure(
          rows: 1, columns: 2 * settings.splits.count, panelWidth: 150, panelHeight: 150 * (1 + Self.labelBand))
        for (k, choice) in settings.splits.enumerated() {
          let s = try split(e, choice)
          let panels = try SphereViews.panels(
            e, split: s, input: try SphereViews.input(e, split: s), options: sceneOptions, title: s.setName,
            accuracySubtitle: false)  // the frame label states it
          f[0, 2 * k] = Self.withLabelBand(panels.sphere)
          f[0, 2 * k + 1] = Self.withLabelBand(panels.raw)
        }
        f.legendTitle = e.metadata?.dataset.name ?? "class"
        // Narrow (a 3.25 in column), two splits go one above the other, as the still figures reflow,
        // so each panel keeps room for its frame label.
        f.compactMode = .automatic
        if settings.splits.count > 1 {
          f.compactColumns = 2
          f.compactReflowsByRow = true
        }
        f.colorBar = colors.colorBar
        if let note = colors.note { f.caption.append(note) }
        // The loss (with the margin in force) once over the panels, so narrow panels keep short titles.
        f.title = CheckpointViews.panelLabel(e)
        return labelled(f, frame: frame, splits: settings.splits, panelsPerSplit: 2)
      }
      figures = figures.map { f in
        var copy = f
        copy.caption.append(("view", SphereViews.describe(sceneOptions.view)))
        return copy
      }
    }
    return figures.map { f in
      var copy = f
      copy.caption = caption + f.caption
      return copy
    }
  }

  /// The height of the band over a sphere frame's scenes, as a fraction of the scene's height.
  static let labelBand = 0.3

  /// A scene panel with its exact limits raised at the top by `labelBand`.
  static func withLabelBand(_ panel: Panel) -> Panel {
    guard case .exactly(let l) = panel.limits else { return panel }
    var copy = panel
    copy.limits = .exactly(
      AxisLimits(xMin: l.x.lower, xMax: l.x.upper, yMin: l.y.lower, yMax: l.y.upper + labelBand * l.y.span))
    return copy
  }

  /// Renders `figures` (already laid out the same way) and writes them as one looping GIF at `path`.
  /// - Returns: the GIF's frame count and pixel size.
  /// - Throws: `GIFEncodingError` naming `path` for too many frames or a size over the limits (checked
  ///   before any frame is encoded); no partial file is left on any error.
  @discardableResult
  public static func write(_ figures: [Figure], to path: String, settings: AnimationSettings) throws -> (
    frames: Int, width: Int, height: Int
  ) {
    guard !figures.isEmpty else { throw GIFEncodingError.emptyAnimation(file: path) }
    guard figures.count <= GIFOptions.maximumFrames else {
      throw GIFEncodingError.tooManyFrames(file: path, limit: GIFOptions.maximumFrames)
    }
    let first = try figures[0].layout()
    let width = pixels(first.width, dpi: settings.dpi), height = pixels(first.height, dpi: settings.dpi)
    guard (1...GIFOptions.maximumSide).contains(width), (1...GIFOptions.maximumSide).contains(height) else {
      throw GIFEncodingError.frameTooLarge(file: path, width: width, height: height, limit: GIFOptions.maximumSide)
    }
    let palette = try GIFPalette.figure(classColors: classColors(settings), extra: extraColors)
    let options = GIFOptions(
      delayCentiseconds: settings.frameDelay, finalDelayCentiseconds: settings.finalDelay, loopCount: 0)
    let writer = try GIFWriter(path: path, width: width, height: height, palette: palette, options: options)
    do {
      // Frames are rendered a batch at a time on every core while the previous batch is quantised and
      // encoded here, in order: the output does not depend on which worker rendered which frame.
      let batch = max(2, ProcessInfo.processInfo.activeProcessorCount * 2)
      let batches = stride(from: 0, to: figures.count, by: batch).map {
        Array(figures[$0..<min(figures.count, $0 + batch)])
      }
      var next: RenderedBatch? = RenderedBatch(batches[0], width: width, height: height, dpi: settings.dpi)
      for k in batches.indices {
        let frames = try next!.wait()
        next =
          k + 1 < batches.count ? RenderedBatch(batches[k + 1], width: width, height: height, dpi: settings.dpi) : nil
        do {
          for rgba in frames { try writer.add(GIFFrame(width: width, height: height, rgba: rgba)) }
        } catch {
          _ = try? next?.wait()
          throw error
        }
      }
      try writer.finish()
    } catch {
      writer.cancel()
      throw error
    }
    return (figures.count, width, height)
  }

  static func pixels(_ points: Double, dpi: Double) -> Int { Int((points * dpi / 72 - 1e-6).rounded(.up)) }

  /// Straight RGBA bytes of each figure at `dpi`, padded or cropped (white, top left kept) to
  /// `width` × `height` should a frame's layout come out a pixel different.
  static func renderRGBA(_ figures: [Figure], width: Int, height: Int, dpi: Double) throws -> [[UInt8]] {
    // Figures are values whose layers are read-only structs; each worker renders its own on its own surface.
    try concurrentMap(figures) { figure in try figure.renderImage(dpi: dpi).straightRGBA(width: width, height: height) }
  }

  /// A batch of frames being rendered on a background queue (on every core) while the caller encodes.
  final class RenderedBatch: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<[[UInt8]], any Error> = .success([])

    init(_ figures: [Figure], width: Int, height: Int, dpi: Double) {
      let work = UncheckedSendable(figures)
      DispatchQueue.global().async { [self] in
        result = Result { try Animation.renderRGBA(work.value, width: width, height: height, dpi: dpi) }
        done.signal()
      }
    }

    /// The frames, once rendered; call once.
    func wait() throws -> [[UInt8]] {
      done.wait()
      return try result.get()
    }
  }

  /// The class colours the figures draw, exactly as still figures of `settings.classCount` classes
  /// draw them (``Palette/forClasses(_:)``: distinct colours up to ``Palette/distinctClassLimit``,
  /// samples of the continuous map above).
  ///
  /// How the 255 usable GIF entries are budgeted (``GIFPalette/figure(classColors:background:extra:greyLevels:)``):
  /// background, black and the ``extraColors`` (7), 24 greys for text and antialiased black, every
  /// class colour (N), and what is left as antialiasing shades, ⌊(224 − N) / 2N⌋ per class towards
  /// white and as many towards grey (10 classes: 10 each; 20: 5; 50: 1; from 75 on none, and edges
  /// take the nearest exact entry). Every class colour always fits: figures draw at most
  /// `EmbeddingReader.maximumClasses` (100) classes, and `Animation.write` throws
  /// `GIFEncodingError.palette` naming the counts should more class colours than 224 be asked for.
  static func classColors(_ settings: AnimationSettings) -> [GIFColor] {
    let palette = settings.classCount.map { settings.palette.forClasses($0) } ?? settings.palette
    return palette.colors.map { c in GIFColor(unitRed: c.red, green: c.green, blue: c.blue) }
  }

  /// Colours the figures draw besides the classes: the sphere's fill, outline and boundaries, the
  /// orange of test-split curves, the legend frame.
  static let extraColors: [GIFColor] = [
    GIFColor(red: 0xB8, green: 0xC4, blue: 0xD6), GIFColor(red: 0x4A, green: 0x4A, blue: 0x4A),
    GIFColor(red: 0x22, green: 0x22, blue: 0x22), GIFColor(unitRed: 0.84, green: 0.37, blue: 0),
    GIFColor(unitRed: 0.3, green: 0.3, blue: 0.3),
  ]

  static func split(_ e: Embeddings, _ choice: CheckpointViews.SplitChoice) throws -> Embeddings.Split {
    if let s = CheckpointViews.split(e, choice.rawValue) { return s }
    throw EmbeddingError(
      path: e.path, array: "\(choice.rawValue)_features",
      reason:
        "this frame has no \(choice.rawValue) split (it has: \(e.splits.map(\.name).joined(separator: ", "))); snapshots hold the test split only, use --split test"
    )
  }

  /// The largest per-frame raw radius (the quantile of ‖x‖), so the raw view keeps one scale.
  static func rawExtent(_ frames: [AnimationFrame], splits: [CheckpointViews.SplitChoice], quantile: Double) throws
    -> Double
  {
    var extent = 0.0
    for frame in frames {
      for choice in splits {
        let s = try split(frame.embeddings, choice)
        let d = frame.embeddings.dimension
        var norms = (0..<s.count).map { i in
          (0..<d).reduce(0.0) { $0 + Double(s.features[i * d + $1] * s.features[i * d + $1]) }.squareRoot()
        }
        norms.sort()
        guard !norms.isEmpty else { continue }
        extent = max(extent, norms[min(norms.count - 1, Int((quantile * Double(norms.count - 1)).rounded()))])
      }
    }
    return extent > 0 ? extent : 1
  }

  /// The frame label, in the first panel of every split (with that split's accuracy) or, without
  /// splits, in the first panel: epoch and iteration, loss, accuracy on three short lines.
  static func labelled(
    _ figure: Figure, frame: AnimationFrame, splits: [CheckpointViews.SplitChoice], panelsPerSplit: Int = 1
  ) -> Figure {
    let e = frame.embeddings
    var head: [String] = []
    if let epoch = e.epoch { head.append("epoch \(epoch)") }
    if let iteration = e.iteration { head.append("iteration \(iteration)") }
    var copy = figure
    var k = 0
    for i in copy.panels.indices {
      guard var panel = copy.panels[i] else { continue }
      defer { k += 1 }
      if splits.isEmpty ? k > 0 : !k.isMultiple(of: panelsPerSplit) { continue }
      var lines = [head.joined(separator: " · ")]
      if let loss = frame.trainingLoss { lines.append(String(format: "loss %.3f", loss)) }
      let split = k / panelsPerSplit
      if split < splits.count, let s = CheckpointViews.split(e, splits[split].rawValue),
        let a = e.recordedAccuracy(of: s)
      {
        lines.append(String(format: "%@ accuracy %.2f%%", s.name == "train" ? "train" : "test", 100 * a))
      }
      panel.layers.append(FrameLabelLayer(lines: lines.filter { !$0.isEmpty }))
      copy.panels[i] = panel
    }
    return copy
  }
}

struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}

/// `transform` applied to every element on all cores, results in order; the first error is thrown.
func concurrentMap<T, U>(_ items: [T], _ transform: (T) throws -> U) throws -> [U] {
  let slots = UncheckedSendable(UnsafeMutableBufferPointer<Result<U, any Error>?>.allocate(capacity: items.count))
  slots.value.initialize(repeating: nil)
  // Deinitialised before the memory goes back: deallocating alone would leak every result (a
  // rendered frame's pixels, about 4 MB each, for as long as the process runs).
  defer {
    slots.value.deinitialize()
    slots.value.deallocate()
  }
  let input = UncheckedSendable(items)
  withoutActuallyEscaping(transform) { transform in
    let work = UncheckedSendable(transform)
    DispatchQueue.concurrentPerform(iterations: items.count) { i in
      slots.value[i] = Result { try work.value(input.value[i]) }
    }
  }
  return try slots.value.map { try $0!.get() }
}
