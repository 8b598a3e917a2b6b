import _TestSupport
import Foundation
import FileFormats
import Testing

@testable import Checkpoints

/// Replays the committed checkpoint-metadata fuzz seeds and crash inputs: each returns or throws,
/// never crashes; the seed written by this version's `RunDirectory` still decodes.
@Suite struct CheckpointsFuzzInputTests {
  @Test func metadataInputs() throws {
    let inputs = FuzzInputs.all("CheckpointMetadata")
    #expect(inputs.count >= 1)
    for (name, data) in inputs { _ = try? CheckpointMetadata(decoding: data, path: name) }
    let sample = try #require(inputs.first { $0.name.hasSuffix("FuzzCorpus/CheckpointMetadata/sample.json") })
    let metadata = try CheckpointMetadata(decoding: sample.data, path: sample.name)
    #expect(metadata.network.featureDimension == 2 && metadata.classNames == ["3", "8", "1"])
  }

  @Test func aCommittedCheckpointArchiveStillReads() throws {
    let archive = try #require(FuzzInputs.all("Numpy").first { $0.name.hasSuffix("checkpoint.npz") })
    let metadata = try #require(FuzzInputs.all("CheckpointMetadata").first { $0.name.hasSuffix("sample.json") })
    let decoded = try CheckpointMetadata(decoding: metadata.data, path: metadata.name)
    let arrays = try RunDirectory.translatingFileErrors { try NumpyArchive.read(archive.data, path: archive.name) }
    let checkpoint = try FeatureCheckpoint(metadata: decoded, arrays: arrays, path: archive.name)
    #expect(checkpoint.trainLabels.count == 5 && checkpoint.classWeights.count == 6)
  }
}
