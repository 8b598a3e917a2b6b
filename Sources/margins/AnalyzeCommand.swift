import ArgumentParser
import CairoBackend
import Checkpoints
import EmbeddingAnalysis
import FileFormats
import Figures
import Foundation
import Graphics2D
import PlotKit
import SphereScene
import Training

#if canImport(Glibc)
  import Glibc
#endif

struct AnalyzeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "analyze",
    abstract: "Angle statistics of embeddings of any dimension: ArcFace Table 3, target angles, pair angles and ROC, class-angle matrix, PCA and plane views.",
    discussion: """
      Reads .npz, CSV, this tool's checkpoints, or a .npy features file with --labels (mapped, not \
      read: files of any size). Without class weights every view that needs class directions uses \
      the class centres and says so. Every number goes to the JSON (--json; schema in \
      docs/analysis.md), a summary to stdout, and the figures to --out. Several files (epochs of one \
      run) are compared in the target-angle figure.
      """)

  @Argument(help: "Embedding files (.npz, .npy with --labels, .csv, checkpoint .npz/.json or run directories).")
  var files: [String]

  @OptionGroup var input: EmbeddingInputOptions

  @Option(help: "Where the JSON goes: a path, or - for stdout (the summary then goes to stderr). Default: beside the figures.")
  var json: String?

  @Option(help: "Two classes whose directions span the exact plane view, e.g. 3,8.")
  var plane: ClassPairOption?

  @Option(help: "The most same-class and different-class pairs each (every pair below it).")
  var pairs = 500_000

  @Option(help: "Seed of the pair and PCA sampling.")
  var seed: UInt64 = 1701

  @Option(help: "The most rows the principal components are fitted on (a seeded sample above it).")
  var pcaSample = 20_000

  @Option(help: "Threads (default: every core).")
  var threads: Int?

  @Flag(help: "Write the JSON and the summary only.")
  var noFigures = false

  @OptionGroup var output: FigureOutputOptions

  func validate() throws {
    try input.validate(files)
    // A .npy is mapped, not read through the embedding reader: its rows are never copied or dropped.
    if input.dropNonfinite && files.contains(where: { $0.lowercased().hasSuffix(".npy") }) {
      throw ValidationError("--drop-nonfinite does not apply to a .npy features file (it is memory-mapped, never copied); remove the rows first")
    }
    guard pairs >= 1 else { throw ValidationError("--pairs must be at least 1, got \(pairs)") }
    guard pcaSample >= 3 else { throw ValidationError("--pca-sample must be at least 3, got \(pcaSample)") }
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    if let file = output.fileTarget {
      throw ValidationError("-o \(file): analyze writes three figures and a JSON; give --out DIR (and --name NAME)")
    }
  }

  func run() throws {
    var options = AnalysisOptions()
    options.pairCap = pairs
    options.seed = seed
    options.pcaSampleCap = pcaSample
    options.plane = plane.map { ($0.first, $0.second) }
    if let threads { options.parts = threads }
    let toStdout = json == "-"
    let text = TextStream(toStandardError: toStdout)
    let progress = ProgressLine()
    options.progress = progress.report

    // Read and analyse everything before writing anything: a bad file leaves no output.
    var remainingLabels = input.labels[...]
    var analyses: [FileAnalysis] = []
    var inputs: [AnalysisInput] = []
    for (index, path) in files.enumerated() {
      progress.prefix = files.count > 1 ? "\((path as NSString).lastPathComponent) (\(index + 1)/\(files.count))" : (path as NSString).lastPathComponent
      let labelsPath = path.lowercased().hasSuffix(".npy") ? remainingLabels.popFirst() : nil
      let file = try AnalysisInputReader.read(path, labels: labelsPath, options: input)
      analyses.append(try EmbeddingAnalyzer.analyze(file, options: options))
      // The figures need names and paths only: let each file's features go before the next is read.
      var names = file
      names.splits = []
      inputs.append(names)
    }
    progress.finish()

    let report = AnalysisReport(code: CodeVersion.current, options: .init(options), files: analyses.map(\.report))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(report)
    let directory = output.out ?? "."
    let stem = output.name ?? Self.stem(inputs)
    let base = (directory as NSString).appendingPathComponent(stem)

    var figures: [(String, Figure)] = []
    if !noFigures {
      let drawing = AnalysisFigures(inputs: inputs, analyses: analyses, palette: Self.palette(output.palette), plane: options.plane)
      figures = try drawing.all().map { ($0.0, try output.apply(to: $0.1)) }
    }
    if toStdout {
      FileHandle.standardOutput.write(data)
      FileHandle.standardOutput.write(Data("\n".utf8))
    } else {
      let path = json ?? base + ".json"
      let parent = (path as NSString).deletingLastPathComponent
      if !parent.isEmpty { try FileBytes.createDirectories(parent) }
      try AtomicFile.write([UInt8](data), to: path)
      text.line("wrote \(path)")
    }
    for (suffix, figure) in figures {
      try FileBytes.createDirectories(directory)
      let figureBase = base + "-" + suffix
      for format in Self.formats(output.format) {
        let path = figureBase + "." + format.rawValue
        switch format {
        case .png: try figure.writePNG(to: path, dpi: output.dpi)
        case .svg: try figure.writeSVG(to: path, pointMode: output.pointMode, rasterDPI: output.rasterDpi)
        case .pdf: try figure.writePDF(to: path, pointMode: output.pointMode, rasterDPI: output.rasterDpi)
        }
        text.line("wrote \(path)")
      }
      let provenance: [String: JSONValue] = [
        "command": .string("analyze"), "files": .array(files.map(JSONValue.string)), "figure": .string(suffix),
        "analysis": .string(toStdout ? "stdout" : (json ?? base + ".json")), "options": .object(output.record(figure)),
      ]
      try AtomicFile.write([UInt8](try encoder.encode(provenance)), to: figureBase + ".json")
    }
    for analysis in analyses { Self.summarize(analysis.report, into: text) }
  }

  // Optional parameters: the shared options make these optional (a default, or a figure's own).
  static func palette(_ p: Palette?) -> Palette { p ?? .colorBlindSafe }
  static func formats(_ f: OutputFormats?) -> [OutputFormat] { f?.formats ?? [.png, .svg] }

  static func stem(_ inputs: [AnalysisInput]) -> String {
    guard inputs.count == 1 else { return "\(inputs.count)files-analysis" }
    return ((inputs[0].path as NSString).lastPathComponent as NSString).deletingPathExtension + "-analysis"
  }

  // MARK: - Readable summary

  static func summarize(_ f: FileReport, into text: TextStream) {
    func deg(_ v: Double?) -> String { v.map { String(format: "%.2f°", $0) } ?? "–" }
    func pct(_ v: Double) -> String { String(format: "%.2f%%", 100 * v) }
    text.line("\(f.path)\(f.epoch.map { " epoch \($0)" } ?? ""): D = \(f.dimension), \(f.classCount) classes; class directions: \(f.classDirections)")
    if let w = f.weightAngles {
      text.line("  class weights: nearest other weight \(deg(w.meanNearestDegrees)) on average, closest \(pairList(w.closestPairs))")
    }
    for s in f.splits {
      text.line("  \(s.name) (\(s.rows) rows):")
      let t = s.table3
      text.line("    ArcFace Table 3: W-EC \(deg(t.wEC)), W-Inter \(deg(t.wInter)), Intra \(deg(t.intra)), Inter \(deg(t.inter))\(t.wEC == nil ? " (no class weights: W-EC and W-Inter need W)" : "")")
      let a = s.targetAngles
      text.line("    angle to own \(a.reference): mean \(deg(a.mean)), median \(deg(a.median)), beyond 90°: \(pct(a.shareBeyond90))")
      let p = s.pairs
      func kind(_ name: String, _ set: PairSet) -> String {
        "\(set.count) \(name)\(set.sampled ? " (sampled of \(set.available))" : "") mean \(deg(set.mean))"
      }
      text.line("    pairs: \(kind("positive", p.positive)), \(kind("negative", p.negative))")
      for r in p.tarAtFar {
        if let tar = r.tar {
          text.line("    TAR at FAR \(r.far): \(pct(tar)) (accept below \(deg(r.thresholdDegrees)))")
        } else {
          text.line("    TAR at FAR \(r.far): \(r.note ?? "not resolved")")
        }
      }
      text.line("    equal-error rate \(pct(p.eer.rate)) at \(deg(p.eer.thresholdDegrees))")
      text.line("    closest class centres: \(pairList(s.centreAngles.closestPairs))")
      let pca = s.pca
      text.line(
        "    PCA of the normalised features (\(pca.sampleRows) of \(pca.rows) rows): 2 components keep \(pct(pca.varianceShare2D))"
          + (pca.varianceShare3D.map { ", 3 keep \(pct($0))" } ?? "") + " of the variance")
      if let pl = s.plane {
        text.line("    plane of \(pl.names[0]) and \(pl.names[1]) (\(pl.spannedBy), \(deg(pl.angleBetweenDegrees)) apart): mean in-plane length \(String(format: "%.3f", pl.meanInPlaneLength))")
      }
    }
  }

  static func pairList(_ pairs: [ClassPair]) -> String {
    pairs.prefix(5).map { "\($0.nameA)–\($0.nameB) \(String(format: "%.2f°", $0.degrees))" }.joined(separator: ", ")
  }
}

