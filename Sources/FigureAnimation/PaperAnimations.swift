import Experiments
import Figures
import Foundation

/// The named animations `margins render --figure NAME|all` and `make figures` write (`figures/NAME.gif`),
/// each declaring its run once; the frames are every epoch checkpoint and iteration snapshot it saved.
public struct PaperAnimation: Sendable {
  public let name: String
  public let summary: String
  public let run: RunReference
  public let settings: AnimationSettings

  /// Every named animation, in the report's order (`PaperFigureCatalog` lists them after the stills).
  public static let all: [PaperAnimation] = [arcFaceTraining, sphereArcFaceTraining]

  /// The run it draws, checked against the experiment files.
  public func runs(in source: CheckpointSource) throws -> [RunReference] {
    _ = try source.experiments.run(run)
    return [run]
  }

  /// The run's frames, oldest first.
  /// - Throws: `CheckpointError.missing` (with the command that trains it) when the run has no checkpoint,
  ///   as the still figures do.
  public func frames(from source: CheckpointSource) throws -> [AnimationFrame] {
    _ = try runs(in: source)
    _ = try source.latest(run)
    return try AnimationFrames.run(source.directory(run))
  }

  static let arcFaceTraining: PaperAnimation = {
    var s = AnimationSettings()
    s.content = .plane(.sectors)
    // Iteration snapshots hold the test split only (the train split would add ~0.4 MB a frame).
    s.splits = [.test]
    return PaperAnimation(
      name: "arcface-training",
      summary:
        "The ArcFace toy run as an animated GIF: test features on the unit circle with decision sectors and margin zones every 40 iterations (iteration snapshots) and at every saved epoch, on fixed axes, labelled with epoch, iteration, loss and accuracy.",
      run: PaperRuns.arcFaceToy, settings: s)
  }()

  static let sphereArcFaceTraining: PaperAnimation = {
    var s = AnimationSettings()
    s.content = .sphere
    return PaperAnimation(
      name: "sphere-arcface-training",
      summary:
        "ArcFace with a 3-D feature layer as an animated GIF: test features on the sphere and raw, from one fixed view, after every saved epoch (and iteration snapshot), labelled with epoch, iteration, loss and accuracy.",
      run: PaperRuns.sphereArcFace, settings: s)
  }()
}
