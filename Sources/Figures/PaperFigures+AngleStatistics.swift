import Experiments
import PlotKit

extension PaperFigure {
  /// The 64-D runs of the MNIST angle-statistics experiment, one panel each (the 512-D ArcFace run
  /// is in the report's Table 3).
  static let angleStatisticsRuns = ["softmax", "normface", "sphereface", "cosface", "arcface"].map {
    RunReference("angle-statistics", $0)
  }

  /// ArcFace Fig. 4 (a) on MNIST in 64 dimensions: the target angle after epochs 1, 2 and 4.
  static let targetAngles = PaperFigure(
    name: "target-angles",
    summary:
      "ArcFace Fig. 4 (a) style: the angle between each test feature and its own class weight after epochs 1, 2 and 4 "
      + "(start, middle and end of training), one panel per loss, 64-D MNIST features.",
    runs: .runs(angleStatisticsRuns)
  ) { source, runs, _ in
    try AngleStatistics.targetAngleFigure(runs: runs, source: source, palette: .colorBlindSafe)
  }

  /// The verification view: same-class and different-class pair angles and the ROC, per loss.
  static let pairAngles = PaperFigure(
    name: "pair-angles",
    summary: "Angles of same-class and different-class test pairs (top) and the ROC with TAR at FAR 1e-3 and the EER "
      + "(bottom), one column per loss, 64-D MNIST features after 4 epochs.",
    runs: .runs(angleStatisticsRuns)
  ) { source, runs, _ in
    try AngleStatistics.pairAngleFigure(runs: runs, source: source, palette: .colorBlindSafe)
  }
}
