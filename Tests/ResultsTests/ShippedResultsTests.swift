import Checkpoints
import Experiments
import Foundation
import MarginMath
import Testing
import Training
@testable import Results

/// Shipping, installing and comparing runs, on hand-made checkpoints whose recorded
/// configuration is that of a real plan (no training needed).
@Suite struct ShippedResultsTests {
  static let experimentJSON = Data(
    """
    { "name": "demo", "dataset": { "name": "mnist", "classes": [0, 1, 2] },
      "settings": { "network": "mlp", "epochs": 2, "batchSize": 40, "learningRate": 0.05, "schedule": "constant" },
      "runs": [ { "name": "a", "loss": "softmax" }, { "name": "b", "loss": "softmax" } ] }
    """.utf8)

  static func plans() throws -> [RunPlan] {
    try Experiment(data: experimentJSON, file: "demo.json").plans(profile: "default")
  }

  static func checkpoint(
    _ plan: RunPlan, epoch: Int, shift: Float = 0, isa: String = "avx512_core", cpu: String? = "Test CPU"
  ) -> FeatureCheckpoint {
    let labels: [UInt8] = [0, 1, 2, 0, 1, 2]
    let weights: [Float] = [1, 0, -0.5, 0.866, -0.5, -0.866]
    let features: [Float] = labels.flatMap { c in [weights[2 * Int(c)] * 3 + shift, weights[2 * Int(c) + 1] * 3] }
    let metrics = FeatureMetrics(
      features: features, labels: labels.map(Int.init), classWeights: weights, dimension: 2, accuracy: 1)
    var metadata = CheckpointMetadata(
      experiment: plan.experiment, run: plan.run, profile: plan.profile, loss: plan.loss,
      lossParameters: plan.lossParameters, lambda: 0, margin: 0, epoch: epoch, iteration: 10 * epoch,
      plannedEpochs: plan.epochs, accuracy: .init(test: 1, train: 1, trainMarginRule: 1), meanLoss: 0.1,
      seed: plan.seed, threads: 2, kernelThreads: 1,
      dataset: .init(name: "mnist", checksum: "abc", classes: [0, 1, 2], trainCaps: nil, trainCount: 6, testCount: 6),
      network: .init(architecture: "mlp", featureDimension: 2, featureBias: false, parameterCount: 10),
      classNames: ["0", "1", "2"], codeVersion: "test", wallTimeSeconds: 1,
      metrics: ["train": metrics, "test": metrics], configuration: plan.jsonValue)
    metadata.kernelISA = isa
    metadata.cpuModel = cpu
    return FeatureCheckpoint(
      metadata: metadata, trainFeatures: features, trainLabels: labels, testFeatures: features, testLabels: labels,
      classWeights: weights)
  }

  /// Writes a run trained to `epochs` (features every epoch, state every epoch).
  static func train(
    _ plan: RunPlan, root: String, epochs: Int, shift: Float = 0, isa: String = "avx512_core", cpu: String? = "Test CPU"
  ) throws {
    let run = RunDirectory(root: root, experiment: plan.experiment, run: plan.run)
    for epoch in 1...epochs {
      try run.write(
        checkpoint(plan, epoch: epoch, shift: shift, isa: isa, cpu: cpu),
        state: [("w", NumpyArray(shape: [1], values: .float32([1])))])
    }
    try Data("iteration,loss\n1,0.5\n".utf8).write(to: URL(fileURLWithPath: run.logPath))
  }

  static func scratch() -> String { NSTemporaryDirectory() + "margins-results-\(UUID().uuidString)" }

  /// The demo's first run trained to epoch 2 under `base/runs` and shipped to `base/results`.
  static func shipFirstRun(base: String) throws -> (plan: RunPlan, shipped: ShippedResults) {
    let plan = try plans()[0]
    try train(plan, root: base + "/runs", epochs: 2)
    let shipped = ShippedResults(root: base + "/results")
    _ = try shipped.ship([plan], from: base + "/runs", includeUnfinished: false)
    return (plan, shipped)
  }

