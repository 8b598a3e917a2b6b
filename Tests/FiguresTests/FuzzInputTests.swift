import Checkpoints
import FileFormats
import _TestSupport
import Foundation
import FuzzSupport
import PlotKit
import Testing

@testable import Figures

/// Replays the committed FuzzEmbeddings seeds and crash inputs through `margins plot`'s reader and
/// figure builder, written to files the way the fuzz target writes them: each must return or throw.
@Suite struct EmbeddingFuzzInputTests {
  @Test func embeddingInputs() throws {
    let inputs = FuzzInputs.all("Embeddings")
    #expect(inputs.count >= 8)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "embedding-fuzz-inputs-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    for (name, data) in inputs {
      let files = try EmbeddingFiles(data, in: directory)
      let read = Result {
        try EmbeddingReader.read(files.path, options: .init(dropNonfinite: true, labelsPath: files.labelsPath))
      }
      // The seeds are valid files: each is read and drawn as a scatter (or sphere) figure.
      guard name.hasPrefix("FuzzCorpus") else { continue }
      let embeddings = try read.get()
      var options = CheckpointFigureOptions()
      options.splits = CheckpointViews.SplitChoice.allCases.filter { embeddings.split($0.rawValue) != nil }
      if options.splits.isEmpty { options.splits = [.test] }
      _ = try Figure.checkpointFigure(
        embeddings.dimension == 3 ? .sphere : .scatter, embeddings: [embeddings], options: options)
    }
  }

  /// FuzzEmbeddings also reads each `.npz` as a checkpoint's arrays under the metadata sample; the seed
  /// meant for that fits it.
  @Test func theCheckpointSeedFitsTheMetadataSample() throws {
    let sample = try #require(FuzzInputs.all("CheckpointMetadata").first { $0.name.hasSuffix("sample.json") })
    let metadata = try CheckpointMetadata(decoding: sample.data, path: sample.name)
    let seed = try #require(FuzzInputs.all("Embeddings").first { $0.name.hasSuffix("checkpoint-arrays.npz") })
    let checkpoint = try FeatureCheckpoint(
      metadata: metadata, arrays: NumpyArchive.read(seed.data, path: seed.name), path: seed.name)
    let embeddings = try EmbeddingReader.embeddings(checkpoint: checkpoint, path: seed.name)
    #expect(embeddings.splits.map(\.labels.count) == [5, 2])
  }

  /// Regression (FuzzEmbeddings, Tests/FuzzRegressions/Embeddings/leak-foundation-empty-csv): an empty
  /// CSV is refused with a sentence (it used to be read through Foundation, which leaked on it).
  @Test func anEmptyCSVIsRefusedByName() throws {
    let input = try #require(FuzzInputs.all("Embeddings").first { $0.name.hasSuffix("leak-foundation-empty-csv") })
    let path = NSTemporaryDirectory() + "empty-\(UUID().uuidString).csv"
    try input.data.write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: EmbeddingError(path: path, reason: "empty file (expected a header row)")) {
      try EmbeddingReader.read(path)
    }
  }

  /// The same for an empty labels `.npy` (read through the same leak before).
  @Test func anEmptyLabelsFileIsRefusedByName() throws {
    let directory = NSTemporaryDirectory() + "empty-labels-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let features = directory + "/features.npy", labels = directory + "/labels.npy"
    try NumpyArray(shape: [2, 2], values: .float32([0, 1, 1, 0])).npyData().write(to: URL(fileURLWithPath: features))
    try Data().write(to: URL(fileURLWithPath: labels))
    #expect(throws: FileFormatError.self) { try EmbeddingReader.read(features, options: .init(labelsPath: labels)) }
  }
}
