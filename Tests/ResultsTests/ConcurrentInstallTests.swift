import Checkpoints
import Dispatch
import Foundation
import Testing
import Experiments

@testable import Results

/// Installs that race each other, and shipped trees that point outside themselves.
@Suite(.timeLimit(.minutes(5))) struct ConcurrentInstallTests {
  /// Two installs of one plan; each worker writes only its own outcome.
  final class Race: @unchecked Sendable {
    // Unchecked: the inputs are read only, and each worker writes only its own index.
    let shipped: ShippedResults
    let plan: RunPlan
    let runs: String
    let manifest: [String: String]
    var items: [Result<ShippedResults.Installation, any Error>?] = [nil, nil]

    init(shipped: ShippedResults, plan: RunPlan, runs: String, manifest: [String: String]) {
      (self.shipped, self.plan, self.runs, self.manifest) = (shipped, plan, runs, manifest)
    }

    func run(_ k: Int) { items[k] = Result { try shipped.install(plan, into: runs, manifest: manifest) } }
  }

  /// Two installers of one run into one runs directory, round after round (two `make figures` in
  /// one checkout): the run lock lets one copy while the other waits and then finds it up to date.
  @Test func twoInstallsAtOnceNeverFailAndNeverLeaveARunWithoutItsArrays() throws {
    let base = ShippedResultsTests.scratch()
    defer { try? FileManager.default.removeItem(atPath: base) }
    let (plan, shipped) = try ShippedResultsTests.shipFirstRun(base: base)
    let manifest = try shipped.manifest()
    for round in 0..<8 {
      let runs = base + "/clone-\(round)"
      let race = Race(shipped: shipped, plan: plan, runs: runs, manifest: manifest)
      DispatchQueue.concurrentPerform(iterations: 2) { race.run($0) }
      let results = try race.items.map { try #require($0).get() }
      #expect(results.filter { $0 == .installed(replacedStale: nil) }.count == 1, "round \(round): \(results)")
      #expect(results.filter { $0 == .upToDate }.count == 1, "round \(round): \(results)")
      let installed = RunDirectory(root: runs, experiment: "demo", run: "a")
      #expect(try installed.readCheckpoint(epoch: 2).testFeatures.count == 12)
      #expect(ShippedResults.staleness(of: installed, for: plan) == nil)
      // No staging directory is left beside the run.
      let siblings = try FileManager.default.contentsOfDirectory(atPath: runs + "/demo")
      #expect(siblings.filter { !$0.hasPrefix(".") }.sorted() == ["a"])
    }
  }

  /// A shipped file replaced by a link to a file outside the shipped tree, with the same bytes (so
  /// its digest still matches): the install names it and copies nothing.
  @Test func aShippedLinkToAFileOutsideIsRefusedAndNothingIsInstalled() throws {
    let base = ShippedResultsTests.scratch()
    defer { try? FileManager.default.removeItem(atPath: base) }
    let (plan, shipped) = try ShippedResultsTests.shipFirstRun(base: base)
    let log = base + "/results/demo/a/log.csv"
    let outside = base + "/outside-log.csv"
    try FileManager.default.moveItem(atPath: log, toPath: outside)
    try FileManager.default.createSymbolicLink(atPath: log, withDestinationPath: outside)
    #expect {
      _ = try shipped.install(plan, into: base + "/clone", manifest: try shipped.manifest())
    } throws: { error in
      let text = "\(error)"
      return text.contains(log) && text.contains("symbolic link")
    }
    #expect(!FileManager.default.fileExists(atPath: base + "/clone/demo/a"))
  }
}
