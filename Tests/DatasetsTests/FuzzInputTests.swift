import _TestSupport
import Foundation
import Testing

@testable import Datasets

/// Replays the committed IDX fuzz seeds and crash inputs: each returns or throws, never crashes.
@Suite struct DatasetsFuzzInputTests {
  @Test func idxInputs() throws {
    let inputs = FuzzInputs.all("IDX")
    #expect(inputs.count >= 4)
    for (name, data) in inputs {
      for magic in [IDXFile.imageMagic, IDXFile.labelMagic] {
        _ = try? IDXFile(decoding: data, expectedMagic: magic, path: name)
        _ = try? IDXFile(gzipped: data, expectedMagic: magic, path: name)
      }
    }
    // The seeds are valid IDX files of the kind their name says.
    for (name, data) in inputs where name.hasPrefix("FuzzCorpus") {
      let magic = name.contains("labels") ? IDXFile.labelMagic : IDXFile.imageMagic
      _ =
        try name.hasSuffix(".gz")
        ? IDXFile(gzipped: data, expectedMagic: magic, path: name)
        : IDXFile(decoding: data, expectedMagic: magic, path: name)
    }
  }
}
