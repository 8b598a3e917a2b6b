import _TestSupport
import Foundation
import MarginMath
import Testing
@testable import Checkpoints

@Suite(.timeLimit(.minutes(5))) struct RunDirectoryTests {
  static func sample(epoch: Int = 1, trainCount: Int = 5) -> FeatureCheckpoint {
    let metadata = CheckpointMetadata(
      experiment: "demo", run: "m2", profile: "default", loss: .lSoftmax,
      lossParameters: LossParameters(m: 2, lambda: .lSoftmaxMNIST), lambda: 12.5, margin: 2, epoch: epoch,
      iteration: 100 * epoch, plannedEpochs: 3,
      accuracy: .init(test: 0.75, train: 0.8, trainMarginRule: 0.6), meanLoss: 0.42, seed: 1701, threads: 2,
      kernelThreads: 1,
      dataset: .init(
        name: "mnist", checksum: "abc", classes: [3, 8, 1], trainCaps: nil, trainCount: trainCount, testCount: 2),
      network: .init(architecture: "compact", featureDimension: 2, featureBias: false, parameterCount: 1234),
      classNames: ["3", "8", "1"], codeVersion: "test", wallTimeSeconds: 1.5, metrics: [:],
      configuration: .object(["epochs": .number(3)]))
    return FeatureCheckpoint(
      metadata: metadata, trainFeatures: (0..<(2 * trainCount)).map { Float($0) - 4.5 },
      trainLabels: (0..<trainCount).map { UInt8($0 % 3) }, testFeatures: [1, 2, -3, 0.5], testLabels: [2, 0],
      classWeights: [1, 0, -0.5, 0.866, -0.5, -0.866])
  }

  static func temporaryRun() -> RunDirectory {
    RunDirectory(root: NSTemporaryDirectory() + "runs-\(UUID().uuidString)", experiment: "demo", run: "m2")
  }

  /// Removes the scratch root `temporaryRun` made (the run's grandparent), not only the run.
  static func removeScratchRoot(of run: RunDirectory) {
    let root = ((run.path as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
    try? FileManager.default.removeItem(atPath: root)
  }

  @Test func writesAndReadsBackEveryEpoch() throws {
    let run = Self.temporaryRun()
    defer { Self.removeScratchRoot(of: run) }
    let state = [("net.weight", NumpyArray(shape: [2], values: .float32([1, 2])))]
    try run.write(Self.sample(epoch: 1), state: state)
    try run.write(Self.sample(epoch: 2), state: state)
    #expect(run.savedEpochs() == [1, 2])
    #expect(run.latestEpoch() == 2)
    let back = try run.readCheckpoint(epoch: 2)
    var expected = Self.sample(epoch: 2)
    expected.metadata.arraysSHA256 = back.metadata.arraysSHA256
    #expect(back == expected)
    #expect(try run.readState(epoch: 1)["net.weight"]?.floats == [1, 2])
    // A user may name the run directory, the .npz or the .json.
    #expect(try CheckpointReader.read(run.path).metadata.epoch == 2)
    #expect(try CheckpointReader.read(run.featuresPath(epoch: 1)).metadata.epoch == 1)
    #expect(try CheckpointReader.read(run.metadataPath(epoch: 1)).metadata.epoch == 1)
    // Nothing but the expected files: no temporary leftovers.
    let files = try FileManager.default.contentsOfDirectory(atPath: run.path).sorted()
    #expect(
      files == [
        "epoch-001.json", "epoch-001.npz", "epoch-001.state.npz", "epoch-002.json", "epoch-002.npz",
        "epoch-002.state.npz", "latest",
      ])
  }

  @Test func truncatedFeaturesAreNamed() throws {
    let run = Self.temporaryRun()
    defer { Self.removeScratchRoot(of: run) }
    try run.write(Self.sample(), state: [])
    let data = try Data(contentsOf: URL(fileURLWithPath: run.featuresPath(epoch: 1)))
    try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: run.featuresPath(epoch: 1)))
    do {
      _ = try CheckpointReader.read(run.featuresPath(epoch: 1))
      Issue.record("a truncated checkpoint was read")
    } catch let error as CheckpointError {
      #expect(error.description.contains("epoch-001.npz"))
      #expect(error.description.contains("sha256"))
    }
  }

  @Test func mismatchedPairIsDetected() throws {
    let run = Self.temporaryRun()
    defer { Self.removeScratchRoot(of: run) }
    try run.write(Self.sample(epoch: 1), state: [])
    try run.write(Self.sample(epoch: 2, trainCount: 7), state: [])
    // Copy epoch 2's arrays over epoch 1's: the metadata's sha256 no longer matches.
    try FileManager.default.removeItem(atPath: run.featuresPath(epoch: 1))
    try FileManager.default.copyItem(atPath: run.featuresPath(epoch: 2), toPath: run.featuresPath(epoch: 1))
    #expect(throws: CheckpointError.self) { try run.readCheckpoint(epoch: 1) }
  }

  @Test func shapesAreCheckedAgainstTheMetadata() throws {
    let checkpoint = Self.sample()
    var arrays = Dictionary(uniqueKeysWithValues: checkpoint.arrays().map { ($0.name, $0.array) })
    arrays["class_weights"] = NumpyArray(shape: [2, 3], values: .float32([0, 0, 0, 0, 0, 0]))
    #expect(throws: CheckpointError.mismatch(path: "x.npz", reason: "class_weights has shape [2, 3], expected [3, 2]"))
    {
      try FeatureCheckpoint(metadata: checkpoint.metadata, arrays: arrays, path: "x.npz")
    }
    arrays.removeValue(forKey: "test_labels")
    #expect(throws: CheckpointError.missingArray(path: "x.npz", name: "test_labels")) {
      try FeatureCheckpoint(metadata: checkpoint.metadata, arrays: arrays, path: "x.npz")
    }
  }

  @Test func otherFormatVersionsAndGarbageAreRefused() throws {
    let run = Self.temporaryRun()
    defer { Self.removeScratchRoot(of: run) }
    try run.write(Self.sample(), state: [])
    let path = run.metadataPath(epoch: 1)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    try text.replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 99")
      .write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: CheckpointError.unsupportedVersion(path: path, found: 99, supported: 1)) {
      try run.readCheckpoint(epoch: 1)
    }
    try "{\"formatVers".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: CheckpointError.self) { try run.readCheckpoint(epoch: 1) }
    #expect(throws: CheckpointError.self) { try CheckpointReader.read(run.path + "/nothing.npz") }
  }

  @Test(.enabled(if: Python.hasNumpy, "needs python3 with numpy"))
  func numpyLoadsAWrittenCheckpoint() throws {
    let run = Self.temporaryRun()
    defer { Self.removeScratchRoot(of: run) }
    try run.write(Self.sample(), state: [])
    let script = """
      import json, numpy as np
      z = np.load('\(run.featuresPath(epoch: 1))')
      assert z['train_features'].shape == (5, 2) and z['train_features'].dtype == np.float32
      assert z['train_labels'].dtype == np.uint8 and z['test_features'].shape == (2, 2)
      assert z['class_weights'].shape == (3, 2) and list(z['class_names']) == ['3', '8', '1']
      meta = json.load(open('\(run.metadataPath(epoch: 1))'))
      assert meta['loss'] == 'l-softmax' and meta['seed'] == 1701 and meta['dataset']['checksum'] == 'abc'
      print('ok')
      """
    #expect(try Python.shared.run(script) == "ok")
  }
}
