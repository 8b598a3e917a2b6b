import Foundation
import Results
import Testing

/// Issue 29: the manifest read as `sha256sum -c` reads it, and nothing listed twice or outside a run.
@Suite struct ManifestParsingTests {
  let a = String(repeating: "a", count: 64), b = String(repeating: "b", count: 64)

  @Test func crlfLineEndsAreReadLikeLF() throws {
    let lf = try ShippedResults.parseManifest(Data("\(a)  e/r/epoch-001.npz\n\(b)  e/r/log.csv\n".utf8), path: "S")
    let crlf = try ShippedResults.parseManifest(
      Data("\(a)  e/r/epoch-001.npz\r\n\(b)  e/r/log.csv\r\n".utf8), path: "S")
    #expect(lf == crlf)
    #expect(crlf["e/r/epoch-001.npz"] == a && crlf.count == 2)
  }

  @Test func anEntryListedTwiceWithAnotherDigestIsRefused() {
    #expect(throws: ShippedResultsError.self) {
      try ShippedResults.parseManifest(Data("\(a)  e/r/log.csv\n\(b)  e/r/log.csv\n".utf8), path: "S")
    }
    #expect(
      (try? ShippedResults.parseManifest(Data("\(a)  e/r/log.csv\n\(a)  e/r/log.csv\n".utf8), path: "S"))?.count == 1)
  }

  @Test func pathsOutsideARunAreRefused() {
    for path in ["../x", "/etc/passwd", "e/r/../../x", "e//r/x", "e/r", "e/r/a/b/c", "e/r/x\u{0}y"] {
      #expect(throws: ShippedResultsError.self, "\(path)") {
        try ShippedResults.parseManifest(Data("\(a)  \(path)\n".utf8), path: "S")
      }
    }
  }
}
