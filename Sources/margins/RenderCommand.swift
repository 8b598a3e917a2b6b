import ArgumentParser
import Checkpoints
import FileFormats
import Figures
import Foundation
import FigureAnimation
import PlotKit

struct RenderCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "render",
    abstract: "Draw the named paper figures, or figures from checkpoints (never retrains).",
    discussion: """
      With --figure NAME, draws a paper figure from the runs under --runs-dir (the runs each figure \
      needs are declared in experiments/*.json). With CHECKPOINT arguments, draws them exactly as \
      `margins plot` does (a checkpoint is one kind of embedding file). Next to each figure a .json \
      file records its inputs, what was computed from them and every option in force.
      """)

  @Argument(help: "Checkpoints to draw (files or run directories); use `margins plot` for other files.")
  var checkpoints: [String] = []

  @Option(
    help: ArgumentHelp("Draw a named paper figure instead (see --list-figures), or 'all'.", valueName: "name"),
    completion: .list(PaperFigureCatalog.names + ["all"]))
  var figure: String?

  @Flag(help: "List the named paper figures and the runs each needs.")
  var listFigures = false

  @Option(
    help: ArgumentHelp(
      "Root directory of the runs (for --figure; default: runs/default in the repository).", valueName: "dir"),
    completion: .directory)
  var runsDir: String?

  @Option(
    help: ArgumentHelp(
      "Directory of the experiment files that declare the runs (for --figure; default: experiments/ of the repository holding the current directory).",
      valueName: "dir"),
    completion: .directory)
  var experimentsDir: String?

  @Option(
    help: "What to draw from checkpoints: \(CheckpointFigureKind.allCases.map(\.rawValue).joined(separator: ", ")).")
  var kind: CheckpointFigureKind?

  @Option(help: "Splits to show from checkpoints: train, test or both.")
  var split: SplitOption?

  @Flag(
    help:
      "Name the class-weight arrows of sphere views (paper figures and animations; off: the AM-Softmax paper's clean look)."
  )
  var weightLabels = false

  @OptionGroup var output: FigureOutputOptions

  @OptionGroup var animation: AnimationOptions

  func validate() throws {
    let modes = [!checkpoints.isEmpty, figure != nil, listFigures].filter { $0 }.count
    guard modes == 1 else {
      throw ValidationError("give exactly one of: checkpoints, --figure NAME, --list-figures")
    }
    if let figure, figure != "all", PaperFigureCatalog.named(figure) == nil {
      throw ValidationError(
        "no figure named '\(figure)'; figures: \(PaperFigureCatalog.names.joined(separator: ", ")), all")
    }
    if weightLabels && figure == nil {
      throw ValidationError("--weight-labels applies to --figure (the paper figures' and animations' sphere views)")
    }
    if figure != nil || listFigures {
      if kind != nil { throw ValidationError("--kind applies to checkpoints; a paper figure has its own panels") }
      if split != nil { throw ValidationError("--split applies to checkpoints; a paper figure has its own panels") }
      if output.classLabels { throw ValidationError("--class-labels applies to checkpoints, not to --figure") }
      if figure == "all", output.fileTarget != nil {
        throw ValidationError("--figure all writes many files; use --out DIR, not -o FILE")
      }
    }
    if let name = figure, case .animation? = PaperFigureCatalog.named(name) {
      _ = try output.animationDestination(defaultDirectory: ".", defaultName: name)
    } else if animation.animate {
      _ = try output.animationDestination(defaultDirectory: ".", defaultName: "x")
    } else {
      try output.refuseGIF()
    }
  }

  /// The repository holding the current directory (or the executable): the first ancestor with an
  /// experiments/ directory beside Package.swift, and whether the current directory is inside it.
  static func repositoryRoot() -> (path: String, holdsWorkingDirectory: Bool)? {
    var starts = [(FileManager.default.currentDirectoryPath, true)]
    if let executable = Bundle.main.executablePath {
      starts.append(((executable as NSString).deletingLastPathComponent, false))
    }
    for (start, isWorkingDirectory) in starts {
      var directory = URL(fileURLWithPath: start).standardizedFileURL
      while true {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(
          atPath: directory.appendingPathComponent("experiments").path, isDirectory: &isDirectory),
          isDirectory.boolValue,
          FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path)
        {
          return (directory.path, isWorkingDirectory)
        }
        let parent = directory.deletingLastPathComponent()
        if parent.path == directory.path { break }
        directory = parent
      }
    }
    return nil
  }

  /// --experiments-dir, --runs-dir and the figures directory, resolved against the repository when not given.
  func locations() throws -> (experiments: String, runs: String, figures: String) {
    if let experimentsDir, let runsDir { return (experimentsDir, runsDir, "figures") }
    guard let (root, holdsWorkingDirectory) = Self.repositoryRoot() else {
      throw ValidationError(
        "no experiments/ directory in \(FileManager.default.currentDirectoryPath) or any parent (nor beside the executable): run from the repository, or give --experiments-dir DIR and --runs-dir DIR"
      )
    }
    func inRoot(_ p: String) -> String {
      root == FileManager.default.currentDirectoryPath ? p : (root as NSString).appendingPathComponent(p)
    }
    // Found through the executable from elsewhere: read the repository's runs, but write here, never
    // into a checkout the user is not working in.
    return (
      experimentsDir ?? inRoot("experiments"), runsDir ?? inRoot("runs/default"),
      holdsWorkingDirectory ? inRoot("figures") : "."
    )
  }

  func run() throws {
    if listFigures || figure != nil {
      let places = try locations()
      let source = try CheckpointSource(runsRoot: places.runs, experimentsDirectory: places.experiments)
      if listFigures {
        for entry in PaperFigureCatalog.all {
          let gif = entry.embeddedExtension == "gif" ? " (GIF)" : ""
          print("\(entry.name)\(gif): \(entry.summary)")
          let runs = try entry.runs(in: source)
          if !runs.isEmpty { print("    runs: \(runs.map(\.description).joined(separator: ", "))") }
        }
        return
      }
      let entries = figure == "all" ? PaperFigureCatalog.all : PaperFigureCatalog.named(figure!).map { [$0] } ?? []
      // With `--figure all`, --format names the stills' formats: the animations are GIFs.
      var gifOutput = output
      if figure == "all" { gifOutput.format = nil }
      for entry in entries {
        switch entry {
        case .still(let paperFigure):
          try render(paperFigure, source: source, runsDir: places.runs, figuresDirectory: places.figures)
        case .animation(let paperAnimation):
          try animation.write(
            paperAnimation, source: source, output: gifOutput, defaultDirectory: places.figures,
            weightLabels: weightLabels)
        }
      }
      return
    }
    if animation.animate {
      return try animation.writeAnimation(
        checkpoints, kind: kind, split: split?.choices, output: output, defaultDirectory: ".")
    }
    let embeddings = try checkpoints.map { try EmbeddingReader.read($0) }
    try PlotCommand.draw(
      embeddings, kind: kind ?? PlotCommand.defaultKind(embeddings), split: split, output: output,
      defaultDirectory: ".", view: animation.view.choice,
      inputs: checkpoints)
  }

  /// Renders a named figure from the runs under `--runs-dir`, with a provenance file next to it.
  private func render(_ paperFigure: PaperFigure, source: CheckpointSource, runsDir: String, figuresDirectory: String)
    throws
  {
    let (base, formats) = output.destination(defaultDirectory: figuresDirectory, defaultName: paperFigure.name)
    let figureOptions = PaperFigureOptions(sphereWeightLabels: weightLabels, compact: output.compact ?? .automatic)
    let figure = try output.apply(to: try paperFigure.figure(from: source, options: figureOptions))
    let runs = try paperFigure.runs(in: source)
    let embeddings = try runs.map(source.latest)
    var options = output.record(
      figure, ["figure": .string(paperFigure.name), "runsDir": .string(runsDir), "weightLabels": .bool(weightLabels)])
    if runs.isEmpty { options["source"] = .string("margin math only (no checkpoints)") }
    try output.write(
      figure, to: base, formats: formats, provenance: CheckpointViews.provenance(embeddings, options: options),
      maximumRasterDPI: paperFigure.maximumRasterDPI)
  }
}