/// `--plane 3,8`.
struct ClassPairOption: ExpressibleByArgument {
  let first: Int
  let second: Int

  init?(argument: String) {
    let parts = argument.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard parts.count == 2, let a = parts[0], let b = parts[1], a >= 0, b >= 0, a != b else { return nil }
    first = a
    second = b
  }
}

/// The summary's destination: stdout, or stderr when stdout carries the JSON.
struct TextStream {
  let toStandardError: Bool

  func line(_ s: String) {
    if toStandardError { FileHandle.standardError.write(Data((s + "\n").utf8)) } else { print(s) }
  }
}

/// One line of progress on stderr, redrawn in place, only when stderr is a terminal.
final class ProgressLine: @unchecked Sendable {
  // Unchecked: every access holds `lock`.
  private let lock = NSLock()
  private let enabled = isatty(2) == 1
  private var last = ""
  private var shown = false
  private var _prefix = ""

  var prefix: String {
    get { lock.withLock { _prefix } }
    set { lock.withLock { _prefix = newValue } }
  }

  var report: AnalysisProgress {
    { [self] phase, fraction in update(phase, fraction) }
  }

  private func width() -> Int {
    var size = winsize()
    if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    return 80
  }

  private func update(_ phase: String, _ fraction: Double) {
    guard enabled else { return }
    lock.withLock {
      let line = "\(_prefix): \(phase) \(Int((100 * fraction).rounded(.down)))%"
      guard line != last else { return }
      last = line
      let w = max(10, width() - 1)
      let fitted = line.count > w ? String(line.prefix(w - 1)) + "…" : line
      FileHandle.standardError.write(Data(("\r\u{1B}[K" + fitted).utf8))
      shown = true
    }
  }

