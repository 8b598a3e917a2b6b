import Foundation
import MarginMath
import PlotKit
import SphereScene

/// Sphere panels of 3-D embeddings: the features projected onto the unit sphere (with weight arrows,
/// great-circle boundaries and margin zones under the loss's own rule) and the raw 3-D features,
/// both from the same view.
public enum SphereViews {
  /// The scene input of one split; the rule is the loss in force (softmax's argmax W x when the file
  /// names no loss). A head with a non-zero bias gets no boundaries: they are no great circles then.
  public static func input(_ e: Embeddings, split: Embeddings.Split) throws -> SphereSceneInput {
    guard e.dimension == 3 else {
      throw EmbeddingError(
        path: e.path, array: split.name == "all" ? "features" : "\(split.name)_features",
        reason: "has D = \(e.dimension); a sphere view needs D = 3")
    }
    let rows = (0..<split.count).map { i in (0..<3).map { Double(split.features[i * 3 + $0]) } }
    let weights = e.classWeights.map { w in (0..<(w.count / 3)).map { j in (0..<3).map { Double(w[j * 3 + $0]) } } }
    let biased = e.classBias?.contains { $0 != 0 } ?? false
    let rule = biased ? nil : e.rule ?? MarginRule(kind: .softmax, parameters: LossParameters(), iteration: 0)
    do {
      return try SphereSceneInput(
        features: rows, labels: split.labels, classCount: e.classCount, weights: weights, rule: rule)
    } catch let error as SphereSceneError {
      throw EmbeddingError(path: e.path, reason: error.description)
    }
  }

  /// Scene options for `e` drawn with `palette`: class colours (those of a plane figure of as many
  /// classes, ``CheckpointViews/classColors(_:classNames:)``) and names, everything else default.
  public static func options(
    _ e: Embeddings, palette: Palette, view: SphereSceneOptions.ViewChoice, weightLabels: Bool = false
  ) -> SphereSceneOptions {
    var o = SphereSceneOptions()
    o.view = view
    o.showsWeightLabels = weightLabels
    let colors = CheckpointViews.classColors(palette, classNames: e.classNames).palette
    o.classColors = (0..<max(e.classCount, 1)).map { colors.color(forClass: $0).withAlpha(1) }
    o.classNames = e.classNames
    return o
  }

  /// The view `options` choose for `input`, as a fixed direction (so several panels or frames share it).
  public static func fixedView(_ input: SphereSceneInput, options: SphereSceneOptions, path: String) throws
    -> SphereSceneOptions.ViewChoice
  {
    do {
      return .direction(try options.sphereView(for: input).direction)
    } catch let error as SphereSceneError {
      throw EmbeddingError(path: path, reason: error.description)
    }
  }

  /// The sphere panel and the raw-feature panel of one split, and the notes the scenes make.
  public static func panels(
    _ e: Embeddings, split: Embeddings.Split, input: SphereSceneInput, options: SphereSceneOptions, title: String,
    accuracySubtitle: Bool = true
  ) throws -> (sphere: Panel, raw: Panel, notes: [String]) {
    let sphere: SceneDescription, raw: SceneDescription
    do {
      sphere = try SphereScene.sphere(input, options: options)
      raw = try SphereScene.rawFeatures(input, options: options)
    } catch let error as SphereSceneError {
      throw EmbeddingError(path: e.path, reason: error.description)
    }
    return (
      .scene(
        sphere, title: "\(title): sphere",
        subtitle: accuracySubtitle ? CheckpointViews.accuracyLine(e, split: split) : nil, classNames: e.classNames),
      .scene(raw, title: "\(title): raw 3-D", subtitle: raw.notes.first),
      sphere.notes
    )
  }

  /// What the raw views' radius means, said once in the caption (under each panel: its value).
  public static let rawCaption = "scaled so that the 99 % quantile of ‖x‖ (under each raw panel) is radius 1"

  /// "view from (0.58, 0.58, 0.58)" for captions.
  public static func describe(_ view: SphereSceneOptions.ViewChoice) -> String {
    guard case .direction(let d) = view, let u = d.direction else { return "automatic" }
    return String(format: "from (%.2f, %.2f, %.2f)", u.x, u.y, u.z)
  }
}

extension Figure {
  /// `margins plot --kind sphere`: per file, the sphere view and the raw 3-D view side by side, one
  /// row per split. The view is chosen once per file (from its test split, or its only one).
  public static func sphereFigure(
    _ embeddings: [Embeddings], options: CheckpointFigureOptions, view: SphereSceneOptions.ViewChoice,
    weightLabels: Bool = false
  ) throws -> Figure {
    var figure = Figure(rows: options.splits.count, columns: 2 * embeddings.count)
    figure.caption = CheckpointViews.caption(embeddings)
    figure.legendTitle = embeddings[0].metadata?.dataset.name ?? "class"
    let withEpoch = CheckpointViews.epochsDiffer(embeddings)
    // Class colours as in the plane figures: every file takes those of the one with the most classes,
    // and above Palette.distinctClassLimit a colour bar takes the legend's place.
    var palette = options.palette
    if let most = embeddings.max(by: { $0.classCount < $1.classCount }) {
      let colors = CheckpointViews.classColors(options.palette, classNames: most.classNames)
      palette = colors.palette
      figure.colorBar = colors.colorBar
      if let note = colors.note { figure.caption.append(note) }
    }
    var notes: [String] = []
    for (column, e) in embeddings.enumerated() {
      let label = CheckpointViews.panelLabel(e) + (withEpoch ? ", " + (CheckpointViews.epochNote(e) ?? "no epoch") : "")
      let splits = try options.splits.map { choice -> Embeddings.Split in
        guard let s = CheckpointViews.split(e, choice.rawValue) else {
          throw EmbeddingError(
            path: e.path, array: "\(choice.rawValue)_features",
            reason:
              "the file has no \(choice.rawValue) split (it has: \(e.splits.map(\.name).joined(separator: ", "))); choose one with --split"
          )
        }
        return s
      }
      let inputs = try splits.map { try SphereViews.input(e, split: $0) }
      var sceneOptions = SphereViews.options(e, palette: palette, view: view, weightLabels: weightLabels)
      sceneOptions.view = try SphereViews.fixedView(inputs[inputs.count - 1], options: sceneOptions, path: e.path)
      for (row, (s, input)) in zip(splits, inputs).enumerated() {
        let p = try SphereViews.panels(
          e, split: s, input: input, options: sceneOptions, title: "\(s.setName) (\(label))")
        figure[row, 2 * column] = p.sphere
        figure[row, 2 * column + 1] = p.raw
        notes += p.notes.map { "\(e.label): \($0)" }
      }
      figure.caption.append(("view", "\(e.label) \(SphereViews.describe(sceneOptions.view))"))
    }
    figure.caption += Array(Set(notes)).sorted().map { ("note", $0) }
    figure.caption.append(("raw views", SphereViews.rawCaption))
    return figure
  }
}
