import Checkpoints
import Experiments
import FileFormats
import Foundation
import _TestSupport
import Testing
@testable import Training

/// Iteration snapshots (`snapshotEvery`): their format, that they leave the training untouched, that a
/// killed and resumed run continues the series, and that bad settings are refused naming the field.
@Suite(.timeLimit(.minutes(5)), .serialized) struct SnapshotTests {
  private func plan(_ data: String, extra: String) throws -> RunPlan {
    let experiment = try Experiment(
      data: TinyDataset.experiment(data: data, loss: "arcface", parameters: #"{ "m": 0.3, "s": 8 }"#, extra: extra),
      file: "tiny.json")
    return try #require(try experiment.plans(profile: "default").first)
  }

  private func train(_ plan: RunPlan, runs: String, until: Int? = nil) throws {
    let trainer = Trainer(
      options: TrainerOptions(
        runsRoot: runs, dataRoot: "unused", workers: 2, kernelThreads: 1, untilEpoch: until, codeVersion: "test"),
      progress: ProgressReporter(isTerminal: false, plainLineInterval: 1e9, output: { _ in }))
    _ = try withKernelThreads(1) { try trainer.train(plan) }
  }

  private func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

  private func run(_ root: String) -> RunDirectory { RunDirectory(root: root, experiment: "tiny", run: "r") }

  /// 160 training images in batches of 40: 4 iterations per epoch, 12 in all; K = 3 cuts across epochs.
  @Test func snapshotsHoldTheRendererFormatAndLeaveTheTrainingUnchanged() throws {
    let root = TinyDataset.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    try TinyDataset.write(to: root + "/data")
    try train(try plan(root + "/data", extra: ""), runs: root + "/plain")
    try train(try plan(root + "/data", extra: #", "snapshotEvery": 3"#), runs: root + "/snap")
    let plain = run(root + "/plain"), snap = run(root + "/snap")
    #expect(snap.snapshotIterations() == [3, 6, 9, 12])
    #expect(plain.snapshotIterations().isEmpty)
    for epoch in 1...3 {
      #expect(
        try bytes(plain.featuresPath(epoch: epoch)) == bytes(snap.featuresPath(epoch: epoch)),
        "epoch \(epoch) features differ")
      let a = try plain.readState(epoch: epoch), b = try snap.readState(epoch: epoch)
      for key in a.keys where key.hasPrefix("network.") || key.hasPrefix("head.") || key.hasPrefix("optimizer.") {
        #expect(a[key] == b[key], "epoch \(epoch): \(key) differs")
      }
    }
    let arrays = try NumpyArchive.read(contentsOf: snap.snapshotPath(iteration: 6))
    #expect(snap.snapshotPath(iteration: 6).hasSuffix("/snapshots/iter-0000006.npz"))
    #expect(arrays["test_features"]?.shape == [80, 2] && arrays["test_features"]?.floats != nil)
    let data = try PreparedData.load(
      try plan(root + "/data", extra: "").dataset, dataRoot: "unused", seed: 11, cache: DatasetCache())
    #expect(arrays["test_labels"] == NumpyArray(shape: [80], values: .uint8(data.test.labels)))
    #expect(arrays["class_weights"]?.shape == [4, 2] && arrays["train_features"] == nil)
    #expect(arrays["epoch"] == NumpyArray(shape: [], values: .int64([2])))
    #expect(arrays["iteration"] == NumpyArray(shape: [], values: .int64([6])))
    #expect(arrays["loss"]?.strings == ["arcface"])
    let parameters = try #require(arrays["loss_parameters"]?.strings?.first)
    #expect(parameters.contains("\"m\":0.3"))
    let log = try String(contentsOfFile: snap.logPath, encoding: .utf8).split(separator: "\n").dropFirst()
    let losses = log.map { Double($0.split(separator: ",")[2])! }
    guard case .float64(let trainLoss)? = arrays["train_loss"]?.values else {
      Issue.record("train_loss is no float64"); return
    }
    // The mean of iterations 4, 5 and 6 (the log prints fewer digits than a double holds).
    #expect(abs(trainLoss[0] - losses[3..<6].reduce(0, +) / 3) < 1e-4)
    #expect(FileManager.default.fileExists(atPath: snap.snapshotPath(iteration: 6).dropLast(4) + ".json") == false)
    #expect(snap.verifySnapshots().isEmpty && snap.foreignEntry() == nil)
  }

  @Test func aKilledRunResumesTheSeriesWithoutGapsOrDuplicates() throws {
    let root = TinyDataset.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    try TinyDataset.write(to: root + "/data")
    let runPlan = try plan(root + "/data", extra: #", "snapshotEvery": 3, "snapshotSplit": "both""#)
    try train(runPlan, runs: root + "/a")
    try train(runPlan, runs: root + "/b", until: 1)
    let a = run(root + "/a"), b = run(root + "/b")
    #expect(b.snapshotIterations() == [3])
    // A kill after iteration 6's snapshot but before epoch 2's state: the resume starts from epoch 1's state.
    try bytes(a.snapshotPath(iteration: 3)).write(to: URL(fileURLWithPath: b.snapshotPath(iteration: 6)))
    try train(runPlan, runs: root + "/b")
    #expect(b.snapshotIterations() == [3, 6, 9, 12])
    for iteration in [3, 6, 9, 12] {
      #expect(
        try bytes(a.snapshotPath(iteration: iteration)) == bytes(b.snapshotPath(iteration: iteration)),
        "iteration \(iteration)")
    }
    let arrays = try NumpyArchive.read(contentsOf: b.snapshotPath(iteration: 12))
    #expect(arrays["train_features"]?.shape == [160, 2] && arrays["test_features"]?.shape == [80, 2])
  }

  @Test(arguments: [
    (#", "snapshotEvery": 13"#, "settings.snapshotEvery", "beyond the 12 iterations"),
    (#", "snapshotEvery": -1"#, "snapshotEvery", ">= 0"),
    (#", "snapshotSplit": "test""#, "settings.snapshotSplit", "needs snapshotEvery"),
    (#", "snapshotEvery": 1, "snapshotSplit": "sideways""#, "snapshotSplit", "test"),
  ])
  func badSnapshotSettingsNameTheField(extra: String, field: String, reason: String) throws {
    let root = TinyDataset.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    try TinyDataset.write(to: root + "/data")
    do {
      try train(try plan(root + "/data", extra: extra), runs: root + "/runs")
      Issue.record("\(extra) was accepted")
    } catch {
      let text = "\(error)"
      #expect(text.contains(field) && text.contains(reason), "\(text)")
    }
    #expect(!FileManager.default.fileExists(atPath: run(root + "/runs").snapshotDirectory))
  }

  @Test func theSizeLimitIsCheckedBeforeTraining() throws {
    let root = TinyDataset.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    try TinyDataset.write(to: root + "/data")
    var plan = try plan(root + "/data", extra: #", "snapshotEvery": 1"#)
    let data = try PreparedData.load(plan.dataset, dataRoot: "unused", seed: plan.seed, cache: DatasetCache())
    // 80 test rows × (4·2 + 1) bytes + 4 classes × (4·2 + 4) + 4096 of scalars and headers.
    #expect(plan.snapshotBytes(against: data) == 80 * 9 + 4 * 12 + 4096)
    plan.epochs = RunPlan.snapshotBytesLimit / plan.snapshotBytes(against: data) / 4 + 1
    #expect(throws: ExperimentError.self) { _ = try plan.validate(against: data) }
  }
}

/// The plan's configuration recorded in every training-state file (issue 14).
@Suite(.timeLimit(.minutes(5)), .serialized) struct StateConfigurationTests {
  @Test func aStateOnlyRunWithOtherSettingsRefusesToResumeNamingTheField() throws {
    let root = TinyDataset.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    try TinyDataset.write(to: root + "/data")
    func plan(_ rate: String) throws -> RunPlan {
      // Features at the last epoch only, so epoch 1's state is one to resume from without features.
      let json = String(
        decoding: TinyDataset.experiment(data: root + "/data", extra: #", "checkpointEpochs": [3]"#), as: UTF8.self
      )
      .replacingOccurrences(of: "\"learningRate\": 0.05", with: "\"learningRate\": \(rate)")
      return try #require(try Experiment(data: Data(json.utf8), file: "tiny.json").plans(profile: "default").first)
    }
    func trainer(until: Int? = nil) -> Trainer {
      Trainer(
        options: TrainerOptions(
          runsRoot: root + "/runs", dataRoot: "unused", workers: 2, kernelThreads: 1, untilEpoch: until,
          codeVersion: "test"),
        progress: ProgressReporter(isTerminal: false, plainLineInterval: 1e9, output: { _ in }))
    }
    _ = try withKernelThreads(1) { try trainer(until: 1).train(try plan("0.05")) }
    let run = RunDirectory(root: root + "/runs", experiment: "tiny", run: "r")
    #expect(try run.stateConfiguration(epoch: 1) == (try plan("0.05")).jsonValue)
    // Only the state is left (--until-epoch saved epoch 1's features too; a run shipped unfinished has none).
    try FileManager.default.removeItem(atPath: run.metadataPath(epoch: 1))
    try FileManager.default.removeItem(atPath: run.featuresPath(epoch: 1))
    #expect(run.recordedConfiguration() == (try plan("0.05")).jsonValue)
    do {
      _ = try withKernelThreads(1) { try trainer().train(try plan("0.07")) }
      Issue.record("a state of other settings was resumed")
    } catch let error as TrainingError {
      #expect(
        "\(error)".contains("learningRate was 0.05, now 0.07") && "\(error)".contains(run.statePath(epoch: 1)),
        "\(error)")
    }
  }
}