  func finish() {
    lock.withLock {
      if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
      shown = false
    }
  }
}

// MARK: - Input

/// Turns a file (and its labels and weights) into the analysis's input: `.npy` features mapped
/// from the file, everything else through `EmbeddingReader`.
enum AnalysisInputReader {
  static func read(_ path: String, labels labelsPath: String?, options: EmbeddingInputOptions) throws -> AnalysisInput {
    let classWeights = options.classWeights
    if path.lowercased().hasSuffix(".npy") {
      guard let labelsPath else { throw AnalysisError(path: path, reason: "a .npy holds only features; give their labels with --labels LABELS.npy") }
      let features = try MappedFeatures(try MappedNumpyArray(path: path), name: "features")
      let labelArray = try MappedNumpyArray(path: labelsPath)
      guard labelArray.shape == [features.rowCount] else {
        throw AnalysisError(path: labelsPath, array: "labels", reason: "has shape \(labelArray.shape); expected [\(features.rowCount)] (one label per row of \(path))")
      }
      let raw = try labelArray.integers()
      let weights = try classWeights.map { try weightValues($0, dimension: features.dimension) }
      var names: [String]?
      if let namesPath = options.classNames {
        let text = try String(decoding: FileBytes.read(namesPath), as: UTF8.self)
        names = text.split(whereSeparator: \.isNewline).map(String.init)
      }
      return try assemble(
        path: path, dimension: features.dimension, splits: [("all", features, raw, "features", "labels (\(labelsPath))")],
        weights: weights, names: names, epoch: nil, weightsArray: classWeights ?? "class_weights")
    }
    var readOptions = options.readOptions
    readOptions.labelsPath = labelsPath
    let e = try EmbeddingReader.read(path, options: readOptions)
    for note in e.notes { Diagnostics.note("\(path): \(note)") }
    if e.droppedNonfinite > 0 { Diagnostics.note("\(path): dropped \(e.droppedNonfinite) rows with NaN or infinite features") }
    let splits = e.splits.map { s -> (String, any FeatureRows, [Int], String, String) in
      let prefix = e.splits.count > 1 || ["train", "test"].contains(s.name) && e.metadata != nil ? "\(s.name)_" : ""
      let featuresArray = e.splits.count > 1 ? "\(prefix)features" : "features"
      return (s.name, InMemoryFeatures(s.features, dimension: e.dimension), s.labels, featuresArray, featuresArray.replacingOccurrences(of: "features", with: "labels"))
    }
    return try assemble(
      path: path, dimension: e.dimension, splits: splits, weights: e.classWeights.map { $0.map(Double.init) }, names: e.classNames,
      epoch: e.epoch, weightsArray: classWeights ?? "class_weights")
  }

