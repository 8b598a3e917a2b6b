import ArgumentParser
import Checkpoints
import FileFormats
import Figures
import Foundation

extension CheckpointFigureKind: ExpressibleByArgument {}
extension PointMode: ExpressibleByArgument {}

enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
  case png
  case svg
  case pdf
}

struct RenderCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "render",
    abstract: "Draw figures from feature checkpoints (never retrains).",
    discussion: """
      Each CHECKPOINT is an epoch-NNN.npz or .json file, or a run directory (its latest epoch). \
      One column per checkpoint; scatter, circle, sectors and rose have one row per split. \
      Next to each figure a .json file records the checkpoints, seeds, settings, dataset checksum \
      and code version it was drawn from.
      """)

  @Argument(help: "Checkpoints to draw (files or run directories).")
  var checkpoints: [String] = []

  @Option(help: "Draw a named paper figure instead (see --list-figures), or 'all'.")
  var figure: String?

  @Flag(help: "List the named paper figures and the runs each needs.")
  var listFigures = false

  @Option(help: "Root directory of the runs (for --figure).")
  var runsDir = "runs/default"

  @Option(help: "What to draw: \(CheckpointFigureKind.allCases.map(\.rawValue).joined(separator: ", ")).")
  var kind: CheckpointFigureKind = .scatter

  @Option(help: "Splits to show: train, test or both.")
  var split = "both"

  @Option(help: "Comma-separated formats: png, svg, pdf.")
  var format = "png,svg"

  @Option(help: "Output directory (default: figures/ for --figure, figures/adhoc otherwise).")
  var out: String?

  @Option(help: "File name without extension (default: derived from the checkpoints and kind).")
  var name: String?

  @Option(help: "PNG resolution (dots per inch).")
  var dpi: Double = 150

  @Option(help: "Palette: \(Palette.all.map(\.name).joined(separator: ", ")).")
  var palette = Palette.colorBlindSafe.name

  @Option(help: "How SVG/PDF draw points: raster (an embedded image; small) or vector (one path per class).")
  var pointMode: PointMode = .raster

  @Option(help: "Resolution of the point image embedded in SVG/PDF (dots per inch).")
  var rasterDpi: Double = 200

  @Option(help: "Share axis limits: none, rows, columns or all.")
  var shareLimits = "none"

  @Flag(help: "Label each class at its median feature.")
  var classLabels = false

  func validate() throws {
    if let figure, figure != "all", PaperFigure.named(figure) == nil {
      throw ValidationError("no figure named '\(figure)'; figures: \(PaperFigure.all.map(\.name).joined(separator: ", ")), all")
    }
    guard !checkpoints.isEmpty || figure != nil || listFigures else {
      throw ValidationError("give at least one checkpoint, or --figure NAME")
    }
    guard ["train", "test", "both"].contains(split) else { throw ValidationError("--split must be train, test or both, got '\(split)'") }
    guard dpi >= 10 && dpi <= 1200 else { throw ValidationError("--dpi must be in 10...1200, got \(dpi)") }
    guard rasterDpi >= 10 && rasterDpi <= 1200 else {
      throw ValidationError("--raster-dpi must be in 10...1200, got \(rasterDpi)")
    }
    guard Palette.all.contains(where: { $0.name == palette }) else {
      throw ValidationError("--palette must be one of \(Palette.all.map(\.name).joined(separator: ", ")), got '\(palette)'")
    }
    guard ["none", "rows", "columns", "all"].contains(shareLimits) else {
      throw ValidationError("--share-limits must be none, rows, columns or all, got '\(shareLimits)'")
    }
    _ = try formats()
  }

  func formats() throws -> [OutputFormat] {
    try format.split(separator: ",").map { text in
      guard let format = OutputFormat(rawValue: String(text).trimmingCharacters(in: .whitespaces)) else {
        throw ValidationError("--format takes png, svg and pdf, got '\(text)'")
      }
      return format
    }
  }

  func run() throws {
    if listFigures {
      for figure in PaperFigure.all {
        print("\(figure.name): \(figure.summary)")
        if !figure.runs.isEmpty { print("    runs: \(figure.runs.map(\.description).joined(separator: ", "))") }
      }
      return
    }
    if let figure {
      let figures = figure == "all" ? PaperFigure.all : PaperFigure.named(figure).map { [$0] } ?? []
      for paperFigure in figures { try renderPaperFigure(paperFigure) }
      return
    }
    let loaded = try checkpoints.map(CheckpointReader.read)
    let runDirectories = try checkpoints.map { path in
      (try CheckpointReader.metadataPath(for: path) as NSString).deletingLastPathComponent
    }
    var options = CheckpointFigureOptions()
    options.splits = split == "both" ? [.train, .test] : [split == "train" ? .train : .test]
    options.palette = Palette.all.first { $0.name == palette } ?? .colorBlindSafe
    options.showsClassLabels = classLabels
    options.limitSharing = ["rows": .rows, "columns": .columns, "all": .all][shareLimits] ?? .independent
    let figure = try Figure.checkpointFigure(kind, checkpoints: loaded, runDirectories: runDirectories, options: options)
    let base = ((out ?? "figures/adhoc") as NSString).appendingPathComponent(name ?? defaultName(loaded))
    try write(figure, to: base)
    try AtomicFile.write(CheckpointViews.provenance(loaded.map(\.metadata), paths: checkpoints), to: base + ".json")
  }

  /// Renders a named figure from the runs under `--runs-dir`, with a provenance file next to it.
  private func renderPaperFigure(_ paperFigure: PaperFigure) throws {
    let source = CheckpointSource(runsRoot: runsDir)
    let base = ((out ?? "figures") as NSString).appendingPathComponent(name ?? paperFigure.name)
    try write(try paperFigure.figure(from: source), to: base, rasterDPI: min(rasterDpi, paperFigure.maximumRasterDPI))
    let checkpoints = try paperFigure.runs.map { reference -> (CheckpointMetadata, String) in
      let run = source.directory(reference)
      let epoch = run.latestEpoch() ?? run.savedEpochs().last ?? 0
      return (try run.readMetadata(epoch: epoch), run.featuresPath(epoch: epoch))
    }
    var provenance = CheckpointViews.provenance(checkpoints.map(\.0), paths: checkpoints.map(\.1))
    if checkpoints.isEmpty {
      provenance = Data("{\n  \"panels\" : [],\n  \"source\" : \"margin math only (no checkpoints)\"\n}".utf8)
    }
    try AtomicFile.write(provenance, to: base + ".json")
  }

  private func write(_ figure: Figure, to base: String, rasterDPI: Double? = nil) throws {
    let rasterDPI = rasterDPI ?? rasterDpi
    try FileManager.default.createDirectory(
      atPath: (base as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    for format in try formats() {
      let path = base + "." + format.rawValue
      switch format {
      case .png: try figure.writePNG(to: path, dpi: dpi)
      case .svg: try figure.writeSVG(to: path, pointMode: pointMode, rasterDPI: rasterDPI)
      case .pdf: try figure.writePDF(to: path, pointMode: pointMode, rasterDPI: rasterDPI)
      }
      print("wrote \(path)")
    }
  }

  private func defaultName(_ loaded: [FeatureCheckpoint]) -> String {
    let first = loaded[0].metadata
    let runs = loaded.count == 1 ? "\(first.run)-e\(first.epoch)" : "\(loaded.count)runs"
    return "\(first.experiment)-\(runs)-\(kind.rawValue)"
  }
}

struct MetricsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "metrics",
    abstract: "Print a checkpoint's accuracies and feature geometry (angles, margins, norms).")

  @Argument(help: "Checkpoints (epoch-NNN.npz/.json files or run directories).")
  var checkpoints: [String]

  func run() throws {
    for path in checkpoints {
      let checkpoint = try CheckpointReader.read(path)
      let m = checkpoint.metadata
      print("\(m.experiment)/\(m.run) epoch \(m.epoch)/\(m.plannedEpochs) (\(m.profile) profile, \(m.network.architecture), seed \(m.seed))")
      print("  loss \(m.loss.rawValue) (\(CheckpointViews.lossLabel(m))), λ \(String(format: "%.4g", m.lambda)), margin \(String(format: "%.4g", m.margin))")
      print(String(format: "  accuracy: test %.2f%%, train %.2f%%, train under the margin rule %.2f%%",
                   100 * m.accuracy.test, 100 * m.accuracy.train, 100 * m.accuracy.trainMarginRule))
      for split in ["train", "test"] {
        // Every checkpoint the trainer writes stores its metrics; recompute only for ones that lack them.
        let metrics = m.metrics[split] ?? FeatureMetrics(
          features: split == "train" ? checkpoint.trainFeatures : checkpoint.testFeatures,
          labels: (split == "train" ? checkpoint.trainLabels : checkpoint.testLabels).map(Int.init),
          classWeights: checkpoint.classWeights, dimension: checkpoint.dimension,
          accuracy: split == "train" ? m.accuracy.train : m.accuracy.test)
        print("  \(split):")
        print(String(format: "    angle to own class weight: mean %.2f°; min angle between class weights %.2f°",
                     metrics.meanAngleToOwnWeightDegrees, metrics.minimumWeightAngleDegrees))
        if let margin = metrics.achievedMarginDegrees {
          print(String(format: "    achieved angular margin (smallest gap between neighbouring classes' 90%% ranges): %.2f°", margin))
        }
        let n = metrics.featureNorms
        print(String(format: "    feature norm: mean %.3g, std %.3g, min %.3g, max %.3g", n.mean, n.standardDeviation, n.minimum, n.maximum))
        let perClass = metrics.perClass.enumerated().map { c, a in
          String(format: "%@ %.1f±%.1f°", m.classNames[c], a.meanDegrees, a.standardDeviationDegrees)
        }
        print("    per class (mean±std angle): " + perClass.joined(separator: ", "))
      }
    }
  }
}
