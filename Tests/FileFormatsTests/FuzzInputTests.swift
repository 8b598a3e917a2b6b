import _TestSupport
import Foundation
import Testing

@testable import FileFormats

/// Replays the committed fuzz seeds and crash inputs through the FileFormats readers (as the fuzz
/// targets do): each must return or throw, never crash.
@Suite struct FileFormatsFuzzInputTests {
  @Test func gzipInputs() {
    let inputs = FuzzInputs.all("Gzip")
    #expect(inputs.count >= 3)
    for (name, data) in inputs { _ = try? Gzip.decompress(data, limit: 1 << 20, path: name) }
  }

  @Test func numpyInputs() throws {
    let inputs = FuzzInputs.all("Numpy")
    #expect(inputs.count >= 5)
    for (name, data) in inputs {
      _ = try? NumpyArray(npyData: data, name: name)
      _ = try? NumpyArchive.read(data, path: name)
    }
    // The seeds are valid files: each parses.
    for (name, data) in inputs where name.hasPrefix("FuzzCorpus") {
      if name.hasSuffix(".npy") {
        _ = try NumpyArray(npyData: data, name: name)
      } else {
        _ = try NumpyArchive.read(data, path: name)
      }
    }
  }
}