  static func weightValues(_ path: String, dimension d: Int) throws -> [Double] {
    let w = try MappedNumpyArray(path: path)
    guard w.shape.count == 2, w.shape[1] == d, w.scalar.isFloatingPoint else {
      throw AnalysisError(path: path, array: "class_weights", reason: "has shape \(w.shape) of \(w.descriptor); expected [C, \(d)] floats")
    }
    if w.scalar == .float64, let p = w.payload {
      return (0..<w.count).map { p.loadUnaligned(fromByteOffset: 8 * $0, as: Double.self) }
    }
    var floats = [Float](repeating: 0, count: w.count)
    floats.withUnsafeMutableBufferPointer { w.copyFloats(0..<w.count, into: $0.baseAddress!) }
    return floats.map(Double.init)
  }

  /// With class weights the classes are their rows; without, the labels present in the file (so a
  /// file labelled 3 and 8 has two classes, not nine).
  static func assemble(
    path: String, dimension d: Int, splits: [(String, any FeatureRows, [Int], String, String)], weights: [Double]?, names: [String]?,
    epoch: Int?, weightsArray: String
  ) throws -> AnalysisInput {
    var classOf: [Int: Int32] = [:]
    var classNames: [String]
    if let weights {
      let c = weights.count / d
      classNames = names?.count == c ? names! : (0..<c).map(String.init)
      for k in 0..<c { classOf[k] = Int32(k) }
      for (name, _, labels, _, labelsArray) in splits {
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= c }) {
          throw AnalysisError(path: path, array: labelsArray, reason: "holds label \(labels[bad]) at row \(bad) of the \(name) split, but \(weightsArray) has \(c) rows")
        }
      }
    } else {
      let present = Set(splits.flatMap(\.2)).sorted()
      classNames = present.map { label in names.flatMap { label >= 0 && label < $0.count ? $0[label] : nil } ?? String(label) }
      for (k, label) in present.enumerated() { classOf[label] = Int32(k) }
    }
    let mapped = splits.map { name, features, labels, featuresArray, labelsArray in
      LabelledSplit(name: name, features: features, labels: labels.map { classOf[$0]! }, featuresArray: featuresArray, labelsArray: labelsArray)
    }
    return AnalysisInput(path: path, dimension: d, splits: mapped, classWeights: weights, classNames: classNames, epoch: epoch, weightsArray: weightsArray)
  }
}

// MARK: - Figures

/// The analysis figures: angles (target angles, pair angles, ROC), the class-angle matrices, and the
/// projections (PCA circle and sphere, the plane of two classes).
struct AnalysisFigures {
  let inputs: [AnalysisInput]
  let analyses: [FileAnalysis]
  let palette: Palette
  let plane: (Int, Int)?

  func all() throws -> [(String, Figure)] {
    [("angles", angles()), ("classes", classes()), ("views", try views())]
  }

  private func histogram(_ h: AngleHistogram) -> Histogram {
    Histogram(edges: (0...180).map(Double.init), counts: h.counts.map(Double.init)).density()
  }

