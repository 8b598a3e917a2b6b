import Foundation
import Testing

@testable import Checkpoints

/// `kernelThreads` was called `blasThreads` in the checkpoints written before the rename (every
/// shipped run's): new files write the new key only, and both keys load.
@Suite struct KernelThreadsKeyTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  func encoded(_ metadata: CheckpointMetadata) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(metadata)) as? [String: Any])
  }

  @Test func newFilesWriteKernelThreadsOnly() throws {
    var metadata = RunDirectoryTests.sample().metadata
    metadata.kernelThreads = 3
    let object = try encoded(metadata)
    #expect(object["kernelThreads"] as? Int == 3)
    #expect(object["blasThreads"] == nil)
    let data = try JSONEncoder().encode(metadata)
    #expect(try CheckpointMetadata(decoding: data, path: "new.json") == metadata)
  }

  @Test func filesWithTheFormerKeyLoad() throws {
    var object = try encoded(RunDirectoryTests.sample().metadata)
    object["blasThreads"] = 4
    object["kernelThreads"] = nil
    let data = try JSONSerialization.data(withJSONObject: object)
    #expect(try CheckpointMetadata(decoding: data, path: "old.json").kernelThreads == 4)
  }

  @Test func aFileWithNeitherKeyNamesTheCurrentOne() throws {
    var object = try encoded(RunDirectoryTests.sample().metadata)
    object["kernelThreads"] = nil
    let data = try JSONSerialization.data(withJSONObject: object)
    #expect {
      try CheckpointMetadata(decoding: data, path: "none.json")
    } throws: { "\($0)".contains("kernelThreads") }
  }

  /// Shipped checkpoints are never rewritten: those written under the former key still load, with
  /// the count they recorded.
  @Test func everyShippedCheckpointLoads() throws {
    let results = Self.root.appendingPathComponent("results")
    let files = try #require(FileManager.default.enumerator(at: results, includingPropertiesForKeys: nil))
      .compactMap { $0 as? URL }.filter { $0.pathExtension == "json" && $0.lastPathComponent.hasPrefix("epoch-") }
    #expect(files.count > 20, "only \(files.count) shipped checkpoints found")
    for file in files {
      let data = try Data(contentsOf: file)
      let metadata = try CheckpointMetadata(decoding: data, path: file.path)
      let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
      let recorded = try #require((object["kernelThreads"] ?? object["blasThreads"]) as? Int, "\(file.path)")
      #expect(metadata.kernelThreads == recorded, "\(file.path)")
    }
  }
}
