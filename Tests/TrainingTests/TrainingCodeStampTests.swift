import Checkpoints
import Engine
import Experiments
import FileFormats
import Foundation
import Provenance
import ProvenanceCore
import Testing
import Training

/// The fingerprint baked into the build must be that of the sources it was built from, computed
/// by the one implementation (ProvenanceCore) the build tool runs; and it must ignore layout while
/// seeing every change of code.
@Suite struct TrainingCodeStampTests {
  /// The package root, found from this file's location (Tests/TrainingTests/<file>).
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  @Test func bakedStampIsTheSourcesFingerprint() throws {
    let files = try SourceFingerprint.trainingFiles(in: Self.root.appendingPathComponent("Sources"))
    #expect(files.count > 50, "only \(files.count) training sources found")
    #expect(files.contains { $0.path.hasSuffix("Sources/Engine/Layers/Conv2D.swift") })
    #expect(!files.contains { $0.lastPathComponent.hasPrefix("Sphere") }, "drawing-only sources are outside training")
    let computed = try SourceFingerprint.fingerprint(of: files)
    #expect(computed == TrainingCode.stamp, "the build baked \(TrainingCode.stamp), the sources give \(computed)")
  }

  static let sample = """
    /// Scales `x`.
    func scale(_ x: Float) -> Float {
      // Halve it: the "// not a comment" below is a string.
      let s = "// not a comment", t = #"raw \" still raw"#
      /* a /* nested */ block */
      return x * 0.5 + Float(s.count + t.count)
    }
    """

  @Test func commentsLayoutAndPlaceDoNotChangeTheFingerprint() throws {
    let reformatted = """
      func scale(_ x: Float)->Float{
              let s="// not a comment",t=#"raw \" still raw"#
          return x*0.5+Float(s.count+t.count,)   // a new comment and a trailing comma
      }
      """
    #expect(SourceFingerprint.normalized(Self.sample) == SourceFingerprint.normalized(reformatted))
    #expect(SourceFingerprint.normalized(Self.sample).contains("\"// not a comment\""), "a string lost its text")
    // The same files under other names and folders.
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("fingerprint-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let first = scratch.appendingPathComponent("A/One.swift")
    let moved = scratch.appendingPathComponent("B/Sub/Renamed.swift")
    for url in [first, moved] {
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    }
    try Self.sample.write(to: first, atomically: true, encoding: .utf8)
    try reformatted.write(to: moved, atomically: true, encoding: .utf8)
    #expect(try SourceFingerprint.fingerprint(of: [first]) == SourceFingerprint.fingerprint(of: [moved]))
  }

  @Test(arguments: [
    ("0.5", "0.25"), ("x * ", "x / "), ("s.count", "s.utf8.count"), ("not a comment", "not a Comment"),
    ("\"// not a comment\"", "\"// not a comment,)\""),
  ])
  func everyChangeOfCodeChangesTheFingerprint(old: String, new: String) {
    let changed = Self.sample.replacingOccurrences(of: old, with: new)
    #expect(changed != Self.sample)
    #expect(SourceFingerprint.normalized(changed) != SourceFingerprint.normalized(Self.sample))
  }

  @Test func fingerprintDigestIsSHA256() {
    #expect(sha256Hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    var generator = SystemRandomNumberGenerator()
    // Every padding case: lengths around the 55/56/64-byte block edges and beyond one block.
    for length in Array(0...130) + [1000, 4097] {
      let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
      #expect(sha256Hex(bytes) == Checksum.sha256(bytes), "length \(length)")
    }
  }

  @Test func ledgerRefusesWhatIsNotALedger() throws {
    let good =
      #"{"entries": [{"stamp": "0123456789abcdef", "evidence": "check-reproduction identical", "except": ["mlp"]}]}"#
    let ledger = try ReproductionLedger(data: Data(good.utf8), path: "ledger.json")
    #expect(
      ledger.swiftSource(currentStamp: "fedcba9876543210").contains(
        #""0123456789abcdef": Reproduction(evidence: "check-reproduction identical", except: ["mlp"])"#))
    let twice =
      #"{"entries": [{"stamp": "0123456789abcdef", "evidence": "a", "except": []}, {"stamp": "0123456789abcdef", "evidence": "b", "except": []}]}"#
    #expect(throws: ReproductionLedger.Malformed.self) {
      try ReproductionLedger(data: Data(twice.utf8), path: "l.json")
    }
    let noEvidence = #"{"entries": [{"stamp": "0123456789abcdef", "evidence": "", "except": []}]}"#
    #expect(throws: ReproductionLedger.Malformed.self) {
      try ReproductionLedger(data: Data(noEvidence.utf8), path: "l.json")
    }
    #expect(throws: ReproductionLedger.Malformed.self) { try ReproductionLedger(data: Data("[]".utf8), path: "l.json") }
  }

  @Test func stampIsRecordedInEveryPlan() throws {
    let plans = try Experiment(data: TinyDataset.experiment(data: "mnist"), file: "tiny.json").plans(profile: "default")
    #expect(!plans.isEmpty)
    for plan in plans {
      #expect(plan.trainingCode == TrainingCode.stamp)
      guard case .object(let fields) = plan.jsonValue else {
        Issue.record("plan JSON is not an object")
        continue
      }
      #expect(fields["trainingCode"] == .string(TrainingCode.stamp))
    }
  }

  /// A run recorded under a stamp `TrainingCode.reproduced` lists counts as this code's (neither
  /// stale nor refused on resume); any other stamp still makes it stale.
  @Test func reproducedStampsCountAsCurrentAndOthersDoNot() throws {
    let plan = try #require(
      try Experiment(data: TinyDataset.experiment(data: "mnist"), file: "tiny.json").plans(profile: "default").first)
    func recorded(under stamp: String) -> JSONValue {
      guard case .object(var fields) = plan.jsonValue else { return .null }
      fields["trainingCode"] = .string(stamp)
      return .object(fields)
    }
    #expect(plan.difference(from: recorded(under: TrainingCode.stamp)) == nil)
    for (stamp, reproduction) in TrainingCode.reproduced {
      #expect(stamp != TrainingCode.stamp, "the current stamp needs no entry")
      #expect(stamp.count == 16 && stamp.allSatisfy(\.isHexDigit), "'\(stamp)' is not a stamp")
      // The tiny experiment's network (the mlp) counts only where the entry covers it.
      let verdict = plan.difference(from: recorded(under: stamp))
      if reproduction.except.contains(plan.network.rawValue) {
        #expect(verdict?.hasPrefix("trainingCode was") == true, "\(stamp) excepts \(plan.network) but is accepted")
      } else {
        #expect(verdict == nil, "\(stamp) is listed but refused")
      }
      for network in Architecture.allCases {
        #expect(
          TrainingCode.reproduces(stamp, network: network.rawValue) == !reproduction.except.contains(network.rawValue))
      }
    }
    let unlisted = "0123456789abcdef"
    #expect(TrainingCode.reproduced[unlisted] == nil)
    #expect(plan.difference(from: recorded(under: unlisted))?.hasPrefix("trainingCode was") == true)
  }
}
