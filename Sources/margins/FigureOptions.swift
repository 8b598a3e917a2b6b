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
}

enum SplitOption: String, CaseIterable, ExpressibleByArgument {
  case train, test, both

  var choices: [CheckpointViews.SplitChoice] {
    switch self {
    case .train: [.train]
    case .test: [.test]
    case .both: [.train, .test]
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

/// `--xlim -10,10`.
struct LimitsOption: ExpressibleByArgument {
  let range: AxisRange

  init?(argument: String) {
    let parts = argument.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "−", with: "-")) }
    guard parts.count == 2, let lo = parts[0], let hi = parts[1], lo < hi, lo.isFinite, hi.isFinite else { return nil }
    range = AxisRange(lo, hi)
  }
}

/// Output and layout options shared by `plot` and `render`; every one in force is recorded in the
/// figure's provenance JSON.
struct FigureOutputOptions: ParsableArguments {
  @Option(help: "Comma-separated formats: png, svg, pdf (case-insensitive).")
  var format = OutputFormats(argument: "png,svg")!

  @Option(help: "Output directory (default: figures/ for --figure, figures/adhoc otherwise).")
  var out: String?

  @Option(help: "File name without extension (default: derived from the inputs and kind).")
  var name: String?

  @Option(parsing: .unconditional, help: "PNG resolution (dots per inch).")
  var dpi: Double = 150

  @Option(help: "Figure width: 6.5in, 16cm, 1200px (at --dpi) or inches. Default 6.5in, a report's text width.")
  var width = Length(inches: 6.5)

  @Option(parsing: .unconditional, help: "Base font size in points; ticks and captions are 7/8 of it, titles larger (default 8: 7 pt ticks).")
  var fontSize: Double = FigureStyle.defaultFontSize

  @Option(help: "Font family for all text but the caption.")
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

  @Option(help: "Palette: \(Palette.all.map(\.name).joined(separator: ", ")).")
  var palette = Palette.colorBlindSafe

  @Option(help: "How SVG/PDF draw points: raster (an embedded image; small) or vector (one path per class).")
  var pointMode: PointMode = .raster

  @Option(parsing: .unconditional, help: "Resolution of the point image embedded in SVG/PDF (dots per inch).")
  var rasterDpi: Double = 200

  @Option(help: "Share axis limits: none, rows, columns or all.")
  var shareLimits: ShareLimitsOption = .none

  @Flag(help: "Label each class at its median feature.")
  var classLabels = false

  func validate() throws {
    guard dpi >= 10 && dpi <= 1200 else { throw ValidationError("--dpi must be in 10...1200, got \(dpi)") }
    guard rasterDpi >= 10 && rasterDpi <= 1200 else { throw ValidationError("--raster-dpi must be in 10...1200, got \(rasterDpi)") }
    guard fontSize >= 4 && fontSize <= 40 else { throw ValidationError("--font-size must be in 4...40 pt, got \(fontSize)") }
    if let columns, columns < 1 { throw ValidationError("--columns must be at least 1, got \(columns)") }
  }

  /// `figure` with the layout options applied: width, fonts, legend, caption, columns, titles, limits.
  func apply(to figure: Figure) -> Figure {
    var f = columns.map { figure.reflowed(columns: $0) } ?? figure
    f.width = width.points(dpi: dpi)
    f.style.fontSize = fontSize
    f.style.fontFamily = fontFamily
    if let legend { f.style.legend = legend.position }
    f.style.showsCaption = !noCaption
    if let titles {
      let list = titles.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
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
      "format": .array(format.formats.map { .string($0.rawValue) }), "dpi": .number(dpi),
      "width": .string(width.description), "widthPoints": .number(width.points(dpi: dpi)),
      "fontSize": .number(fontSize), "fontFamily": .string(fontFamily), "legend": .string(figure.style.legend.rawValue),
      "caption": .bool(!noCaption), "palette": .string(palette.name), "pointMode": .string(pointMode.rawValue),
      "rasterDpi": .number(rasterDpi), "shareLimits": .string(shareLimits.rawValue), "classLabels": .bool(classLabels),
    ]
    o["columns"] = columns.map { .number(Double($0)) } ?? .null
    o["titles"] = titles.map(JSONValue.string) ?? .null
    o["xlim"] = xlim.map { .array([.number($0.range.lower), .number($0.range.upper)]) } ?? .null
    o["ylim"] = ylim.map { .array([.number($0.range.lower), .number($0.range.upper)]) } ?? .null
    // The code that drew the figure (each panel's `codeVersion` is the code that trained its run):
    // a commit, or "... with uncommitted changes (tree ...)" when drawn from a dirty tree.
    o["renderCode"] = .string(CodeVersion.current)
    return o.merging(extra) { $1 }
  }

  /// Writes `figure` in every format, then the provenance JSON beside it.
  func write(_ figure: Figure, to base: String, provenance: Data, maximumRasterDPI: Double = .infinity) throws {
    let rasterDPI = min(rasterDpi, maximumRasterDPI)
    try FileManager.default.createDirectory(atPath: (base as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    for format in format.formats {
      let path = base + "." + format.rawValue
      switch format {
      case .png: try figure.writePNG(to: path, dpi: dpi)
      case .svg: try figure.writeSVG(to: path, pointMode: pointMode, rasterDPI: rasterDPI)
      case .pdf: try figure.writePDF(to: path, pointMode: pointMode, rasterDPI: rasterDPI)
      }
      print("wrote \(path)")
    }
    try AtomicFile.write([UInt8](provenance), to: base + ".json")
  }
}
