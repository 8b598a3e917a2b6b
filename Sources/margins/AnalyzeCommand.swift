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
    abstract:
      "Angle statistics of embeddings of any dimension: ArcFace Table 3, target angles, pair angles and ROC, class-angle matrix, PCA and plane views.",
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

  @Option(
    help: "Where the JSON goes: a path, or - for stdout (the summary then goes to stderr). Default: beside the figures."
  )
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
      throw ValidationError(
        "--drop-nonfinite does not apply to a .npy features file (it is memory-mapped, never copied); remove the rows first"
      )
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
      progress.prefix =
        files.count > 1
        ? "\((path as NSString).lastPathComponent) (\(index + 1)/\(files.count))" : (path as NSString).lastPathComponent
      var readOptions = input.readOptions
      readOptions.labelsPath = path.lowercased().hasSuffix(".npy") ? remainingLabels.popFirst() : nil
      let (file, notes) = try AnalysisInputReader.read(path, options: readOptions)
      for note in notes { Diagnostics.note("\(path): \(note)") }
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
      let drawing = AnalysisFigures(
        inputs: inputs, analyses: analyses, palette: Self.palette(output.palette), plane: options.plane)
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
    text.line(
      "\(f.path)\(f.epoch.map { " epoch \($0)" } ?? ""): D = \(f.dimension), \(f.classCount) classes; class directions: \(f.classDirections)"
    )
    if let w = f.weightAngles {
      text.line(
        "  class weights: nearest other weight \(deg(w.meanNearestDegrees)) on average, closest \(pairList(w.closestPairs))"
      )
    }
    for s in f.splits {
      text.line("  \(s.name) (\(s.rows) rows):")
      let t = s.table3
      text.line(
        "    ArcFace Table 3: W-EC \(deg(t.wEC)), W-Inter \(deg(t.wInter)), Intra \(deg(t.intra)), Inter \(deg(t.inter))\(t.wEC == nil ? " (no class weights: W-EC and W-Inter need W)" : "")"
      )
      let a = s.targetAngles
      text.line(
        "    angle to own \(a.reference): mean \(deg(a.mean)), median \(deg(a.median)), beyond 90°: \(pct(a.shareBeyond90))"
      )
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
        text.line(
          "    plane of \(pl.names[0]) and \(pl.names[1]) (\(pl.spannedBy), \(deg(pl.angleBetweenDegrees)) apart): mean in-plane length \(String(format: "%.3f", pl.meanInPlaneLength))"
        )
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
