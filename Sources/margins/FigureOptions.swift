import ArgumentParser
import CairoBackend
import CairoGraphics
import Checkpoints
import FileFormats
import Figures
import Foundation
import PlotKit
import Training

enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
  case png
  case svg
  case pdf

  init?(argument: String) {
    self.init(rawValue: argument.trimmingCharacters(in: .whitespaces).lowercased())
  }
}

/// `--format png,svg`: a comma list, case-insensitive; empty is an error.
struct OutputFormats: ExpressibleByArgument {
  let formats: [OutputFormat]

  init?(argument: String) {
    let parts = argument.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let parsed = parts.compactMap(OutputFormat.init(argument:))
    guard !argument.trimmingCharacters(in: .whitespaces).isEmpty, parsed.count == parts.count else { return nil }
    formats = parsed
  }

  var defaultValueDescription: String { formats.map(\.rawValue).joined(separator: ",") }
  static var allValueStrings: [String] { OutputFormat.allCases.map(\.rawValue) }
  static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}

enum SplitOption: String, CaseIterable, ExpressibleByArgument {
  case train, test, both, overlay

  var choices: [CheckpointViews.SplitChoice] {
    switch self {
    case .train: [.train]
    case .test: [.test]
    case .both, .overlay: [.train, .test]
    }
  }
}

enum ShareLimitsOption: String, CaseIterable, ExpressibleByArgument {
  case none, rows, columns, all

  var sharing: Figure.LimitSharing {
    switch self {
    case .none: .independent
    case .rows: .rows
    case .columns: .columns
    case .all: .all
    }
  }
}

enum LegendOption: String, CaseIterable, ExpressibleByArgument {
  case right, bottom, none

  var position: FigureStyle.LegendPosition { FigureStyle.LegendPosition(rawValue: rawValue)! }
}

extension Palette: ExpressibleByArgument {
  public init?(argument: String) {
    guard let palette = Palette.all.first(where: { $0.name == argument.lowercased() }) else { return nil }
    self = palette
  }

  public static var allValueStrings: [String] { Palette.all.map(\.name) }
  public static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
  public var defaultValueDescription: String { name }
}

extension CheckpointFigureKind: ExpressibleByArgument {}
extension PointMode: ExpressibleByArgument {}

/// A length: `6.5in`, `16.5cm`, `1200px` (at the PNG DPI) or a bare number of inches.
struct Length: ExpressibleByArgument, CustomStringConvertible {
  enum Unit: String { case inch = "in", cm, px, pt }
  let value: Double
  let unit: Unit

  init?(argument: String) {
    let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
    let unitText = text.drop { $0.isNumber || $0 == "." }
    guard let value = Double(text.dropLast(unitText.count)), value > 0, value.isFinite else { return nil }
    guard let unit = unitText.isEmpty ? .inch : Unit(rawValue: String(unitText)) else { return nil }
    self.value = value
    self.unit = unit
  }

  init(inches: Double) {
    value = inches
    unit = .inch
  }

  /// The length in points (1/72 in); pixels are converted at `dpi`.
  func points(dpi: Double) -> Double {
    switch unit {
    case .inch: value * 72
    case .cm: value / 2.54 * 72
    case .pt: value
    case .px: value / dpi * 72
    }
  }

  var description: String { "\(value)\(unit.rawValue)" }
}

/// `--xlim -10,10`: finite, at most 1e15 in magnitude, and wider than a billionth of their size.
struct LimitsOption: ExpressibleByArgument {
  let range: AxisRange
  static let largestLimit = 1e15

  init?(argument: String) {
    let parts = argument.split(separator: ",").map {
      Double($0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "−", with: "-"))
    }
    guard parts.count == 2, let lo = parts[0], let hi = parts[1], lo < hi else { return nil }
    // Points are mapped through (x − lo) / (hi − lo) to device pixels: limits this wide or this
    // narrow for their size overflow that mapping.
    let magnitude = max(abs(lo), abs(hi))
    guard magnitude <= Self.largestLimit, hi - lo >= magnitude * 1e-9, hi - lo >= 1e-30 else { return nil }
    range = AxisRange(lo, hi)
  }
}

