import FileFormats
import Foundation
import Testing
@testable import Checkpoints

/// The snapshot files, the one list of what a run directory may hold, and the configuration in state files.
@Suite struct RunDirectorySnapshotTests {
  let root = NSTemporaryDirectory() + "margins-snapshots-\(UUID().uuidString)"

  private func snapshot(_ iteration: Int) -> [(name: String, array: NumpyArray)] {
    [
      ("test_features", NumpyArray(shape: [2, 2], values: .float32([1, 0, 0, 1]))),
      ("test_labels", NumpyArray(shape: [2], values: .uint8([0, 1]))),
      ("class_weights", NumpyArray(shape: [2, 2], values: .float32([1, 0, 0, 1]))),
      ("iteration", NumpyArray(shape: [], values: .int64([Int64(iteration)]))),
    ]
  }

  @Test func snapshotsAreListedRemovedAndVerified() throws {
    defer { try? FileManager.default.removeItem(atPath: root) }
    let run = RunDirectory(path: root + "/run")
    for iteration in [20, 5, 10] { try run.writeSnapshot(snapshot(iteration), iteration: iteration) }
    // Not a snapshot name: other digit counts, other suffixes.
    try Data().write(to: URL(fileURLWithPath: run.snapshotDirectory + "/iter-15.npz"))
    #expect(run.snapshotIterations() == [5, 10, 20])
    #expect(run.verifySnapshots().isEmpty)
    let truncated = try Data(contentsOf: URL(fileURLWithPath: run.snapshotPath(iteration: 10))).prefix(40)
    try truncated.write(to: URL(fileURLWithPath: run.snapshotPath(iteration: 10)))
    #expect(run.verifySnapshots().map(\.path) == [run.snapshotPath(iteration: 10)])
    try run.removeSnapshots(afterIteration: 5)
    #expect(run.snapshotIterations() == [5])
  }

  @Test func theRunDirectoryListKnowsEveryTrainerFileAndNothingElse() throws {
    defer { try? FileManager.default.removeItem(atPath: root) }
    let run = RunDirectory(path: root + "/run")
    try run.writeSnapshot(snapshot(5), iteration: 5)
    for name in [
      "latest", "log.csv", ".margins-run.json", "epoch-001.npz", "epoch-001.json", "epoch-001.state.npz",
      ".latest.12.ab.tmp",
    ] {
      try Data().write(to: URL(fileURLWithPath: run.path + "/" + name))
    }
    #expect(run.foreignEntry() == nil)
    try Data().write(to: URL(fileURLWithPath: run.path + "/notes.txt"))
    #expect(run.foreignEntry() == "notes.txt")
    try FileManager.default.removeItem(atPath: run.path + "/notes.txt")
    try FileManager.default.createDirectory(atPath: run.path + "/figures", withIntermediateDirectories: false)
    #expect(run.foreignEntry() == "figures")
    #expect(
      RunDirectory.isRunEntry("snapshots", isDirectory: true)
        && !RunDirectory.isRunEntry("snapshots", isDirectory: false))
  }

  @Test func aStateFileRecordsItsConfiguration() throws {
    defer { try? FileManager.default.removeItem(atPath: root) }
    let run = RunDirectory(path: root + "/run")
    let configuration = JSONValue.object(["learningRate": .number(0.05), "trainingCode": .string("abc")])
    try run.writeState(
      [("w", NumpyArray(shape: [1], values: .float32([1]))), RunDirectory.stateConfiguration(configuration)], epoch: 2)
    #expect(try run.stateConfiguration(epoch: 2) == configuration)
    #expect(run.recordedConfiguration() == configuration)
    try run.writeState(
      [(RunDirectory.stateConfigurationArray, NumpyArray(shape: [], values: .strings(["{not json"])))], epoch: 3)
    #expect(throws: CheckpointError.self) { _ = try run.stateConfiguration(epoch: 3) }
    // State written before the configuration was recorded: none, and no error.
    try run.writeState([("w", NumpyArray(shape: [1], values: .float32([1])))], epoch: 4)
    #expect(try run.stateConfiguration(epoch: 4) == nil)
  }
}
