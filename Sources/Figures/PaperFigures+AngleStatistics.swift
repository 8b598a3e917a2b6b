import Experiments
import PlotKit

extension PaperFigure {
  /// ArcFace Fig. 4 (a) on MNIST in 64 dimensions: the target angle after epochs 1, 2 and 4.
  static let targetAngles = PaperFigure(
    name: "target-angles",
    summary:
      "ArcFace Fig. 4 (a) style: the angle between each test feature and its own class weight after epochs 1, 2 and 4 "
      + "(start, middle and end of training), one panel per loss, 64-D MNIST features.",
    runs: .runs(PaperRuns.angleStatistics64D)
  ) { source, runs, _ in
    try AngleStatistics.targetAngleFigure(runs: runs, source: source, palette: .colorBlindSafe)
  }

  /// The verification view: same-class and different-class pair angles and the ROC, per loss.
  static let pairAngles = PaperFigure(
    name: "pair-angles",
    summary: "Angles of same-class and different-class test pairs (top) and the ROC with TAR at FAR 1e-3 and the EER "
      + "(bottom), one column per loss, 64-D MNIST features after 4 epochs.",
    runs: .runs(PaperRuns.angleStatistics64D)
  ) { source, runs, _ in
    try AngleStatistics.pairAngleFigure(runs: runs, source: source, palette: .colorBlindSafe)
  }
}
