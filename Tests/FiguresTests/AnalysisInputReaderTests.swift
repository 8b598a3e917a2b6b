import FileFormats
import Foundation
import Testing

@testable import Figures

/// `margins analyze`'s input assembly, in the module (the CLI only parses, calls and prints).
@Suite struct AnalysisInputReaderTests {
  @Test func withoutWeightsTheClassesAreTheLabelsPresentAndNotesComeBack() throws {
    let features: [Float] = [1, 0, 0.9, 0.1, 0, 1, .nan, 1, -0.1, 0.9]
    let data = try NumpyArchive.data([
      ("features", NumpyArray(shape: [5, 2], values: .float32(features))),
      ("labels", NumpyArray(shape: [5], values: .int64([3, 3, 8, 8, 8]))),
    ])
    let path = NSTemporaryDirectory() + "analysis-input-\(UUID().uuidString).npz"
    try data.write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    var options = EmbeddingReader.Options()
    options.dropNonfinite = true
    let (input, notes) = try AnalysisInputReader.read(path, options: options)
    #expect(input.classNames == ["3", "8"])
    #expect(input.splits.count == 1 && input.splits[0].labels == [0, 0, 1, 1])
    #expect(notes.contains { $0.contains("dropped 1 rows") })
  }

  @Test func aNPYWithoutLabelsIsRefusedByName() throws {
    #expect {
      _ = try AnalysisInputReader.read("/tmp/features.npy", options: EmbeddingReader.Options())
    } throws: { "\($0)".contains("/tmp/features.npy") && "\($0)".contains("--labels") }
  }
}
