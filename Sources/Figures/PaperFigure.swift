import Experiments
import PlotKit

/// Which runs a paper figure draws, declared once.
public enum RunSelection: Sendable {
  /// No runs: a margin-math figure.
  case none
  /// Every run of an experiment file, in the file's order.
  case experiment(String)
  /// Particular runs, possibly from several experiments.
  case runs([RunReference])
}

/// One of the named figures `margins render --figure NAME` and `make figures` produce.
public struct PaperFigure: Sendable {
  /// The file stem under `figures/` (`lsoftmax-fig2` → `figures/lsoftmax-fig2.png`, `.svg`).
  public let name: String
  /// What the figure reproduces, for the report.
  public let summary: String
  public let selection: RunSelection
  /// The most a vector output's embedded point image may use, so the file stays under 2 MB.
  public let maximumRasterDPI: Double
  let build: @Sendable (CheckpointSource, [RunReference], PaperFigureOptions) throws -> Figure

  init(
    name: String, summary: String, runs: RunSelection, maximumRasterDPI: Double = 300,
    build: @escaping @Sendable (CheckpointSource, [RunReference], PaperFigureOptions) throws -> Figure
  ) {
    self.name = name
    self.summary = summary
    selection = runs
    self.maximumRasterDPI = maximumRasterDPI
    self.build = build
  }

  /// A figure drawn from each selected run's newest checkpoint, in the selection's order.
  init(
    name: String, summary: String, runs: RunSelection, maximumRasterDPI: Double = 300,
    latest draw: @escaping @Sendable ([Embeddings], PaperFigureOptions) throws -> Figure
  ) {
    self.init(name: name, summary: summary, runs: runs, maximumRasterDPI: maximumRasterDPI) { source, runs, options in
      try draw(runs.map(source.latest), options)
    }
  }

  /// The runs the figure draws, resolved against the experiment files.
  public func runs(in source: CheckpointSource) throws -> [RunReference] {
    switch selection {
    case .none: return []
    case .experiment(let name): return try source.experiments.runs(of: name)
    case .runs(let list):
      for r in list { _ = try source.experiments.run(r) }
      return list
    }
  }

  /// Loads the checkpoints and builds the figure.
  public func figure(from source: CheckpointSource, options: PaperFigureOptions = PaperFigureOptions()) throws -> Figure
  {
    var figure = try build(source, try runs(in: source), options)
    figure.compactMode = options.compact
    return figure
  }
}

/// Choices a paper figure leaves to the user.
public struct PaperFigureOptions: Sendable {
  /// Names at the sphere views' weight arrows (off: the AM-Softmax paper's clean look).
  public var sphereWeightLabels: Bool
  /// When the figure takes its compact form (``Figure/CompactMode``); automatic by default, so a
  /// figure made 3.25 in wide is laid out for a column.
  public var compact: Figure.CompactMode

  public init(sphereWeightLabels: Bool = false, compact: Figure.CompactMode = .automatic) {
    self.sphereWeightLabels = sphereWeightLabels
    self.compact = compact
  }
}
