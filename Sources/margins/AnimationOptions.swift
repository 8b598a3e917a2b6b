import ArgumentParser
import FigureAnimation
import Figures
import CairoGraphics
import Checkpoints
import FileFormats
import Foundation
import PlotKit
import MarginMath
import SphereScene

/// `--view auto` or `--view x,y,z` (any non-zero direction; the viewer looks from there to the origin).
struct ViewOption: ExpressibleByArgument, CustomStringConvertible {
  let choice: SphereSceneOptions.ViewChoice

  init?(argument: String) {
    let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
    if text == "auto" || text == "automatic" {
      choice = .automatic
      return
    }
    let parts = text.split(separator: ",").map {
      Double($0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "−", with: "-"))
    }
    guard parts.count == 3, let x = parts[0], let y = parts[1], let z = parts[2], Vector3(x, y, z).direction != nil
    else { return nil }
    choice = .direction(Vector3(x, y, z))
  }

  var description: String {
    guard case .direction(let d) = choice else { return "auto" }
    return "\(d.x),\(d.y),\(d.z)"
  }

  var defaultValueDescription: String { description }
}

/// The sphere view and `--animate`, shared by `plot` and `render`.
struct AnimationOptions: ParsableArguments {
  @Option(help: "Sphere view direction for 3-D features (--kind sphere): auto (shows the most classes) or x,y,z.")
  var view = ViewOption(argument: "auto")!

  @Flag(
    help:
      "Write an animated GIF, one frame per snapshot (run directories give every saved epoch and snapshots/iter-*.npz), in numeric order on fixed axes."
  )
  var animate = false

  @Option(help: "Frame delay of --animate in hundredths of a second (1...65535).")
  var frameDelay = 25

  func validate() throws {
    guard (1...65535).contains(frameDelay) else {
      throw ValidationError("--frame-delay must be in 1...65535 centiseconds, got \(frameDelay)")
    }
  }

  /// Loads `paths` as frames and writes `<base>.gif` (and its provenance JSON) through `output`'s layout.
  func writeAnimation(
    _ paths: [String], kind requested: CheckpointFigureKind?, split: [CheckpointViews.SplitChoice]?,
    output: FigureOutputOptions,
    defaultDirectory: String, readOptions: EmbeddingReader.Options = EmbeddingReader.Options()
  ) throws {
    let frames = try AnimationFrames.load(paths, options: readOptions)
    guard let last = frames.last else { throw ValidationError("no frames to animate") }
    try Figure.refuseUndrawable(frames.map(\.embeddings))
    let kind = requested ?? (last.embeddings.dimension == 3 ? .sphere : .scatter)
    var settings = AnimationSettings()
    settings.content = kind == .sphere ? .sphere : .plane(kind)
    settings.splits = split ?? [.test]
    let stem = last.embeddings.label.replacingOccurrences(of: "/", with: "-")
    let base = try output.animationDestination(
      defaultDirectory: defaultDirectory, defaultName: "\(stem)-\(kind.rawValue)-animation")
    try write(frames, settings: settings, output: output, base: base, record: ["kind": .string(kind.rawValue)])
  }

  /// A named animation of the catalog, written to `figures/NAME.gif` (or --out).
  func write(
    _ animation: PaperAnimation, source: CheckpointSource, output: FigureOutputOptions,
    defaultDirectory: String = "figures", weightLabels: Bool = false
  ) throws {
    let base = try output.animationDestination(defaultDirectory: defaultDirectory, defaultName: animation.name)
    var settings = animation.settings
    settings.sphereWeightLabels = weightLabels
    if case .direction = view.choice { settings.view = view.choice }
    try write(
      try animation.frames(from: source), settings: settings, output: output, base: base,
      record: ["figure": .string(animation.name), "weightLabels": .bool(weightLabels)])
  }

  private func write(
    _ frames: [AnimationFrame], settings base: AnimationSettings, output: FigureOutputOptions, base path: String,
    record: [String: JSONValue]
  ) throws {
    var settings = base
    settings.palette = output.resolvedPalette
    settings.classCount = frames.last?.embeddings.classCount
    settings.dpi = output.dpi
    settings.frameDelay = frameDelay
    if settings.view == .automatic { settings.view = view.choice }
    try OutputNames.refuseOverwriting([path + ".gif", path + ".json"], inputs: frames.map(\.embeddings.path))
    let figures = try Animation.figures(frames, settings: settings).map { try output.apply(to: $0, recolour: false) }
    try FigureOutputOptions.createParent(of: path)
    OutputNames.removeStaleTemporaryFiles(besides: path)
    let written = try Animation.write(figures, to: path + ".gif", settings: settings)
    print(
      "wrote \(path).gif (\(written.frames) frame\(written.frames == 1 ? "" : "s"), \(written.width) × \(written.height) px)"
    )
    let provenance = CheckpointViews.provenance(
      frames.map(\.embeddings),
      options: output.record(
        figures[0],
        record.merging([
          "animate": .bool(true), "frameDelayCentiseconds": .number(Double(frameDelay)),
          "view": .string(view.description),
          "viewInForce": .array(figures[0].caption.filter { $0.key == "view" }.map { .string($0.value) }),
          "split": .array(settings.splits.map { .string($0.rawValue) }),
          "frames": .number(Double(written.frames)),
          "pixels": .array([.number(Double(written.width)), .number(Double(written.height))]),
        ]) { $1 }))
    try AtomicFile.write([UInt8](provenance), to: path + ".json")
  }
}
