import Foundation
import Testing

/// `margins train` with `snapshotEvery`, then `margins render --animate` on the run: end to end.
@Suite(.timeLimit(.minutes(5)), .serialized) struct SnapshotAnimationTests {
  /// An MLP softmax run over the 40 training images in batches of 20 (2 iterations per epoch).
  private func experiment(_ data: TinyIDXData, epochs: Int, snapshotEvery: Int) throws {
    try data.experiment(
      text: """
        { "name": "tiny", "dataset": { "name": "\(data.data)" },
          "settings": { "network": "mlp", "epochs": \(epochs), "batchSize": 20, "learningRate": 0.05, "schedule": "constant",
                        "snapshotEvery": \(snapshotEvery) },
          "runs": [ { "name": "r", "loss": "softmax" } ] }
        """)
  }

  private func trainAndAnimate(_ data: TinyIDXData, name: String) throws -> MarginsProcess.Result {
    let trained = try MarginsProcess.run(
      ["train", "tiny.json", "--runs-dir", data.runs, "--workers", "1"], in: data.root)
    #expect(trained.status == 0, "\(trained.text)")
    return try MarginsProcess.run(
      ["render", data.runs + "/tiny/r", "--animate", "--out", data.root + "/out", "--name", name, "--dpi", "40"],
      in: data.root)
  }

  @Test func aRunWithSnapshotsAnimatesEveryEpochAndSnapshotInIterationOrder() throws {
    let data = try TinyIDXData()
    defer { data.remove() }
    // 6 iterations in 3 epochs; a snapshot every 2.
    try experiment(data, epochs: 3, snapshotEvery: 2)
    let rendered = try trainAndAnimate(data, name: "training")
    let snapshots = try FileManager.default.contentsOfDirectory(atPath: data.runs + "/tiny/r/snapshots").sorted()
    #expect(snapshots == ["iter-0000002.npz", "iter-0000004.npz", "iter-0000006.npz"])
    #expect(rendered.status == 0, "\(rendered.text)")
    // Three epoch checkpoints and three snapshots; the snapshots at iterations 2, 4 and 6 are the
    // epochs' last iterations, so each pair is one frame: three frames.
    #expect(rendered.text.contains("training.gif (3 frames"), "\(rendered.text)")
    let gif = try Data(contentsOf: URL(fileURLWithPath: data.root + "/out/training.gif"))
    #expect(gif.prefix(6) == Data("GIF89a".utf8))
    #expect(gif.range(of: Data("NETSCAPE2.0".utf8)) != nil)
  }

  @Test func snapshotsBetweenEpochsAddFrames() throws {
    let data = try TinyIDXData()
    defer { data.remove() }
    // 2 epochs of 2 iterations, a snapshot every iteration: 4 snapshots (2 at epoch ends).
    try experiment(data, epochs: 2, snapshotEvery: 1)
    let rendered = try trainAndAnimate(data, name: "smooth")
    #expect(rendered.status == 0, "\(rendered.text)")
    #expect(rendered.text.contains("smooth.gif (4 frames"), "\(rendered.text)")
  }

  @Test func aSnapshotIntervalBeyondTheRunNamesTheField() throws {
    let data = try TinyIDXData()
    defer { data.remove() }
    try experiment(data, epochs: 1, snapshotEvery: 5)
    let result = try MarginsProcess.run(
      ["train", "tiny.json", "--runs-dir", data.runs, "--kernel-threads", "1"], in: data.root)
    #expect(result.status != 0)
    #expect(
      result.errors.contains("settings.snapshotEvery") && result.errors.contains("2 iterations"), "\(result.errors)")
  }

  @Test func reportNamesADamagedSnapshotAndWritesNothing() throws {
    let data = try TinyIDXData()
    defer { data.remove() }
    try experiment(data, epochs: 1, snapshotEvery: 1)
    let trained = try MarginsProcess.run(
      ["train", "tiny.json", "--runs-dir", data.runs, "--workers", "1"], in: data.root)
    #expect(trained.status == 0, "\(trained.text)")
    let snapshot = data.runs + "/tiny/r/snapshots/iter-0000001.npz"
    try Data("not a zip archive".utf8).write(to: URL(fileURLWithPath: snapshot))
    let out = data.root + "/report.md"
    let report = try MarginsProcess.run(["report", "--runs-dir", data.runs, "--out", out], in: data.root)
    #expect(report.status != 0)
    #expect(report.errors.contains(snapshot), "\(report.errors)")
    #expect(!FileManager.default.fileExists(atPath: out))
  }
}
