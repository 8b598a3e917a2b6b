import Checkpoints
import Experiments
import Foundation
import MarginMath
import Testing

@testable import Figures

/// The accuracies and angles the figures and the report state have one source: a checkpoint's
/// recorded metrics (the trainer's, over every item), the arrays only for other files; and every
/// run the figures name by hand is one the experiment files declare.
@Suite struct RecordedMetricsTests {
  /// A checkpoint whose recorded metrics differ from its arrays' (as when it keeps only the first
  /// items' features): the recorded ones win.
  @Test func aCheckpointStatesItsRecordedMetrics() throws {
    var checkpoint = CheckpointFigureTests.checkpoint(loss: .softmax, parameters: LossParameters())
    let computed = try CheckpointFigureTests.embeddings(checkpoint)
    let test = PaperFigure.test(computed)
    let fromArrays = try #require(computed.metrics(of: test))
    #expect(fromArrays.accuracy == 1)
    let recorded = FeatureMetrics(
      features: [1, 0, 0, 1], labels: [0, 0], classWeights: [1, 0, 0, 1, -1, 0, 0, -1], dimension: 2, accuracy: 0.5)
    checkpoint.metadata.metrics["test"] = recorded
    let e = try CheckpointFigureTests.embeddings(checkpoint)
    #expect(e.recordedMetrics(of: PaperFigure.test(e)) == recorded)
    #expect(e.recordedAccuracy(of: PaperFigure.test(e)) == 0.5)
    #expect(CheckpointViews.accuracyLine(e, split: PaperFigure.test(e)) == "Testing Accuracy: 50.00%")
    // Without metadata (any other embedding file) the arrays are the only source.
    var plain = e
    plain.metadata = nil
    #expect(plain.recordedAccuracy(of: PaperFigure.test(plain)) == 1)
  }

  @Test func everyNamedRunIsDeclaredByTheExperimentFiles() throws {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("experiments").path
    let catalog = try ExperimentCatalog(directory: directory)
    let named =
      PaperRuns.lSoftmaxFigure2 + PaperRuns.angleStatistics64D + [
        PaperRuns.l2Softmax, PaperRuns.weightedSoftmax, PaperRuns.modifiedSoftmax, PaperRuns.aSoftmax,
        PaperRuns.normFace, PaperRuns.cosFace, PaperRuns.arcFace, PaperRuns.combinedMargin,
        PaperRuns.sphereFaceASoftmax, PaperRuns.eightDigitSoftmax, PaperRuns.arcFaceToy, PaperRuns.sphereArcFace,
      ]
    for run in named { _ = try catalog.run(run) }
    for experiment in PaperRuns.angleStatisticsExperiments {
      let runs = try catalog.runs(of: experiment).map(\.run)
      #expect(runs.contains(PaperRuns.angleStatisticsSoftmax), "\(experiment)")
      #expect(Set(PaperRuns.angleStatisticsMargins).isSubset(of: runs), "\(experiment)")
    }
  }
}
