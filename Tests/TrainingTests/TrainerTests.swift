import Checkpoints
import Experiments
import Foundation
import MarginMath
import _TestSupport
import Testing
@testable import Training

@Suite(.timeLimit(.minutes(5)), .serialized) struct TrainerTests {
  private func plan(
    _ data: String, loss: String = "softmax", parameters: String = "{}", extra: String = "", batchSize: Int = 40,
    network: String = "mlp"
  ) throws -> RunPlan {
    let experiment = try Experiment(
      data: TinyDataset.experiment(
        data: data, loss: loss, parameters: parameters, extra: extra, batchSize: batchSize, network: network),
      file: "tiny.json")
    return try #require(try experiment.plans(profile: "default").first)
  }

  /// A trainer whose runs hold the process-wide threading lock, so tests elsewhere that switch the
  /// worker count cannot change summation orders in the middle of a bit-exact comparison.
  private struct LockedTrainer {
    let trainer: Trainer

    func train(_ plan: RunPlan) throws -> RunOutcome {
      try withKernelThreads(1) { try trainer.train(plan) }
    }
  }

  private func trainer(_ runs: String, until: Int? = nil) -> LockedTrainer {
    LockedTrainer(
      trainer: Trainer(
        options: TrainerOptions(
          runsRoot: runs, dataRoot: "unused", workers: 2, kernelThreads: 1, untilEpoch: until, codeVersion: "test"),
        progress: ProgressReporter(isTerminal: false, plainLineInterval: 1e9, output: { _ in })))
  }

  @Test func trainsSavesEveryEpochAndLearns() throws {
    let root = TinyDataset.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    try TinyDataset.write(to: root + "/data")
    let outcome = try trainer(root + "/runs").train(try plan(root + "/data"))
    #expect(outcome.latest.epoch == 3 && outcome.epochsTrained == 3)
    #expect(outcome.latest.accuracy.test > 0.9)
    let run = RunDirectory(root: root + "/runs", experiment: "tiny", run: "r")
    #expect(run.savedEpochs() == [1, 2, 3] && run.stateEpochs() == [1, 2, 3])
    let checkpoint = try run.readCheckpoint(epoch: 3)
    #expect(checkpoint.trainLabels.count == 160 && checkpoint.testFeatures.count == 160)
    #expect(checkpoint.metadata.classNames == ["north-west", "north-east", "south-west", "south-east"])
    #expect(checkpoint.metadata.seed == 11 && checkpoint.metadata.codeVersion == "test")
    #expect(checkpoint.metadata.metrics["test"]?.accuracy == checkpoint.metadata.accuracy.test)
    let log = try String(contentsOfFile: run.logPath, encoding: .utf8).split(separator: "\n")
    #expect(log.first == "iteration,epoch,loss,lambda,margin,lr,batch_accuracy,batch_margin_accuracy")
    #expect(log.count == 1 + 3 * 4)
    // A second call finds the run complete and trains nothing.
    #expect(try trainer(root + "/runs").train(try plan(root + "/data")).epochsTrained == 0)
  }

  @Test func resumedRunEqualsUninterruptedRun() throws {
    let root = TinyDataset.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    try TinyDataset.write(to: root + "/data")
    // The L-Softmax head with λ annealing makes the iteration count matter too.
    let runPlan = try plan(
      root + "/data", loss: "l-softmax", parameters: #"{ "m": 2, "lambda": { "base": 10, "gamma": 0.1, "power": 1 } }"#)
    _ = try trainer(root + "/a").train(runPlan)
    _ = try trainer(root + "/b", until: 1).train(runPlan)
    // Simulate a kill in the middle of epoch 2: a stray partial log row must be discarded.
    let b = RunDirectory(root: root + "/b", experiment: "tiny", run: "r")
    try "999,2,1,1,1,1,1,1\n".appendingFile(b.logPath)
    _ = try trainer(root + "/b").train(runPlan)
    let a = RunDirectory(root: root + "/a", experiment: "tiny", run: "r")
    for epoch in 1...3 {
      let same =
        try Data(contentsOf: URL(fileURLWithPath: a.featuresPath(epoch: epoch)))
        == Data(contentsOf: URL(fileURLWithPath: b.featuresPath(epoch: epoch)))
      #expect(same, "epoch \(epoch): features differ")
      // Everything but the wall-clock time must match bit for bit.
      var stateA = try a.readState(epoch: epoch)
      var stateB = try b.readState(epoch: epoch)
      stateA.removeValue(forKey: "trainer.wall_time")
      stateB.removeValue(forKey: "trainer.wall_time")
      let differing = stateA.keys.sorted().filter { stateA[$0] != stateB[$0] }
      #expect(differing.isEmpty, "epoch \(epoch): state differs in \(differing)")
      #expect(stateA.keys.sorted() == stateB.keys.sorted())
      #expect(stateA.keys.contains { $0.hasPrefix("optimizer.") })
    }
    #expect(
      try String(contentsOfFile: a.logPath, encoding: .utf8) == String(contentsOfFile: b.logPath, encoding: .utf8))
  }

  @Test func changedSettingsRefuseToResume() throws {
    let root = TinyDataset.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    try TinyDataset.write(to: root + "/data")
    _ = try trainer(root + "/runs", until: 1).train(try plan(root + "/data"))
    do {
      _ = try trainer(root + "/runs").train(try plan(root + "/data", extra: #", "momentum": 0.5"#))
      Issue.record("resumed with other settings")
    } catch let error as TrainingError {
      #expect(error.description.contains("momentum"))
    }
  }

  @Test func nanStopsTheRunNamingTheIterationAndKeepsTheLastGoodCheckpoint() throws {
    let root = TinyDataset.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    try TinyDataset.write(to: root + "/data")
    let runPlan = try plan(root + "/data")
    _ = try trainer(root + "/runs", until: 1).train(runPlan)
    let run = RunDirectory(root: root + "/runs", experiment: "tiny", run: "r")
    // Poison one weight of the saved state: the resumed epoch 2 must stop at its first iteration.
    var state = try run.readState(epoch: 1)
    let key = try #require(state.keys.sorted().first { $0.hasPrefix("network.") && $0.hasSuffix("weight") })
    var values = try #require(state[key]?.floats)
    values[0] = .nan
    state[key] = NumpyArray(shape: state[key]!.shape, values: .float32(values))
    try run.writeState(state.map { ($0.key, $0.value) }, epoch: 1)
    do {
      _ = try trainer(root + "/runs").train(runPlan)
      Issue.record("training went on through a NaN")
    } catch let error as TrainingError {
      #expect(error.description.contains("iteration 5"))
      #expect(error.description.contains("epoch-001.npz"))
    }
    #expect(run.savedEpochs() == [1] && run.stateEpochs() == [1])
    #expect(try run.readCheckpoint(epoch: 1).metadata.epoch == 1)
  }

  /// Every loss trains the engine's default network end to end: the loss falls, nothing is NaN, the test set is learned.
  @Test(arguments: LossKind.allCases)
  func everyLossTrainsTheEngineNetwork(loss: LossKind) throws {
    let root = TinyDataset.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    try TinyDataset.write(to: root + "/data")
    // Ramps sized to the run: 3 epochs of 8 batches.
    let parameters =
      loss == .weightedSoftmax
      ? #"{ "classWeights": "balanced" }"#
      : loss.supportsMarginRamp ? #"{ "marginRampIterations": 12 }"# : "{}"
    let outcome = try trainer(root + "/runs").train(
      try plan(root + "/data", loss: loss.rawValue, parameters: parameters, batchSize: 20, network: "compact"))
    #expect(outcome.latest.loss == loss)
    #expect(outcome.latest.accuracy.test > 0.8, "\(loss): test accuracy \(outcome.latest.accuracy.test)")
    let log = try String(contentsOfFile: root + "/runs/tiny/r/log.csv", encoding: .utf8).split(separator: "\n")
      .dropFirst()
    let losses = log.compactMap { Double($0.split(separator: ",")[2]) }
    #expect(losses.allSatisfy { $0.isFinite })
    let start = losses.prefix(3).reduce(0, +) / 3
    let end = losses.suffix(3).reduce(0, +) / 3
    #expect(end < 0.7 * start, "\(loss): loss \(start) -> \(end)")
    let checkpoint = try CheckpointReader.read(root + "/runs/tiny/r")
    #expect((checkpoint.alpha != nil) == (loss == .l2Softmax))
  }

  @Test func softmaxWarmupHandsItsWeightsToTheMarginHead() throws {
    let root = TinyDataset.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    try TinyDataset.write(to: root + "/data")
    let warm = try plan(root + "/data", loss: "arcface", extra: #", "softmaxWarmupEpochs": 1"#)
    let outcome = try trainer(root + "/runs").train(warm)
    #expect(outcome.latest.accuracy.test > 0.8)
    let first = try RunDirectory(root: root + "/runs", experiment: "tiny", run: "r").readMetadata(epoch: 1)
    #expect(first.loss == .softmax, "epoch 1 trains the warm-up head")
    #expect(outcome.latest.loss == .arcFace)
  }
}

extension String {
  fileprivate func appendingFile(_ path: String) throws {
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(utf8))
  }
}
