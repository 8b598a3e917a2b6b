import Experiments

/// The runs the paper figures, the animations and the report name one by one, each spelled once
/// here (the experiment files declare them; every figure checks its runs against those files
/// before it draws).
public enum PaperRuns {
  /// L-Softmax Fig. 2: m = 1 (softmax without bias) to 4.
  public static let lSoftmaxFigure2 = (1...4).map { RunReference("lsoftmax-fig2", "m\($0)") }
  /// Softmax without bias, the baseline of the 2-D comparisons (L-Softmax with m = 1).
  public static let softmax = lSoftmaxFigure2[0]
  public static let lSoftmaxM4 = lSoftmaxFigure2[3]
  public static let l2Softmax = RunReference("l2-softmax", "l2-softmax")
  public static let weightedSoftmax = RunReference("weighted-softmax", "weighted")
  public static let modifiedSoftmax = RunReference("all-losses", "modified-softmax")
  public static let aSoftmax = RunReference("all-losses", "a-softmax")
  public static let normFace = RunReference("all-losses", "normface")
  public static let cosFace = RunReference("all-losses", "cosface")
  public static let arcFace = RunReference("all-losses", "arcface")
  public static let combinedMargin = RunReference("all-losses", "combined")
  /// SphereFace Fig. 2's A-Softmax run (two classes).
  public static let sphereFaceASoftmax = RunReference("sphereface-fig2", "a-softmax")
  /// The eight-digit softmax run of the CosFace sweep, ArcFace Fig. 3's baseline.
  public static let eightDigitSoftmax = RunReference("cosface-am", "softmax")
  /// ArcFace Fig. 3's toy run (eight digits), with iteration snapshots.
  public static let arcFaceToy = RunReference("arcface", "arcface")
  /// ArcFace with a 3-D feature layer, with iteration snapshots.
  public static let sphereArcFace = RunReference("sphere-arcface", "arcface")
  /// The high-dimensional experiments of the report's Table 3 (MNIST, Fashion-MNIST).
  public static let angleStatisticsExperiments = ["angle-statistics", "angle-statistics-fashion"]
  /// The run names of softmax and of the three margin losses in each angle-statistics experiment.
  public static let angleStatisticsSoftmax = "softmax"
  public static let angleStatisticsMargins = ["sphereface", "cosface", "arcface"]
  /// The 64-D MNIST runs, one panel each in `target-angles` and `pair-angles` (the 512-D ArcFace
  /// run is in the report's Table 3 only).
  public static let angleStatistics64D = (["softmax", "normface"] + angleStatisticsMargins).map {
    RunReference(angleStatisticsExperiments[0], $0)
  }
}
