import ArgumentParser
import Checkpoints
import Figures
import Foundation
import PlotKit
import SphereScene

struct PlotCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plot",
    abstract: "Draw figures from embedding files: .npz, .npy (+ --labels), CSV, or this tool's checkpoints.",
    discussion: """
      A .npz holds features [N, 2] and labels [N] (or train_features/train_labels and \
      test_features/test_labels), optionally class_weights [C, 2], class_bias [C], class_names [C], \
      split, epoch, iteration, loss ("arcface", …), loss_parameters (JSON), lambda and margin. \
      Accuracies, angles and sectors are computed from the arrays; without class weights the figure \
      says so and leaves them out. One column per file; scatter, circle, sectors and rose have one \
      row per split. See README "Plotting your own embeddings".
      """)

  @Argument(help: "Embedding files (.npz, .npy, .csv, checkpoint .npz/.json or run directories).")
  var files: [String]

  @Option(help: "What to draw: \(CheckpointFigureKind.allCases.map(\.rawValue).joined(separator: ", ")) (default: scatter, sphere for 3-D features).")
  var kind: CheckpointFigureKind?

  @Option(help: "Splits to show: train, test or both (a file with one unnamed split shows it either way).")
  var split: SplitOption?

  @Option(parsing: .singleValue, help: "Labels (.npy [N]) for each .npy features file, in order.")
  var labels: [String] = []

  @Option(help: "Class weights (.npy [C, D]) for every file (overrides the files' own).")
  var classWeights: String?

  @Flag(help: "Drop rows with NaN or infinite features (the count is printed and captioned) instead of failing.")
  var dropNonfinite = false

  @OptionGroup var output: FigureOutputOptions

  @OptionGroup var animation: AnimationOptions

  func validate() throws {
    guard !files.isEmpty else { throw ValidationError("give at least one embedding file") }
    let npy = files.filter { $0.lowercased().hasSuffix(".npy") }.count
    guard labels.count == npy else {
      throw ValidationError("\(npy) .npy feature file(s) need as many --labels files, got \(labels.count)")
    }
  }

  func run() throws {
    if animation.animate {
      let options = EmbeddingReader.Options(dropNonfinite: dropNonfinite, classWeightsPath: classWeights)
      return try animation.writeAnimation(files, kind: kind, split: split?.choices, output: output, defaultDirectory: "figures/adhoc", readOptions: options)
    }
    var remainingLabels = labels[...]
    let embeddings = try files.map { path -> Embeddings in
      var options = EmbeddingReader.Options(dropNonfinite: dropNonfinite, classWeightsPath: classWeights)
      if path.lowercased().hasSuffix(".npy") { options.labelsPath = remainingLabels.popFirst() }
      let e = try EmbeddingReader.read(path, options: options)
      if e.droppedNonfinite > 0 { print("\(path): dropped \(e.droppedNonfinite) rows with NaN or infinite features") }
      return e
    }
    try Self.draw(embeddings, kind: kind ?? Self.defaultKind(embeddings), split: split, output: output, defaultDirectory: "figures/adhoc", view: animation.view.choice)
  }

  /// Scatter for 2-D features, the sphere view for 3-D ones.
  static func defaultKind(_ embeddings: [Embeddings]) -> CheckpointFigureKind {
    embeddings.allSatisfy { $0.dimension == 3 } ? .sphere : .scatter
  }

  /// Builds, lays out and writes the figure of `kind` for `embeddings` (shared with `render`).
  static func draw(
    _ embeddings: [Embeddings], kind: CheckpointFigureKind, split: SplitOption?, output: FigureOutputOptions, defaultDirectory: String,
    view: SphereSceneOptions.ViewChoice = .automatic
  ) throws {
    var options = CheckpointFigureOptions()
    options.sphereView = view
    // Files with one unnamed split show it whatever --split says; otherwise, by default, the
    // splits every file has.
    let unnamed = embeddings.allSatisfy { $0.splits.count == 1 && !["train", "test"].contains($0.splits[0].name) }
    let common = CheckpointViews.SplitChoice.allCases.filter { choice in embeddings.allSatisfy { $0.split(choice.rawValue) != nil } }
    options.splits = unnamed ? [.test] : split?.choices ?? (common.isEmpty ? SplitOption.both.choices : common)
    options.palette = output.palette
    options.showsClassLabels = output.classLabels
    options.limitSharing = output.shareLimits.sharing
    let logs: [TrainingLogTable?] = kind == .log ? try embeddings.map { e in
      guard e.metadata != nil else { return nil }
      return try TrainingLogTable(contentsOf: RunDirectory(path: (e.path as NSString).deletingLastPathComponent).logPath)
    } : []
    let figure = output.apply(to: try Figure.checkpointFigure(kind, embeddings: embeddings, logs: logs, options: options))
    let stem = embeddings.count == 1 ? embeddings[0].label.replacingOccurrences(of: "/", with: "-") + (embeddings[0].epoch.map { "-e\($0)" } ?? "") : "\(embeddings.count)files"
    let base = ((output.out ?? defaultDirectory) as NSString).appendingPathComponent(output.name ?? "\(stem)-\(kind.rawValue)")
    var record: [String: JSONValue] = ["kind": .string(kind.rawValue), "split": .array(options.splits.map { .string($0.rawValue) })]
    // The sphere view in force (the automatic one resolved), as the caption states it.
    let views = figure.caption.filter { $0.key == "view" }.map { JSONValue.string($0.value) }
    if !views.isEmpty { record["view"] = .array(views) }
    let provenance = CheckpointViews.provenance(embeddings, options: output.record(figure, record))
    try output.write(figure, to: base, provenance: provenance)
  }
}
