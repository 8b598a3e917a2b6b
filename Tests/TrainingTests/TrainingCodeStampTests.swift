import Checkpoints
import Engine
import FileFormats
import Foundation
import Testing
import Training

/// The committed stamp must describe the committed training code; otherwise shipped results
/// trained by older code would pass for current ones. Regenerate with `make stamp`.
@Suite struct TrainingCodeStampTests {
  /// The package root, found from this file's location (Tests/TrainingTests/<file>).
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// The same digest as scripts/training-code-stamp.sh: per file (byte-wise sorted relative paths)
  /// "path\nsha256\n", then the sha256 of all of it, first 16 hex digits.
  static func computedStamp() throws -> String {
    let manager = FileManager.default
    let suffixes = [".swift", ".h", ".c", ".modulemap"]
    var paths: [String] = []
    for module in TrainingCode.modules {
      let directory = root.appendingPathComponent("Sources/\(module)").path
      guard let enumerator = manager.enumerator(atPath: directory) else { continue }
      for case let relative as String in enumerator where suffixes.contains(where: relative.hasSuffix) {
        let path = "Sources/\(module)/\(relative)"
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDirectory),
          !isDirectory.boolValue, path != "Sources/Training/TrainingCodeStamp.swift",
          path != "Sources/Training/ReproducedTrainingCode.swift",
          path.range(of: TrainingCode.outsideTrainingPattern, options: .regularExpression) == nil
        {
          paths.append(path)
        }
      }
    }
    paths.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    var listing = ""
    for path in paths {
      let data = try Data(contentsOf: root.appendingPathComponent(path))
      listing += "\(path)\n\(Checksum.sha256(data))\n"
    }
    return String(Checksum.sha256(Data(listing.utf8)).prefix(16))
  }

  @Test func committedStampMatchesTheSources() throws {
    let computed = try Self.computedStamp()
    #expect(
      computed == TrainingCode.stamp,
      "Sources/Training/TrainingCodeStamp.swift is out of date (\(TrainingCode.stamp), sources give \(computed)): run `make stamp`")
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
      if reproduction.except.contains(plan.network) {
        #expect(verdict?.hasPrefix("trainingCode was") == true, "\(stamp) excepts \(plan.network) but is accepted")
      } else {
        #expect(verdict == nil, "\(stamp) is listed but refused")
      }
      for network in Architecture.allCases {
        #expect(TrainingCode.reproduces(stamp, for: network) == !reproduction.except.contains(network))
      }
    }
    let unlisted = "0123456789abcdef"
    #expect(TrainingCode.reproduced[unlisted] == nil)
    #expect(plan.difference(from: recorded(under: unlisted))?.hasPrefix("trainingCode was") == true)
  }
}