  @Test func shipsFinishedRunsWithoutStateAndInstallsThem() throws {
    let base = Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: base) }
    let plans = try Self.plans()
    try Self.train(plans[0], root: base + "/runs", epochs: 2)
    try Self.train(plans[1], root: base + "/runs", epochs: 1)  // unfinished
    let shipped = ShippedResults(root: base + "/results")
    let lines = try shipped.ship(plans, from: base + "/runs", includeUnfinished: false)
    #expect(lines[0].contains("finished"))
    #expect(lines[1].contains("not shipped"))
    let files = try FileManager.default.contentsOfDirectory(atPath: base + "/results/demo/a").sorted()
    #expect(files == ["epoch-001.json", "epoch-001.npz", "epoch-002.json", "epoch-002.npz", "latest", "log.csv"])
    let manifest = try shipped.manifest()
    #expect(manifest.count == 6)

    let fresh = base + "/clone-runs"
    #expect(try shipped.install(plans[0], into: fresh, manifest: manifest) == .installed(replacedStale: nil))
    #expect(try shipped.install(plans[0], into: fresh, manifest: manifest) == .upToDate)
    guard case .needsTraining = try shipped.install(plans[1], into: fresh, manifest: manifest) else {
      Issue.record("an unshipped run was not reported as needing training")
      return
    }
    let installed = RunDirectory(root: fresh, experiment: "demo", run: "a")
    #expect(ShippedResults.staleness(of: installed, for: plans[0]) == nil)
    #expect(try installed.readCheckpoint(epoch: 2).metadata.run == "a")
  }

  @Test func aChangedSettingOrTrainingCodeMakesTheShippedRunStale() throws {
    let base = Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: base) }
    let (shippedPlan, shipped) = try Self.shipFirstRun(base: base)
    var plan = shippedPlan
    plan.trainingCode = "0000000000000000"
    guard
      case .needsTraining(let reason) = try shipped.install(
        plan, into: base + "/clone", manifest: try shipped.manifest())
    else {
      Issue.record("a shipped run of other training code was installed")
      return
    }
    #expect(reason.contains("trainingCode"))
    var longer = try Self.plans()[0]
    longer.learningRate = 0.5
    guard
      case .needsTraining(let why) = try shipped.install(
        longer, into: base + "/clone", manifest: try shipped.manifest())
    else {
      Issue.record("a shipped run of other settings was installed")
      return
    }
    #expect(why.contains("learningRate"))
    #expect(!FileManager.default.fileExists(atPath: base + "/clone/demo/a"))
  }

  @Test func aDamagedShippedFileIsNamedAndNothingIsInstalled() throws {
    let base = Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: base) }
    let (plan, shipped) = try Self.shipFirstRun(base: base)
    let victim = base + "/results/demo/a/epoch-002.npz"
    var bytes = try Data(contentsOf: URL(fileURLWithPath: victim))
    bytes[bytes.count / 2] ^= 0x40
    try bytes.write(to: URL(fileURLWithPath: victim))
    #expect {
      _ = try shipped.install(plan, into: base + "/clone", manifest: try shipped.manifest())
    } throws: { error in
      let text = "\(error)"
      return text.contains("epoch-002.npz") && text.contains("sha256") && text.contains("margins train demo --run a")
    }
    #expect(!FileManager.default.fileExists(atPath: base + "/clone/demo/a"))
  }

  @Test func anUnfinishedShippedRunIsInstalledWithItsStateToResume() throws {
    let base = Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: base) }
    let plans = try Self.plans()
    try Self.train(plans[1], root: base + "/runs", epochs: 1)
    let shipped = ShippedResults(root: base + "/results")
    let lines = try shipped.ship([plans[1]], from: base + "/runs", includeUnfinished: true)
    #expect(lines[0].contains("in progress"))
    guard
      case .needsTraining(let reason) = try shipped.install(
        plans[1], into: base + "/clone", manifest: try shipped.manifest())
    else {
      Issue.record("an unfinished run counted as done")
      return
    }
    #expect(reason.contains("resuming the shipped run from epoch 1"))
    #expect(RunDirectory(root: base + "/clone", experiment: "demo", run: "b").stateEpochs() == [1])
  }

  @Test func comparisonDemandsIdenticalBitsOnTheSameKernelOnly() throws {
    let base = Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: base) }
    let plan = try Self.plans()[0]
    try Self.train(plan, root: base + "/shipped", epochs: 2)
    try Self.train(plan, root: base + "/same", epochs: 2)
    try Self.train(plan, root: base + "/nudged", epochs: 2, shift: 1e-3)
    try Self.train(plan, root: base + "/other-isa", epochs: 2, shift: 1e-3, isa: "avx2")
    func compare(_ name: String) throws -> ResultComparison {
      try ResultComparison(
        shipped: RunDirectory(root: base + "/shipped", experiment: "demo", run: "a"),
        reproduced: RunDirectory(root: base + "/\(name)", experiment: "demo", run: "a"), experiment: "demo", run: "a")
    }
    let same = try compare("same")
    #expect(same.byteIdentical && same.mismatch() == nil)
    #expect(same.comparedEpochs == [1, 2])
    let nudged = try compare("nudged")
    #expect(!nudged.byteIdentical)
    #expect(nudged.mismatch()?.contains("feature arrays differ") == true)
    let other = try compare("other-isa")
    #expect(!other.sameKernel && other.mismatch() == nil)
    #expect(other.row.contains("within tolerance (other ISA)"))
    // The same ISA on another CPU model (or one the shipped run did not record) may block its
    // kernels differently: the tolerance applies, and the row says why.
    try Self.train(plan, root: base + "/other-cpu", epochs: 2, shift: 1e-3, cpu: "Another CPU")
    let otherCPU = try compare("other-cpu")
    #expect(otherCPU.sameKernel && !otherCPU.sameCPU && otherCPU.mismatch() == nil)
    #expect(otherCPU.row.contains("within tolerance (same ISA, other CPU)"))
    try Self.train(plan, root: base + "/unrecorded", epochs: 2, shift: 1e-3, cpu: nil)
    let unrecorded = try ResultComparison(
      shipped: RunDirectory(root: base + "/unrecorded", experiment: "demo", run: "a"),
      reproduced: RunDirectory(root: base + "/nudged", experiment: "demo", run: "a"), experiment: "demo", run: "a")
    #expect(!unrecorded.sameCPU && unrecorded.mismatch() == nil)
  }

  /// What `make reproduce` promises before it trains, from the shipped run's record and this machine.
  @Test func outlookNamesTheVerdictThisMachineCanReach() throws {
    let plan = try Self.plans()[0]
    var metadata = Self.checkpoint(plan, epoch: 1).metadata
    #expect(ReproductionOutlook(shipped: metadata, isa: "avx512_core", cpu: "Test CPU").verdict == .byteIdentical)
    #expect(ReproductionOutlook(shipped: metadata, isa: "avx512_core", cpu: "Other").verdict == .likelyByteIdentical)
    let otherISA = ReproductionOutlook(shipped: metadata, isa: "avx2", cpu: "Test CPU")
    #expect(
      otherISA.verdict == .withinTolerance && otherISA.reason.contains("avx512_core")
        && otherISA.reason.contains("avx2"))
    metadata.cpuModel = nil
    #expect(ReproductionOutlook(shipped: metadata, isa: "avx512_core", cpu: "Test CPU").verdict == .likelyByteIdentical)
    metadata.kernelISA = nil
    #expect(ReproductionOutlook(shipped: metadata, isa: "avx512_core", cpu: "Test CPU").verdict == .withinTolerance)
    #expect(
      ReproductionOutlook(shipped: metadata, isa: "avx2", cpu: "x").line(count: 3).hasPrefix("3 run(s) trained on"))
  }

  @Test func aManifestNamingAPathOutsideIsRefused() throws {
    let base = Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: base) }
    try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    let line = String(repeating: "a", count: 64) + "  ../../etc/passwd\n"
    try Data(line.utf8).write(to: URL(fileURLWithPath: base + "/SHA256SUMS"))
    #expect(throws: ShippedResultsError.self) { try ShippedResults(root: base).manifest() }
  }
}

@Suite struct ShippedResultsOwnershipTests {
  @Test func aStaleDirectoryHoldingSomeoneElsesFileIsNotReplaced() throws {
    let base = ShippedResultsTests.scratch()
    defer { try? FileManager.default.removeItem(atPath: base) }
    let (plan, shipped) = try ShippedResultsTests.shipFirstRun(base: base)
    let mine = base + "/clone/demo/a"
    try FileManager.default.createDirectory(atPath: mine, withIntermediateDirectories: true)
    try Data("my notes".utf8).write(to: URL(fileURLWithPath: mine + "/notes.txt"))
    #expect {
      _ = try shipped.install(plan, into: base + "/clone", manifest: try shipped.manifest())
    } throws: { "\($0)".contains("notes.txt") }
    #expect(FileManager.default.fileExists(atPath: mine + "/notes.txt"))
  }
}
