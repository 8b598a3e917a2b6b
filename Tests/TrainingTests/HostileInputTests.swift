import Checkpoints
import Experiments
import Foundation
import MarginMath
import _TestSupport
import Testing
@testable import Training

/// What issue 14 found the trainer doing with hostile but fair input: writing outside the runs
/// directory, deleting what it did not create, two trainers on one run, checks that came only after
/// an epoch, and resumes that never completed. Each test fails on the old behaviour.
@Suite(.timeLimit(.minutes(5)), .serialized) struct HostileInputTests {
  private func experiment(
    _ data: String, dataset: String? = nil, run: String = "r", loss: String = "softmax",
    parameters: String = "{}", batchSize: Int = 40, settings: String = ""
  ) throws -> RunPlan {
    let text = """
      { "name": "tiny", "dataset": \(dataset ?? #"{ "name": "\#(data)" }"#),
        "settings": { "network": "mlp", "epochs": 2, "batchSize": \(batchSize), "learningRate": 0.05, "schedule": "constant",
                      "seed": 11 \(settings) },
        "runs": [ { "name": "\(run)", "loss": "\(loss)", "parameters": \(parameters) } ] }
      """
    return try #require(try Experiment(data: Data(text.utf8), file: "tiny.json").plans(profile: "default").first)
  }

  private func train(
    _ plan: RunPlan, runs: String, until: Int? = nil, workers: Int = 2, fresh: Bool = false,
    lines: LineCollector? = nil
  ) throws -> RunOutcome {
    let trainer = Trainer(
      options: TrainerOptions(
        runsRoot: runs, dataRoot: "unused", workers: workers, kernelThreads: 1, untilEpoch: until,
        codeVersion: "test", startsAfresh: fresh),
      progress: ProgressReporter(isTerminal: false, plainLineInterval: 1e9, output: { lines?.append($0) }))
    return try withKernelThreads(1) { try trainer.train(plan) }
  }

  private func expectError(_ fragments: [String], _ body: () throws -> Void) {
    do {
      try body()
      Issue.record("no error; expected one mentioning \(fragments)")
    } catch {
      let text = "\(error)"
      for fragment in fragments { #expect(text.contains(fragment), "\(text)") }
    }
  }

  private func withTinyData(_ body: (_ root: String, _ data: String) throws -> Void) throws {
    let root = TinyDataset.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    try TinyDataset.write(to: root + "/data")
    try body(root, root + "/data")
  }

  @Test func aFreshRunNeverDeletesADirectoryMarginsDidNotCreate() throws {
    try withTinyData { root, data in
      let plan = try experiment(data)
      let foreign = root + "/runs/tiny/r"
      try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
      try "mine".write(toFile: foreign + "/notes.txt", atomically: true, encoding: .utf8)
      expectError(["was not created by margins train", "notes.txt"]) {
        _ = try train(plan, runs: root + "/runs", fresh: true)
      }
      #expect(FileManager.default.fileExists(atPath: foreign + "/notes.txt"))
      // A directory margins made carries its marker, and --fresh starts it over.
      try FileManager.default.removeItem(atPath: foreign)
      _ = try train(plan, runs: root + "/runs", until: 1)
      #expect(FileManager.default.fileExists(atPath: foreign + "/" + RunClaim.markerName))
      _ = try train(plan, runs: root + "/runs", until: 1, fresh: true)
      #expect(RunDirectory(path: foreign).savedEpochs() == [1])
    }
  }

  @Test func aRunDirectoryLinkedOutsideTheRootIsRefused() throws {
    try withTinyData { root, data in
      let outside = root + "/victim"
      try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
      try FileManager.default.createDirectory(atPath: root + "/runs/tiny", withIntermediateDirectories: true)
      try FileManager.default.createSymbolicLink(atPath: root + "/runs/tiny/r", withDestinationPath: outside)
      expectError(["outside the runs directory"]) {
        _ = try train(try experiment(data), runs: root + "/runs", fresh: true)
      }
      #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
    }
  }

  @Test func aSecondTrainerOnTheSameRunIsToldWhoHoldsIt() throws {
    try withTinyData { root, data in
      let plan = try experiment(data)
      let holder = try RunClaim(root: root + "/runs", experiment: "tiny", run: "r")
      defer { holder.release() }
      expectError(["being trained by process \(getpid())", ".r.lock"]) { _ = try train(plan, runs: root + "/runs") }
      #expect(RunDirectory(path: holder.directory.path).stateEpochs().isEmpty)
      holder.release()
      _ = try train(plan, runs: root + "/runs")
      let rows = try String(contentsOfFile: holder.directory.logPath, encoding: .utf8).split(separator: "\n")
      #expect(rows.count == 1 + 2 * 4, "one row per iteration, none twice")
    }
  }

  @Test func theClassCountComesFromTheData() throws {
    try withTinyData { root, data in
      // CosFace m = 0.35 is beyond the 10-class bound (0.191) but inside the 4-class one (1.0).
      let outcome = try train(
        try experiment(data, loss: "cosface", parameters: #"{ "m": 0.35 }"#), runs: root + "/runs")
      #expect(outcome.latest.classNames.count == 4)
      expectError(["tiny.json: runs[0].parameters", "m"]) {
        _ = try train(
          try experiment(data, run: "s", loss: "cosface", parameters: #"{ "m": 1.5 }"#), runs: root + "/runs")
      }
    }
  }

  @Test func settingsThatDoNotFitTheDataFailBeforeAnyWrite() throws {
    try withTinyData { root, data in
      expectError(["tiny.json: runs[0].settings.batchSize", "larger than the 160 training images"]) {
        _ = try train(try experiment(data, batchSize: 500), runs: root + "/runs")
      }
      expectError(["tiny.json: dataset.trainCaps.7", "4 classes"]) {
        _ = try train(
          try experiment(data, dataset: #"{ "name": "\#(data)", "trainCaps": { "7": 10 } }"#), runs: root + "/runs")
      }
      #expect(!FileManager.default.fileExists(atPath: root + "/runs"))
    }
  }

  @Test func testImagesOfAnotherSizeAreRefusedBeforeTraining() throws {
    let root = TinyDataset.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    try TinyDataset.write(to: root + "/data", testSize: (16, 49))
    expectError(["16", "49"]) { _ = try train(try experiment(root + "/data"), runs: root + "/runs") }
    #expect(!FileManager.default.fileExists(atPath: root + "/runs/tiny/r/epoch-001.state.npz"))
  }

  @Test func advisoryWarningsArePrintedAndRecorded() throws {
    try withTinyData { root, data in
      let lines = LineCollector()
      let outcome = try train(
        try experiment(data, loss: "l2-softmax", parameters: #"{ "alpha": 1 }"#), runs: root + "/runs", lines: lines)
      let warnings = try #require(outcome.latest.warnings)
      #expect(warnings.contains { $0.contains("alpha") }, "\(warnings)")
      #expect(lines.text.contains("warning: alpha"))
      let onDisk = try RunDirectory(root: root + "/runs", experiment: "tiny", run: "r").readMetadata(epoch: 2)
      #expect(onDisk.warnings == warnings)
    }
  }

  @Test func untilEpochZeroIsAnError() throws {
    try withTinyData { root, data in
      expectError(["--until-epoch", "found 0"]) { _ = try train(try experiment(data), runs: root + "/runs", until: 0) }
    }
  }

  @Test func resumingWithOtherThreadCountsIsRefused() throws {
    try withTinyData { root, data in
      let plan = try experiment(data)
      _ = try train(plan, runs: root + "/runs", until: 1, workers: 2)
      expectError(["--workers 2", "now --workers 1", "summation order"]) {
        _ = try train(plan, runs: root + "/runs", workers: 1)
      }
    }
  }

  /// A kill between an epoch's features and its state (or, with older code, between its state and
  /// its features) leaves a resume that still ends exactly as the uninterrupted run.
  @Test(arguments: [["epoch-002.state.npz"], ["epoch-002.npz", "epoch-002.json", "latest"]])
  func aHalfWrittenEpochIsTrainedAgain(removed: [String]) throws {
    try withTinyData { root, data in
      let plan = try experiment(data)
      _ = try train(plan, runs: root + "/a")
      _ = try train(plan, runs: root + "/b")
      let a = RunDirectory(root: root + "/a", experiment: "tiny", run: "r")
      let b = RunDirectory(root: root + "/b", experiment: "tiny", run: "r")
      for name in removed { try FileManager.default.removeItem(atPath: b.path + "/" + name) }
      let outcome = try train(plan, runs: root + "/b")
      #expect(outcome.epochsTrained == 1)
      #expect(b.savedEpochs() == [1, 2] && b.stateEpochs() == [1, 2])
      let same =
        try Data(contentsOf: URL(fileURLWithPath: a.featuresPath(epoch: 2)))
        == Data(contentsOf: URL(fileURLWithPath: b.featuresPath(epoch: 2)))
      #expect(same)
      #expect(
        try String(contentsOfFile: a.logPath, encoding: .utf8) == String(contentsOfFile: b.logPath, encoding: .utf8))
    }
  }

  @Test func theProgressBarFitsTheTerminal() {
    let fields = "epoch 3/20  it 1234/9380  loss 0.1234  λ 0.163  lr 0.01  acc 0.984  ETA 12m03s"
    for columns in [40, 80, 120, 200] {
      let line = ProgressReporter.barLine(run: "lsoftmax-fig2/m4", fraction: 0.5, fields: fields, columns: columns)
      #expect(line.count < columns, "\(columns) columns: \(line.count) characters")
    }
    #expect(ProgressReporter.barLine(run: "e/r", fraction: 0.5, fields: fields, columns: 200).contains("ETA 12m03s"))
  }
}

/// Collects the reporter's output across the closure boundary.
final class LineCollector: @unchecked Sendable {
  // Appended from the training thread only, read after training ends.
  private(set) var text = ""
  func append(_ line: String) { text += line }
}