  private func label(_ i: Int) -> String {
    let input = inputs[i]
    let name = ((input.path as NSString).lastPathComponent as NSString).deletingPathExtension
    return input.epoch.map { "\(name), epoch \($0)" } ?? name
  }

  private var caption: [(key: String, value: String)] {
    [("files", inputs.map(\.path).joined(separator: ", ")), ("code", CodeVersion.current)]
  }

  /// Per file: target angles (one series per split), pair angles and the ROC of its last split;
  /// with several files, one more row comparing their target angles.
  func angles() -> Figure {
    let rows = analyses.count + (analyses.count > 1 ? 1 : 0)
    var figure = Figure(rows: rows, columns: 3, panelWidth: 170, panelHeight: 120)
    for (i, a) in analyses.enumerated() {
      let splitColors = [palette.color(forClass: 0), palette.color(forClass: 1), palette.color(forClass: 2)]
      let series = a.report.splits.enumerated().map { k, s in
        HistogramSeries(name: s.name == "all" ? "all rows" : s.name, histogram: histogram(s.targetAngles.histogram), color: splitColors[k % 3])
      }
      let reference = a.report.splits.first?.targetAngles.reference ?? "class weight"
      figure[i, 0] = .histogram(
        title: "\(label(i)): target angles", subtitle: "angle to own \(reference)", series: series, xLabel: "angle to own class (°)", yLabel: "density")
      guard let last = a.report.splits.last else { continue }
      let pairs = last.pairs
      figure[i, 1] = .histogram(
        title: "pair angles (\(last.name == "all" ? "all rows" : last.name))",
        subtitle: "\(pairs.positive.count) positive, \(pairs.negative.count) negative" + (pairs.positive.sampled || pairs.negative.sampled ? " (sampled)" : ""),
        series: [
          HistogramSeries(name: "same class", histogram: histogram(pairs.positive.histogram), color: palette.color(forClass: 0)),
          HistogramSeries(name: "different class", histogram: histogram(pairs.negative.histogram), color: palette.color(forClass: 1)),
        ], xLabel: "angle between the pair (°)", yLabel: "density")
      let points = pairs.roc.filter { $0.targetFar > 0 }
      let tarLine = pairs.tarAtFar.map { r in r.tar.map { String(format: "TAR %.1f%% @ FAR %g", 100 * $0, r.far) } ?? "FAR \(r.far): too few pairs" }
      var roc = Panel(
        title: "ROC", subtitle: tarLine.joined(separator: "; ") + String(format: "; EER %.2f%%", 100 * pairs.eer.rate),
        layers: [CurveLayer(curves: [Polyline(xs: points.map(\.targetFar), ys: points.map(\.tar), name: "TAR", color: palette.color(forClass: 0))])],
        limits: .exactly(AxisLimits(xMin: points.first?.targetFar ?? 1e-6, xMax: 1, yMin: 0, yMax: 1)), equalAspect: false,
        xScale: .log10, xLabel: "false accept rate", yLabel: "true accept rate", showsGrid: true, legend: .hidden)
      roc.cornerNote = nil
      figure[i, 2] = roc
    }
    if analyses.count > 1 {
      // The same split of every file, in order: the target angle over training.
      let series = analyses.enumerated().compactMap { i, a -> HistogramSeries? in
        guard let s = a.report.splits.first(where: { $0.name == "test" }) ?? a.report.splits.last else { return nil }
        return HistogramSeries(name: label(i), histogram: histogram(s.targetAngles.histogram), color: palette.color(forClass: i))
      }
      figure[analyses.count, 0] = .histogram(
        title: "target angles across files", subtitle: "test split (or the only one)", series: series, xLabel: "angle to own class (°)", yLabel: "density")
    }
    figure.caption = caption
    figure.style.legend = .none
    return figure
  }

