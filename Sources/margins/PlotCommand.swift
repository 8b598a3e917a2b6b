import ArgumentParser
import Checkpoints
import Figures
import Foundation
import PlotKit
import SphereScene

extension DensityMode: ExpressibleByArgument {}

struct PlotCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plot",
    abstract: "Draw figures from embedding files: .npz, .npy (+ --labels), CSV, or this tool's checkpoints.",
    discussion: """
      A .npz holds features [N, D] and labels [N] (also read as embeddings/feats/X/arr_0 and \
      y/targets/arr_1, or name them with --features-key/--labels-key), or train_features/train_labels \
      and test_features/test_labels; optionally class_weights [C, D] (or a state_dict's fc.weight), \
      class_bias [C], class_names [C], split, epoch, iteration, loss ("arcface", …), \
      loss_parameters (JSON), lambda and margin. Any numeric dtype numpy writes is read. CSV and TSV \
      (pandas' to_csv, index column and all) hold x,y (or f0,f1,…, or numeric columns) and a \
      label/class/target column, integers or strings. Accuracies, angles and sectors are computed \
      from the arrays. One file with both splits draws train left and test right on shared limits; \
      a train file and a test file are paired the same way. Figures go to the current directory \
      (or -o FILE.png, --out DIR). See README "Plotting your own embeddings".
      """)

  @Argument(help: "Embedding files (.npz, .npy, .csv, checkpoint .npz/.json or run directories).")
  var files: [String]

  @Option(
    help:
      "What to draw: \(CheckpointFigureKind.allCases.map(\.rawValue).joined(separator: ", ")) (default: scatter, sphere for 3-D features)."
  )
  var kind: CheckpointFigureKind?

  @Option(
    help:
      "Splits to show: train, test, both (side by side, shared limits) or overlay (test over faded train on one axis; scatter only)."
  )
  var split: SplitOption?

  @Option(
    help: ArgumentHelp(
      "Scatter panels as counts per pixel and class, shaded by the mix of class colours (auto: above --density-threshold points per panel).",
      valueName: "auto|always|never"))
  var density: DensityMode = .auto

  @Option(help: "Points per panel above which --density auto aggregates.")
  var densityThreshold = DensityLayer.defaultThreshold

  @Option(help: "Histogram bins over the angle range (--kind hist: 60, rose: 36 over 0-180 degrees).")
  var bins: Int?

  @Option(
    help: ArgumentHelp(
      "Draw only these classes (names as the legend shows them, or class indices), e.g. 3,5,8.", valueName: "list"))
  var classes: String?

  @Flag(help: "Leave out the class weight rays (--kind circle, sectors).")
  var noWeightRays = false

  @Flag(help: "Leave out the W names of the weight rays (--kind circle, sectors).")
  var noLabels = false

  @Flag(help: "Leave out the margin zones (--kind sectors).")
  var noMarginZones = false

  @OptionGroup var input: EmbeddingInputOptions

  @OptionGroup var output: FigureOutputOptions

  @OptionGroup var animation: AnimationOptions

  func validate() throws {
    try input.validate(files)
    if !animation.animate { try output.refuseGIF() }
    // Options for parts a kind does not draw are refused, not ignored.
    let drawn = kind ?? .scatter
    if let bins {
      guard drawn == .hist || drawn == .rose else {
        throw ValidationError("--bins applies to --kind hist and rose; --kind \(drawn.rawValue) draws no histogram")
      }
      guard (2...720).contains(bins) else { throw ValidationError("--bins must be 2 to 720, not \(bins)") }
    }
    for (flag, on, kinds) in [
      ("--no-weight-rays", noWeightRays, [CheckpointFigureKind.circle, .sectors]),
      ("--no-labels", noLabels, [.circle, .sectors]), ("--no-margin-zones", noMarginZones, [.sectors]),
    ] where on && !kinds.contains(drawn) {
      throw ValidationError(
        "\(flag) applies to --kind \(kinds.map(\.rawValue).joined(separator: ", ")); --kind \(drawn.rawValue) draws no such thing"
      )
    }
    if noWeightRays && noLabels {
      throw ValidationError("--no-weight-rays already leaves out their labels; drop --no-labels")
    }
    if classes != nil && drawn == .sectors {
      throw ValidationError(
        "--classes with --kind sectors: decision sectors are decided among all classes; use --kind circle")
    }
    if classes != nil && drawn == .sphere {
      throw ValidationError("--classes: the sphere view draws every class (its boundaries come from all weights)")
    }
    guard densityThreshold >= 0 else { throw ValidationError("--density-threshold must be 0 or more") }
    if density == .always, let kind, kind != .scatter {
      throw ValidationError("--density always aggregates scatter panels; --kind \(kind.rawValue) draws none")
    }
    if density == .always && animation.animate {
      throw ValidationError("--density always: animations draw markers (each frame is a few thousand points)")
    }
    if density == .always && split == .overlay {
      throw ValidationError(
        "--split overlay draws faint markers under strong ones; with --density always use --split both")
    }
  }

  func run() throws {
    if animation.animate {
      if split == .overlay {
        throw ValidationError("--split overlay draws still scatter plots; an animation shows train or test")
      }
      return try animation.writeAnimation(
        files, kind: kind, split: split?.choices, output: output, defaultDirectory: ".", readOptions: input.readOptions)
    }
    if classes == nil, try drawStreamed() { return }
    var embeddings = try input.read(files)
    if let classes { embeddings = try embeddings.map { try Self.selecting(classes, in: $0) } }
    try Self.draw(
      embeddings, kind: kind ?? Self.defaultKind(embeddings), split: split, output: output, defaultDirectory: ".",
      view: animation.view.choice,
      inputs: files + input.files, density: density, densityThreshold: densityThreshold,
      configure: { options in
        options.binCount = bins
        options.showsWeightRays = !noWeightRays
        options.showsWeightLabels = !noLabels
        options.showsMarginZones = !noMarginZones
      })
  }

  /// The rows of the classes in `list` ("3,5,8": class names, else class indices), with the class
  /// names, weight rows and biases of those classes only (in the order of the file).
  static func selecting(_ list: String, in e: Embeddings) throws -> Embeddings {
    let items = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    guard !items.isEmpty else { throw ValidationError("--classes needs a list such as 3,5,8") }
    var chosen = Set<Int>()
    for item in items {
      if let c = e.classNames.firstIndex(of: item) {
        chosen.insert(c)
      } else if let c = Int(item), e.classNames.indices.contains(c) {
        chosen.insert(c)
      } else {
        throw ValidationError(
          "--classes: \(e.path) has no class '\(item)' (classes: \(EmbeddingReader.listing(e.classNames)))")
      }
    }
    let kept = chosen.sorted()
    let index = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, $0) })
    var out = e
    let d = e.dimension
    out.splits = e.splits.map { split in
      var s = split
      let rows = split.labels.indices.filter { index[split.labels[$0]] != nil }
      s.labels = rows.map { index[split.labels[$0]]! }
      s.features = rows.flatMap { split.features[($0 * d)..<(($0 + 1) * d)] }
      return s
    }
    out.classNames = kept.map { e.classNames[$0] }
    out.classWeights = e.classWeights.map { w in kept.flatMap { w[($0 * d)..<(($0 + 1) * d)] } }
    out.classBias = e.classBias.map { b in kept.map { b[$0] } }
    out.selectedFromClassCount = e.classCount
    out.notes.append("--classes: drew \(kept.count) of \(e.classCount) classes")
    return out
  }

  /// Large plain `.npz` files (features [N, 2] and labels, nothing else) aggregated straight from the
  /// file, never loaded whole (`StreamedEmbeddings`); false when the file is not that case, or the
  /// options ask for something only the full reader gives (the figure is then drawn as usual).
  func drawStreamed() throws -> Bool {
    guard files.count == 1, kind == nil || kind == .scatter, split == nil || split == .test, density != .never,
      input.labels.isEmpty, input.classWeights == nil, input.featuresKey == nil, input.labelsKey == nil,
      input.weightsKey == nil, input.classNames == nil, !output.classLabels,
      let source = try StreamedEmbeddings.open(files[0]),
      density.aggregates(count: source.count, threshold: densityThreshold)
    else { return false }
    let stem = ((files[0] as NSString).lastPathComponent as NSString).deletingPathExtension
    let colors = CheckpointViews.classColors(output.resolvedPalette, classNames: source.classNames)
    var figure = Figure(rows: 1, columns: 1)
    figure[0, 0] = Panel(
      title: "Features (\(stem))", subtitle: "Accuracy: none (no class weights)",
      layers: [DensityLayer(source: source, classNames: source.classNames, palette: colors.palette)],
      limits: .forFeatures(source.bounds))
    figure.legendTitle = "class"
    figure.colorBar = colors.colorBar
    figure.caption =
      [
        ("data", stem), ("note", "no class weights: no accuracy, no sectors"),
        ("density", DensityLayer.captionValue(pointCount: source.count)),
      ] + [colors.note].compactMap { $0 }
    let built = try output.apply(to: figure, recolour: false)
    let (base, formats) = output.destination(defaultDirectory: ".", defaultName: "\(stem)-scatter")
    let panel: JSONValue = .object([
      "file": .string(files[0]), "dimension": .number(2), "classNames": .array(source.classNames.map(JSONValue.string)),
      "computed": .object(["all": .object(["count": .number(Double(source.count)), "accuracy": .null])]),
      "notes": .array([.string("streamed from the file (CRC-32 checked) and aggregated per pixel and class")]
      ),
    ])
    let options = output.record(
      built,
      [
        "kind": .string("scatter"), "split": .array([.string("test")]), "density": .string(density.rawValue),
        "densityThreshold": .number(Double(densityThreshold)), "aggregatedPoints": .number(Double(source.count)),
      ])
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let provenance = try encoder.encode(JSONValue.object(["panels": .array([panel]), "options": .object(options)]))
    try output.write(built, to: base, formats: formats, provenance: provenance, inputs: files)
    return true
  }

  /// Files that each hold one split, train in some and test in others, paired in order (the i-th
  /// train file with the i-th test file) into one file with both splits: the train-versus-test
  /// comparison the user meant. Other sets of files are returned as they are.
  static func pairedSplits(_ embeddings: [Embeddings]) throws -> [Embeddings] {
    let names = embeddings.map { $0.splits.count == 1 ? $0.splits[0].name : nil }
    guard names.allSatisfy({ $0 == "train" || $0 == "test" }) else { return embeddings }
    let trains = embeddings.filter { $0.splits[0].name == "train" },
      tests = embeddings.filter { $0.splits[0].name == "test" }
    guard !trains.isEmpty, !tests.isEmpty else { return embeddings }
    guard trains.count == tests.count else {
      throw ValidationError(
        "\(trains.count) train file(s) and \(tests.count) test file(s): give them in pairs to compare train with test, or choose one with --split"
      )
    }
    return try zip(trains, tests).map { train, test in
      guard train.dimension == test.dimension else {
        throw EmbeddingError(
          path: test.path, array: "features",
          reason: "has D = \(test.dimension) but its train file \(train.path) has D = \(train.dimension)")
      }
      guard train.classNames == test.classNames else {
        throw EmbeddingError(
          path: test.path, array: "labels",
          reason:
            "names classes \(EmbeddingReader.listing(test.classNames)) but its train file \(train.path) names \(EmbeddingReader.listing(train.classNames)); give both the same --class-names"
        )
      }
      var pair = test
      pair.splits = [train.splits[0], test.splits[0]]
      pair.classWeights = test.classWeights ?? train.classWeights
      pair.classBias = test.classWeights != nil ? test.classBias : train.classBias
      pair.droppedNonfinite = train.droppedNonfinite + test.droppedNonfinite
      pair.pairedTrainPath = train.path
      pair.notes = train.notes + test.notes
      return pair
    }
  }

  /// Scatter for 2-D features, the sphere view for 3-D ones.
  static func defaultKind(_ embeddings: [Embeddings]) -> CheckpointFigureKind {
    embeddings.allSatisfy { $0.dimension == 3 } ? .sphere : .scatter
  }

  /// Builds, lays out and writes the figure of `kind` for `embeddings` (shared with `render`).
  static func draw(
    _ files: [Embeddings], kind: CheckpointFigureKind, split: SplitOption?, output: FigureOutputOptions,
    defaultDirectory: String,
    view: SphereSceneOptions.ViewChoice = .automatic, inputs: [String] = [], density: DensityMode = .auto,
    densityThreshold: Int = DensityLayer.defaultThreshold, configure: (inout CheckpointFigureOptions) -> Void = { _ in }
  ) throws {
    let embeddings = try pairedSplits(files)
    try Figure.refuseUndrawable(embeddings)
    var options = CheckpointFigureOptions()
    options.sphereView = view
    options.density = density
    options.densityThreshold = densityThreshold
    configure(&options)
    // Files with one unnamed split show it whatever --split says; otherwise, by default, the
    // splits every file has.
    let unnamed = embeddings.allSatisfy { $0.splits.count == 1 && !["train", "test"].contains($0.splits[0].name) }
    let common = CheckpointViews.SplitChoice.allCases.filter { choice in
      embeddings.allSatisfy { $0.split(choice.rawValue) != nil }
    }
    if unnamed, let split, split != .test {
      Diagnostics.warning(
        "--split \(split.rawValue): the file\(embeddings.count == 1 ? " has" : "s have") no train/test split (no 'split' array or column); drawing all rows"
      )
    }
    if split == .overlay && kind != .scatter { throw ValidationError("--split overlay draws --kind scatter only") }
    options.splits = unnamed ? [.test] : split?.choices ?? (common.isEmpty ? SplitOption.both.choices : common)
    options.palette = output.resolvedPalette
    options.showsClassLabels = output.classLabels
    // One file's panels (its train and test) share limits, so the comparison is not misleading.
    options.limitSharing = output.shareLimits?.sharing ?? (embeddings.count == 1 ? .all : .columns)
    let logs: [TrainingLogTable?] =
      kind == .log
      ? try embeddings.map { e in
        guard e.metadata != nil else { return nil }
        return try TrainingLogTable(
          contentsOf: RunDirectory(path: (e.path as NSString).deletingLastPathComponent).logPath)
      } : []
    var built = try Figure.checkpointFigure(kind, embeddings: embeddings, logs: logs, options: options)
    if split == .overlay && !unnamed {
      built = overlaid(built, embeddings: embeddings)
    } else if embeddings.count == 1, options.splits.count == 2, kind.hasSplitRows, kind != .sphere,
      output.columns == nil
    {
      // Train left, test right: side by side reads as a comparison and fits a page.
      built = built.reflowed(columns: 2)
    }
    let figure = try output.apply(to: built, recolour: false)
    let stem =
      embeddings.count == 1
      ? embeddings[0].label.replacingOccurrences(of: "/", with: "-") + (embeddings[0].epoch.map { "-e\($0)" } ?? "")
      : "\(embeddings.count)files"
    let (base, formats) = output.destination(
      defaultDirectory: defaultDirectory, defaultName: "\(stem)-\(kind.rawValue)")
    var record: [String: JSONValue] = [
      "kind": .string(kind.rawValue), "split": .array(options.splits.map { .string($0.rawValue) }),
    ]
    if split == .overlay { record["overlay"] = .bool(true) }
    if kind == .scatter { record["density"] = .string(density.rawValue) }
    // The sphere view in force (the automatic one resolved), as the caption states it.
    let views = figure.caption.filter { $0.key == "view" }.map { JSONValue.string($0.value) }
    if !views.isEmpty { record["view"] = .array(views) }
    let provenance = CheckpointViews.provenance(embeddings, options: output.record(figure, record))
    try output.write(
      figure, to: base, formats: formats, provenance: provenance, inputs: inputs + embeddings.map(\.path))
  }

  /// One row: each column's test points drawn over its faded train points on one axis.
  static func overlaid(_ figure: Figure, embeddings: [Embeddings]) -> Figure {
    var merged = Figure(rows: 1, columns: figure.columns)
    merged.caption = figure.caption
    merged.legendTitle = figure.legendTitle
    merged.limitSharing = figure.limitSharing
    merged.style = figure.style
    merged.width = figure.width
    for c in 0..<figure.columns {
      guard var train = figure[0, c], let test = figure[1, c] else { continue }
      train.layers = train.layers.map { layer in
        guard var scatter = layer as? ScatterLayer else { return layer }
        scatter.markerAlpha = 0.2
        return scatter
      }
      train.layers += test.layers
      train.title = "Train (faint) and test (\(CheckpointViews.panelLabel(embeddings[c])))"
      train.subtitle = test.subtitle
      merged[0, c] = train
    }
    return merged
  }
}