/// Output and layout options shared by `plot` and `render`; every one in force is recorded in the
/// figure's provenance JSON.
struct FigureOutputOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Comma-separated formats: png, svg, pdf (case-insensitive; default png,svg, or the extension of -o).",
      valueName: "formats"))
  var format: OutputFormats?

  @Option(
    name: [.customShort("o"), .customLong("output")],
    help: ArgumentHelp(
      "The file to write; its extension (.png, .svg, .pdf; .gif with --animate) is the format. The provenance .json goes beside it.",
      valueName: "file"),
    completion: .file(extensions: ["png", "svg", "pdf", "gif"]))
  var outputFile: String?

  @Option(
    help: ArgumentHelp(
      "Output directory (default: the current directory; the repository's figures/ for --figure). A name ending in .png/.svg/.pdf is taken as -o.",
      valueName: "dir"),
    completion: .directory)
  var out: String?

  @Option(help: "File name without extension, in --out (default: derived from the inputs and kind).")
  var name: String?

  @Option(parsing: .unconditional, help: "PNG resolution (dots per inch).")
  var dpi: Double = 150

  @Option(help: "Figure width: 6.5in, 16cm, 1200px (at --dpi) or inches. Default 6.5in, a report's text width.")
  var width = Length(inches: 6.5)

  @Option(
    parsing: .unconditional,
    help: "Base font size in points; ticks and captions are 7/8 of it, titles larger (default 8: 7 pt ticks).")
  var fontSize: Double = FigureStyle.defaultFontSize

  @Option(
    help: "Font family for all text but the caption (a family fontconfig does not know falls back, with a warning).")
  var fontFamily = "DejaVu Sans"

  @Option(help: "Panels per row (panels flow file by file, row by row); default one column per file.")
  var columns: Int?

  @Option(help: "Panel titles in reading order, separated by '|' (an empty item keeps that panel's title).")
  var titles: String?

  @Flag(help: "Leave out the caption (data, epoch, seed, code version).")
  var noCaption = false

  @Option(help: "Shared legend: right, bottom or none (default: the figure's own, right for most).")
  var legend: LegendOption?

  @Option(parsing: .unconditional, help: "Explicit x limits of every panel, e.g. -50,50.")
  var xlim: LimitsOption?

  @Option(parsing: .unconditional, help: "Explicit y limits of every panel, e.g. -50,50.")
  var ylim: LimitsOption?

  @Option(
    help: ArgumentHelp(
      "Palette: \(Palette.all.map(\.name).joined(separator: ", ")) (default: \(Palette.colorBlindSafe.name); a paper figure's own colours with --figure).",
      valueName: "palette"))
  var palette: Palette?

  @Option(help: "How SVG/PDF draw points: raster (an embedded image; small) or vector (one path per class).")
  var pointMode: PointMode = .raster

  @Option(parsing: .unconditional, help: "Resolution of the point image embedded in SVG/PDF (dots per inch).")
  var rasterDpi: Double = 200

  @Option(
    help:
      "Share axis limits: none, rows, columns or all (default: the panels of one file share theirs; a paper figure's own)."
  )
  var shareLimits: ShareLimitsOption?

  @Flag(help: "Label each class at its median feature.")
  var classLabels = false

  @Option(
    help:
      "Compact layout for narrow widths (shorter titles, ticks on outer panels, legend below): auto (when panels would be too narrow; paper figures), always, never (default for your own files)."
  )
  var compact: Figure.CompactMode?

  func validate() throws {
    guard dpi >= 10 && dpi <= 1200 else { throw ValidationError("--dpi must be in 10...1200, got \(dpi)") }
    guard rasterDpi >= 10 && rasterDpi <= 1200 else {
      throw ValidationError("--raster-dpi must be in 10...1200, got \(rasterDpi)")
    }
    guard fontSize >= 4 && fontSize <= 40 else {
      throw ValidationError("--font-size must be in 4...40 pt, got \(fontSize)")
    }
    if let columns, columns < 1 { throw ValidationError("--columns must be at least 1, got \(columns)") }
    if let columns, columns > 64 { throw ValidationError("--columns must be at most 64, got \(columns)") }
    let widthPixels = width.points(dpi: dpi) * max(dpi, rasterDpi) / 72
    guard widthPixels <= Double(Self.maximumPixelsPerSide) else {
      throw ValidationError(
        "--width \(width) is \(Int(widthPixels)) pixels at \(Int(max(dpi, rasterDpi))) dpi; a figure may be at most \(Self.maximumPixelsInWords) a side (lower --width, --dpi or --raster-dpi)"
      )
    }
    if let name, let problem = OutputNames.problem(with: name) {
      throw ValidationError("--name '\(name.replacingOccurrences(of: "\0", with: "\\0"))': \(problem)")
    }
    for (option, value) in [("-o", outputFile), ("--out", out)] {
      if let value, let problem = OutputNames.pathProblem(value) {
        throw ValidationError("\(option) '\(value.replacingOccurrences(of: "\0", with: "\\0"))': \(problem)")
      }
    }
    if let file = fileTarget {
      let ext = (file as NSString).pathExtension.lowercased()
      guard ["png", "svg", "pdf", "gif"].contains(ext) else {
        throw ValidationError(
          "-o \(file): the extension names the format; use .png, .svg or .pdf (.gif with --animate)")
      }
      if outputFile != nil, out != nil { throw ValidationError("give -o FILE or --out DIR, not both") }
      if name != nil { throw ValidationError("--name applies to --out DIR; -o \(file) already names the file") }
      let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
      if let problem = OutputNames.problem(with: stem) { throw ValidationError("-o \(file): the file name \(problem)") }
      if let format, format.formats.map(\.rawValue) != [ext] {
        throw ValidationError(
          "-o \(file) writes \(ext); --format \(format.defaultValueDescription) contradicts it (drop --format, or use --out DIR)"
        )
      }
    }
  }

  static let figureExtensions = ["png", "svg", "pdf", "gif"]

  /// The file named by -o, or by an --out that ends in a figure extension (never made a directory).
  var fileTarget: String? {
    if let outputFile { return outputFile }
    if let out, Self.figureExtensions.contains((out as NSString).pathExtension.lowercased()) { return out }
    return nil
  }

  var resolvedPalette: Palette { palette ?? .colorBlindSafe }

  /// Where to write: the path without extension, and the formats (from -o's extension, --format, or png and svg).
  func destination(defaultDirectory: String, defaultName: String) -> (base: String, formats: [OutputFormat]) {
    if let file = fileTarget {
      let ext = (file as NSString).pathExtension.lowercased()
      return ((file as NSString).deletingPathExtension, OutputFormat(rawValue: ext).map { [$0] } ?? [])
    }
    let directory = out ?? defaultDirectory
    let file = name ?? OutputNames.sanitized(defaultName)
    let base = directory == "." ? file : (directory as NSString).appendingPathComponent(file)
    return (base, format?.formats ?? [.png, .svg])
  }

  /// For an animation: the GIF's path without extension; a still format asked for is an error.
  func animationDestination(defaultDirectory: String, defaultName: String) throws -> String {
    if let format {
      throw ValidationError(
        "--animate writes a GIF; --format \(format.defaultValueDescription) does not apply (drop it, or give -o NAME.gif)"
      )
    }
    if let file = fileTarget {
      guard (file as NSString).pathExtension.lowercased() == "gif" else {
        throw ValidationError(
          "--animate writes a GIF; -o \(file) names another format (use -o \(((file as NSString).deletingPathExtension)).gif)"
        )
      }
      return (file as NSString).deletingPathExtension
    }
    return destination(defaultDirectory: defaultDirectory, defaultName: defaultName).base
  }

  /// A still figure asked for as a GIF is an error (only --animate writes GIFs).
  func refuseGIF() throws {
    if let file = fileTarget, (file as NSString).pathExtension.lowercased() == "gif" {
      throw ValidationError("-o \(file): only --animate writes a GIF; use .png, .svg or .pdf")
    }
  }

  nonisolated(unsafe) private static var fontChecked = false

  /// Warns once, as matplotlib's findfont does, when fontconfig has no such family (Cairo would
  /// silently draw another).
  func warnAboutUnknownFont() {
    guard !Self.fontChecked else { return }
    Self.fontChecked = true
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["fc-list", ":family=\(fontFamily)", "family"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return }
    if String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
      Diagnostics.warning(
        "font family '\(fontFamily)' not found (fc-list knows no such family); text falls back to the default sans-serif face"
      )
    }
  }

  /// `figure` with the layout options applied: width, fonts, legend, caption, columns, titles,
  /// limits, shared limits and palette. More titles than panels, or a palette on a figure whose
  /// colours no palette governs, is an error.
  /// - Parameter recolour: false where the palette was already drawn in (checkpoint figures, animations).
  func apply(to figure: Figure, recolour: Bool = true) throws -> Figure {
    warnAboutUnknownFont()
    var f = columns.map { figure.reflowed(columns: $0) } ?? figure
    if let compact { f.compactMode = compact }
    if let shareLimits { f.limitSharing = shareLimits.sharing }
    if let palette, recolour {
      guard let recoloured = f.recoloured(palette) else {
        throw ValidationError(
          "--palette \(palette.name) cannot recolour this figure (its colours are fixed: sphere scenes or curves); leave --palette out"
        )
      }
      f = recoloured
    }
    f.width = width.points(dpi: dpi)
    f.style.fontSize = fontSize
    f.style.fontFamily = fontFamily
    if let legend { f.style.legend = legend.position }
    f.style.showsCaption = !noCaption
    if let titles {
      let list = titles.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
      let panelCount = f.panels.compactMap { $0 }.count
      guard list.count <= panelCount else {
        throw ValidationError(
          "--titles has \(list.count) items but the figure has \(panelCount) panel\(panelCount == 1 ? "" : "s")")
      }
      var k = 0
      for i in f.panels.indices where f.panels[i] != nil {
        if k < list.count, !list[k].isEmpty { f.panels[i]?.title = list[k] }
        k += 1
      }
    }
    if xlim != nil || ylim != nil {
      let resolved = f.resolvedLimits()
      for i in f.panels.indices {
        guard var panel = f.panels[i], let current = resolved[i] else { continue }
        panel.limits = .exactly(AxisLimits(x: xlim?.range ?? current.x, y: ylim?.range ?? current.y))
        f.panels[i] = panel
      }
    }
    return f
  }

  /// Every option in force for `figure` (as `apply` left it), for the provenance JSON.
  func record(_ figure: Figure, _ extra: [String: JSONValue] = [:]) -> [String: JSONValue] {
    var o: [String: JSONValue] = [
      "dpi": .number(dpi),
      "width": .string(width.description), "widthPoints": .number(width.points(dpi: dpi)),
      "fontSize": .number(fontSize), "fontFamily": .string(fontFamily), "legend": .string(figure.style.legend.rawValue),
      "caption": .bool(!noCaption),
      "palette": .string(figure.caption.first { $0.key == "palette" }?.value ?? resolvedPalette.name),
      "pointMode": .string(pointMode.rawValue),
      "rasterDpi": .number(rasterDpi), "shareLimits": .string(Self.sharingName(figure.limitSharing)),
      "classLabels": .bool(classLabels), "compact": .string(figure.compactMode.rawValue),
    ]
    o["format"] = .array(destination(defaultDirectory: ".", defaultName: "x").formats.map { .string($0.rawValue) })
    o["columns"] = columns.map { .number(Double($0)) } ?? .null
    o["titles"] = titles.map(JSONValue.string) ?? .null
    o["xlim"] = xlim.map { .array([.number($0.range.lower), .number($0.range.upper)]) } ?? .null
    o["ylim"] = ylim.map { .array([.number($0.range.lower), .number($0.range.upper)]) } ?? .null
    // The code that drew the figure (each panel's `codeVersion` is the code that trained its run):
    // a commit, or "... with uncommitted changes (tree ...)" when drawn from a dirty tree.
    o["renderCode"] = .string(CodeVersion.current)
    return o.merging(extra) { $1 }
  }

  /// Makes the directory `path` sits in. Not NSString.deletingLastPathComponent: Foundation on
  /// Linux crashes on a one-character path such as "s".
  static func createParent(of path: String) throws {
    guard let slash = path.lastIndex(of: "/") else { return }
    let directory = String(path[..<slash])
    // FileBytes' sentences, not Foundation's ("… couldn't be saved because …").
    if !directory.isEmpty { try FileBytes.createDirectories(directory) }
  }

  static func sharingName(_ sharing: Figure.LimitSharing) -> String {
    switch sharing {
    case .independent: "none"
    case .rows: "rows"
    case .columns: "columns"
    case .all: "all"
    }
  }

  /// Cairo's image surfaces stop at 32,767 pixels a side.
  static let maximumPixelsPerSide = 32767
  /// "32,767 pixels", as the refusals say it.
  static let maximumPixelsInWords = String(
    format: "%d,%03d pixels", maximumPixelsPerSide / 1000, maximumPixelsPerSide % 1000)

  /// The largest image drawn in memory (a PNG, or the point image of an SVG or PDF): 64 million
  /// pixels, 256 MB of RGBA, checked before anything is allocated.
  static let maximumPixels = 64 << 20

  /// Refuses an image of `width` × `height` pixels over the caps, naming the option to change.
  static func checkPixels(_ width: Double, _ height: Double, what: String, dpi: Double, option: String) throws {
    let w = Int(min(width.rounded(.up), 1e9)), h = Int(min(height.rounded(.up), 1e9))
    if max(w, h) > maximumPixelsPerSide || w * h > maximumPixels {
      throw ValidationError(
        "the \(what) would be \(w) × \(h) pixels at \(Int(dpi)) dpi, more than the \(maximumPixelsPerSide) pixels a side "
          + "and 64 million pixels in all that are drawn; lower \(option) or --width, or draw fewer panels")
    }
  }

  /// Writes `figure` in every format, then the provenance JSON beside it.
  /// - Parameter inputs: the files the figure was read from; none of them is ever written over.
  func write(
    _ figure: Figure, to base: String, formats: [OutputFormat], provenance: Data, maximumRasterDPI: Double = .infinity,
    inputs: [String] = []
  ) throws {
    let rasterDPI = min(rasterDpi, maximumRasterDPI)
    let layout = try figure.layout()
    if formats.contains(.png) {
      try Self.checkPixels(layout.width * dpi / 72, layout.height * dpi / 72, what: "PNG", dpi: dpi, option: "--dpi")
    }
    if pointMode == .raster, formats.contains(where: { $0 != .png }) {
      try Self.checkPixels(
        layout.width * rasterDPI / 72, layout.height * rasterDPI / 72, what: "point image of the SVG/PDF",
        dpi: rasterDPI, option: "--raster-dpi")
    }
    try OutputNames.refuseOverwriting(formats.map { base + "." + $0.rawValue } + [base + ".json"], inputs: inputs)
    try Self.createParent(of: base)
    OutputNames.removeStaleTemporaryFiles(besides: base)
    for format in formats {
      let path = base + "." + format.rawValue
      switch format {
      case .png: try figure.renderImage(dpi: dpi).writePNG(to: path, dotsPerInch: dpi)
      case .svg: try figure.writeSVG(to: path, pointMode: pointMode, rasterDPI: rasterDPI)
      case .pdf: try figure.writePDF(to: path, pointMode: pointMode, rasterDPI: rasterDPI)
      }
      print("wrote \(path)")
    }
    try AtomicFile.write([UInt8](provenance), to: base + ".json")
  }
}

extension Figure.CompactMode: ExpressibleByArgument {
  public init?(argument: String) {
    switch argument.lowercased() {
    case "auto", "automatic": self = .automatic
    case "always": self = .always
    case "never": self = .never
    default: return nil
    }
  }

  public static var allValueStrings: [String] { ["auto", "always", "never"] }
}