  /// Angles between class centres (and between class weights) of the last file's last split.
  func classes() -> Figure {
    let a = analyses[analyses.count - 1]
    let input = inputs[inputs.count - 1]
    let split = a.report.splits[a.report.splits.count - 1]
    var matrices: [(String, ClassAngles)] = [("class centres (\(split.name == "all" ? "all rows" : split.name))", split.centreAngles)]
    if let w = a.report.weightAngles { matrices.append(("class weights", w)) }
    var figure = Figure(rows: 1, columns: matrices.count, panelWidth: 200, panelHeight: 200)
    for (k, (title, m)) in matrices.enumerated() {
      let off = m.matrixDegrees.enumerated().flatMap { r, row in row.enumerated().filter { $0.offset != r }.map(\.element) }
      let lo = off.min() ?? 0, hi = off.max() ?? 180
      let names = m.order.map { input.classNames[$0] }
      let closest = m.closestPairs.prefix(3).map { "\($0.nameA)–\($0.nameB) \(String(format: "%.1f°", $0.degrees))" }.joined(separator: ", ")
      figure[0, k] = Panel(
        title: "angles between \(title)",
        subtitle: String(format: "dark %.1f° (near) … light %.1f° (far); closest: ", lo, hi) + closest + (m.note.map { "; \($0)" } ?? ""),
        layers: [HeatmapLayer(values: m.matrixDegrees, low: lo, high: hi, labels: names.count <= 30 ? names : nil)],
        limits: .exactly(AxisLimits(xMin: -0.5, xMax: Double(names.count) + 0.5, yMin: -0.5, yMax: Double(names.count) + 0.5)),
        showsAxes: false, legend: .hidden)
    }
    figure.caption = caption + [("order", "greedy nearest-neighbour chain from the closest pair")]
    figure.style.legend = .none
    return figure
  }

  /// PCA of the normalised features on the circle and the sphere, and the plane of two classes.
  func views() throws -> Figure {
    let a = analyses[analyses.count - 1]
    let input = inputs[inputs.count - 1]
    let s = a.report.splits.count - 1
    let split = a.report.splits[s], v = a.views[s]
    let c = input.classCount
    let k = v.pcaDimension
    let colors = (0..<max(c, 1)).map { palette.color(forClass: $0) }
    let directionWords = a.report.classDirections
    var panels: [Panel] = []
    // Circle: the first two components, each point by its direction in that plane.
    var circle: [Point] = []
    for r in 0..<(v.pcaPoints.count / k) {
      let x = v.pcaPoints[r * k], y = v.pcaPoints[r * k + 1]
      let n = (x * x + y * y).squareRoot()
      circle.append(n > 0 ? Point(x: x / n, y: y / n) : Point(x: 0, y: 0))
    }
    var circleLayers: [any PlotLayer] = [
      CircleLayer(radius: 1),
      ColoredPointsLayer(
        positions: circle, colorIndices: v.pcaLabels.map(Int.init), palette: colors, alpha: ScatterLayer.markerAlpha(forCount: circle.count),
        diameter: ScatterLayer.markerDiameter(forCount: circle.count)),
    ]
    if c <= 20 {
      let rays = (0..<c).map { Point(x: v.pcaDirections[$0 * k], y: v.pcaDirections[$0 * k + 1]) }
      circleLayers.append(DirectionRaysLayer(directions: rays, length: 1.2, labels: input.classNames, palette: palette))
    }
    panels.append(Panel(
      title: "PCA to 2-D (circle view)",
      subtitle: String(format: "projection keeping %.1f%% of the variance; directions only", 100 * split.pca.varianceShare2D),
      layers: circleLayers, limits: .exactly(AxisLimits(xMin: -1.3, xMax: 1.3, yMin: -1.3, yMax: 1.3)), legend: .hidden))
    if k >= 3, let share = split.pca.varianceShare3D {
      let rows: [[Double]] = (0..<(v.pcaPoints.count / 3)).map { (r: Int) -> [Double] in Array(v.pcaPoints[(3 * r)..<(3 * r + 3)]) }
      let weights: [[Double]]? = c <= 20 ? (0..<c).map { (j: Int) -> [Double] in Array(v.pcaDirections[(3 * j)..<(3 * j + 3)]) } : nil
      let usable = rows.indices.filter { rows[$0].contains { $0 != 0 } }
      let sceneInput = try SphereSceneInput(
        features: usable.map { rows[$0] }, labels: usable.map { Int(v.pcaLabels[$0]) }, classCount: c,
        weights: weights?.allSatisfy({ $0.contains { $0 != 0 } }) == true ? weights : nil)
      var sceneOptions = SphereSceneOptions()
      sceneOptions.classColors = (0..<max(c, 1)).map { palette.color(forClass: $0) }
      sceneOptions.showBoundaries = false
      sceneOptions.showMarginZones = false
      let scene = try SphereScene.sphere(sceneInput, options: sceneOptions)
      panels.append(.scene(
        scene, title: "PCA to 3-D (sphere view)", subtitle: String(format: "projection keeping %.1f%% of the variance", 100 * share),
        classNames: input.classNames))
    }
    if let (i, j) = plane, let p = split.plane {
      var layers: [any PlotLayer] = [CircleLayer(radius: 1)]
      let points = (0..<(v.planePoints.count / 2)).map { Point(x: v.planePoints[2 * $0], y: v.planePoints[2 * $0 + 1]) }
      layers.append(ColoredPointsLayer(
        positions: points, colorIndices: v.planeLabels.map(Int.init), palette: colors, alpha: ScatterLayer.markerAlpha(forCount: points.count),
        diameter: ScatterLayer.markerDiameter(forCount: points.count)))
      let angle = p.angleBetweenDegrees * Double.pi / 180
      let rayColors = Palette(name: "plane", colors: [colors[i], colors[j]])
      layers.append(DirectionRaysLayer(
        directions: [Point(x: 1, y: 0), Point(x: cos(angle), y: sin(angle))], length: 1.2, labels: [input.classNames[i], input.classNames[j]],
        palette: rayColors))
      panels.append(Panel(
        title: "plane of \(input.classNames[i]) and \(input.classNames[j])",
        subtitle: "spanned by their \(p.spannedBy.hasPrefix("class weights") ? "weights" : "centres"); exact for these two classes",
        layers: layers, limits: .exactly(AxisLimits(xMin: -1.3, xMax: 1.3, yMin: -1.3, yMax: 1.3)), legend: .hidden))
    }
    var figure = Figure(rows: 1, columns: panels.count, panelWidth: 170, panelHeight: 170)
    for (n, p) in panels.enumerated() { figure[0, n] = p }
    figure.caption = caption + [
      ("shown", "\(split.name == "all" ? "all rows" : split.name + " split"): \(v.pcaLabels.count) of \(split.rows) rows; PCA fitted on \(split.pca.sampleRows)"),
      ("class directions", directionWords),
      ("note", "projections of the L2-normalised features, not the features themselves"),
    ]
    if c <= 10 {
      figure.legendEntries = (0..<c).map { LegendEntry(label: input.classNames[$0], color: colors[$0], symbol: .dot) }
    } else {
      figure.style.legend = .none
    }
    return figure
  }
}

