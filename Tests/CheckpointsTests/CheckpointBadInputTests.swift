import FileFormats
import Foundation
import Testing

@testable import Checkpoints

/// Hostile checkpoints from issue 14: each is a named error, never a crash; `verifyCheckpoints`
/// reports every bad epoch.
@Suite(.timeLimit(.minutes(5))) struct CheckpointBadInputTests {
  /// The `.npz` of `checkpoint` with array `name` replaced by raw `.npy` bytes.
  static func archive(_ checkpoint: FeatureCheckpoint, replacing name: String, with npy: Data) throws -> Data {
    let members = checkpoint.arrays().map { ($0.name + ".npy", $0.name == name ? npy : $0.array.npyData()) }
    return try ZipArchive.storedArchive(members.map { (name: $0.0, data: $0.1) })
  }

  /// Writes `npz` as epoch 1's arrays with a matching sha256 in the metadata, as a bad trainer would.
  static func install(_ npz: Data, metadataOf checkpoint: FeatureCheckpoint, in run: RunDirectory) throws {
    try run.write(checkpoint, state: [])
    try AtomicFile.write(npz, to: run.featuresPath(epoch: 1))
    var metadata = checkpoint.metadata
    metadata.arraysSHA256 = Checksum.sha256(npz)
    try AtomicFile.write(try RunDirectory.encoder.encode(metadata), to: run.metadataPath(epoch: 1))
  }

  @Test func anNpyShapeOf2To62SquaredIsAnErrorNotACrash() throws {
    let run = RunDirectoryTests.temporaryRun()
    defer { RunDirectoryTests.removeScratchRoot(of: run) }
    let checkpoint = RunDirectoryTests.sample()
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4611686018427387904), }"
    header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
    let npy =
      Data([0x93]) + Data("NUMPY".utf8) + Data([1, 0, UInt8(header.utf8.count), 0]) + Data(header.utf8)
      + Data(count: 40)
    try Self.install(
      try Self.archive(checkpoint, replacing: "train_features", with: npy), metadataOf: checkpoint, in: run)
    #expect {
      try CheckpointReader.read(run.featuresPath(epoch: 1))
    } throws: { error in
      guard case .malformed(let path, let reason) = error as? CheckpointError else { return false }
      return path.hasSuffix("epoch-001.npz!train_features") && reason.contains("too large")
    }
  }

  @Test func featureRowsMustMatchTheLabelsAndWeightsTheDimension() throws {
    let checkpoint = RunDirectoryTests.sample()
    var arrays = Dictionary(uniqueKeysWithValues: checkpoint.arrays().map { ($0.name, $0.array) })
    arrays["train_features"] = NumpyArray(shape: [4, 2], values: .float32([Float](repeating: 0, count: 8)))
    #expect(throws: CheckpointError.mismatch(path: "x.npz", reason: "train_features has shape [4, 2], expected [5, 2]"))
    {
      try FeatureCheckpoint(metadata: checkpoint.metadata, arrays: arrays, path: "x.npz")
    }
    arrays = Dictionary(uniqueKeysWithValues: checkpoint.arrays().map { ($0.name, $0.array) })
    arrays["class_weights"] = NumpyArray(shape: [3, 3], values: .float32([Float](repeating: 0, count: 9)))
    #expect(throws: CheckpointError.mismatch(path: "x.npz", reason: "class_weights has shape [3, 3], expected [3, 2]"))
    {
      try FeatureCheckpoint(metadata: checkpoint.metadata, arrays: arrays, path: "x.npz")
    }
  }

  @Test func impossibleMetadataIsRefusedNamingTheField() throws {
    var metadata = RunDirectoryTests.sample().metadata
    metadata.network.featureDimension = 0
    let data = try RunDirectory.encoder.encode(metadata)
    #expect(
      throws: CheckpointError.malformed(path: "m.json", reason: "network.featureDimension is 0; expected 1...4096")
    ) {
      try CheckpointMetadata(decoding: data, path: "m.json")
    }
    let missingField = Data(#"{"formatVersion": 1, "experiment": "x"}"#.utf8)
    #expect {
      try CheckpointMetadata(decoding: missingField, path: "m.json")
    } throws: { error in
      "\(error)".hasPrefix("m.json: malformed checkpoint: metadata does not decode: ")
        && "\(error)".contains("is missing")
    }
  }

  @Test func verificationReportsCorruptDeletedAndMissingCheckpoints() throws {
    let run = RunDirectoryTests.temporaryRun()
    defer { RunDirectoryTests.removeScratchRoot(of: run) }
    for epoch in 1...4 { try run.write(RunDirectoryTests.sample(epoch: epoch), state: []) }
    #expect(run.verifyCheckpoints().allSatisfy { $0.isGood })
    // Epoch 1: one bit flipped; epoch 2: arrays deleted; epoch 4: both files deleted but `latest` names it.
    var bytes = try Data(contentsOf: URL(fileURLWithPath: run.featuresPath(epoch: 1)))
    bytes[bytes.count / 2] ^= 0x01
    try bytes.write(to: URL(fileURLWithPath: run.featuresPath(epoch: 1)))
    try FileManager.default.removeItem(atPath: run.featuresPath(epoch: 2))
    try FileManager.default.removeItem(atPath: run.featuresPath(epoch: 4))
    try FileManager.default.removeItem(atPath: run.metadataPath(epoch: 4))
    let results = run.verifyCheckpoints()
    #expect(results.map(\.epoch) == [1, 2, 3, 4])
    #expect(results.map(\.isGood) == [false, false, true, false])
    #expect(results[0].problem?.description.contains("sha256") == true)
    #expect(
      results[1].problem
        == .missing(
          path: run.featuresPath(epoch: 2),
          hint: "Its metadata \(run.metadataPath(epoch: 2)) exists; the run may have been copied incompletely."))
    #expect(results[3].problem?.description.hasPrefix(run.metadataPath(epoch: 4)) == true)
  }

  @Test func writingAnEpochRemovesStaleTemporaryFilesOfDeadWriters() throws {
    let run = RunDirectoryTests.temporaryRun()
    defer { RunDirectoryTests.removeScratchRoot(of: run) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    try FileBytes.createDirectories(run.path)
    let stale = run.path + "/.epoch-001.npz.\(process.processIdentifier).x1.tmp"
    FileManager.default.createFile(atPath: stale, contents: Data("half".utf8))
    try run.write(RunDirectoryTests.sample(), state: [])
    #expect(!FileManager.default.fileExists(atPath: stale))
  }

  @Test func unreadableAndMisplacedFilesAreSentences() throws {
    let run = RunDirectoryTests.temporaryRun()
    defer { RunDirectoryTests.removeScratchRoot(of: run) }
    try FileBytes.createDirectories(run.metadataPath(epoch: 1))  // a directory where the JSON belongs
    #expect(
      throws: CheckpointError.unreadable(path: run.metadataPath(epoch: 1), reason: "it is a directory, not a file")
    ) {
      try run.readMetadata(epoch: 1)
    }
  }
}
