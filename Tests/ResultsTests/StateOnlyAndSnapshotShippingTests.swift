import Checkpoints
import Experiments
import FileFormats
import Foundation
import Testing
import Training
@testable import Results

/// Runs with training state only (the paper profile's unfinished runs) and runs with iteration
/// snapshots: both ship and install.
@Suite struct StateOnlyAndSnapshotShippingTests {
  /// A run that saved epoch 1's state (recording `recorded`'s configuration) and no feature checkpoint.
  static func stateOnlyRun(_ plan: RunPlan, root: String, recorded: RunPlan) throws -> RunDirectory {
    let run = RunDirectory(root: root, experiment: plan.experiment, run: plan.run)
    try FileManager.default.createDirectory(atPath: run.path, withIntermediateDirectories: true)
    try run.writeState(
      [("w", NumpyArray(shape: [1], values: .float32([1]))), RunDirectory.stateConfiguration(recorded.jsonValue)],
      epoch: 1)
    try Data("iteration,loss\n1,0.5\n".utf8).write(to: URL(fileURLWithPath: run.logPath))
    return run
  }

  @Test func aRunWithStateOnlyShipsWithIncludeUnfinishedAndInstalls() throws {
    let base = ShippedResultsTests.scratch()
    defer { try? FileManager.default.removeItem(atPath: base) }
    let plan = try ShippedResultsTests.plans()[0]
    let local = try Self.stateOnlyRun(plan, root: base + "/runs", recorded: plan)
    #expect(local.recordedConfiguration() == plan.jsonValue)
    #expect(ShippedResults.sameConfiguration(local, plan))
    let shipped = ShippedResults(root: base + "/results")
    #expect(
      try shipped.ship([plan], from: base + "/runs", includeUnfinished: false).first?.contains("not shipped") == true)
    let lines = try shipped.ship([plan], from: base + "/runs", includeUnfinished: true)
    #expect(lines.first?.contains("in progress, state of epoch 1") == true, "\(lines)")
    let manifest = try shipped.manifest()
    #expect(manifest.keys.sorted() == ["demo/a/epoch-001.state.npz", "demo/a/log.csv"])
    let installation = try shipped.install(plan, into: base + "/fresh", manifest: manifest)
    #expect(installation == .needsTraining(reason: "unfinished; resuming the shipped run from epoch 1"))
    let installed = RunDirectory(root: base + "/fresh", experiment: plan.experiment, run: plan.run)
    #expect(installed.stateEpochs() == [1] && installed.recordedConfiguration() == plan.jsonValue)
  }

  @Test func aStateOnlyRunOfOtherSettingsIsNotShipped() throws {
    let base = ShippedResultsTests.scratch()
    defer { try? FileManager.default.removeItem(atPath: base) }
    let plans = try ShippedResultsTests.plans()
    var other = plans[0]
    other.learningRate = 0.5
    let local = try Self.stateOnlyRun(plans[0], root: base + "/runs", recorded: other)
    #expect(!ShippedResults.sameConfiguration(local, plans[0]))
    let lines = try ShippedResults(root: base + "/results").ship(
      [plans[0]], from: base + "/runs", includeUnfinished: true)
    #expect(lines.first?.contains("not shipped") == true, "\(lines)")
  }

  @Test func snapshotsAreShippedAndInstalledUnderSnapshots() throws {
    let base = ShippedResultsTests.scratch()
    defer { try? FileManager.default.removeItem(atPath: base) }
    let plan = try ShippedResultsTests.plans()[0]
    try ShippedResultsTests.train(plan, root: base + "/runs", epochs: 2)
    let local = RunDirectory(root: base + "/runs", experiment: plan.experiment, run: plan.run)
    for iteration in [5, 10] {
      try local.writeSnapshot(
        [("test_features", NumpyArray(shape: [1, 2], values: .float32([1, 0])))], iteration: iteration)
    }
    let shipped = ShippedResults(root: base + "/results")
    _ = try shipped.ship([plan], from: base + "/runs", includeUnfinished: false)
    let manifest = try shipped.manifest()
    #expect(
      manifest.keys.contains("demo/a/snapshots/iter-0000005.npz")
        && manifest.keys.contains("demo/a/snapshots/iter-0000010.npz"))
    #expect(try shipped.install(plan, into: base + "/fresh", manifest: manifest) == .installed(replacedStale: nil))
    let installed = RunDirectory(root: base + "/fresh", experiment: plan.experiment, run: plan.run)
    #expect(installed.snapshotIterations() == [5, 10] && installed.savedEpochs() == [1, 2])
    #expect(installed.foreignEntry() == nil)
    // A stranger's file inside snapshots/ makes the directory someone else's.
    try Data().write(to: URL(fileURLWithPath: installed.snapshotDirectory + "/notes.txt"))
    #expect(installed.foreignEntry() == "snapshots/notes.txt")
  }
}