/// A matrix as coloured cells, row 0 at the top; optional names along the left and top.
struct HeatmapLayer: PlotLayer {
  let values: [[Double]]
  let low: Double
  let high: Double
  let labels: [String]?

  var dataBounds: AxisLimits? {
    AxisLimits(xMin: 0, xMax: Double(values.count), yMin: 0, yMax: Double(values.count))
  }

  var legendEntries: [LegendEntry] { [] }

  /// Near (small angles) dark blue, far light yellow: ordered in lightness, so it reads in grey too.
  func color(_ v: Double) -> Color {
    let t = high > low ? max(0, min(1, (v - low) / (high - low))) : 0.5
    return Color(red: 0.08 + 0.9 * t, green: 0.16 + 0.8 * t, blue: 0.42 + 0.38 * t)
  }

  func draw(in canvas: PlotCanvas) throws {
    let n = values.count
    for r in 0..<n {
      for c in 0..<n {
        let y: Double = Double(n - 1 - r), x0: Double = Double(c), x1: Double = x0 + 1
        let cell: [Point] = [Point(x: x0, y: y), Point(x: x1, y: y), Point(x: x1, y: y + 1), Point(x: x0, y: y + 1)]
        canvas.fillPolygon(cell, color: r == c ? .gray(0.85) : color(values[r][c]))
      }
    }
    if let labels, n > 0 {
      for (k, name) in labels.enumerated() {
        canvas.drawHaloText(name, at: Point(x: -0.25, y: Double(n - 1 - k) + 0.5), size: 6, color: .black, bold: false)
        canvas.drawHaloText(name, at: Point(x: Double(k) + 0.5, y: Double(n) + 0.25), size: 6, color: .black, bold: false)
      }
    }
  }
}
