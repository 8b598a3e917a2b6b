import Foundation

/// The ledger of reproduced training code: earlier fingerprints whose runs the current code
/// computes bit for bit, each with the change and the evidence (`scripts/check-reproduction.sh`
/// reporting every array identical). Data, in `Sources/Provenance/ReproducedTrainingCode.json`:
///
/// ```json
/// { "entries": [ { "stamp": "0f2ba5f86cac7ae0", "evidence": "...", "except": ["mlp"] } ] }
/// ```
///
/// `except` names the networks whose runs the current code computes differently: theirs stay stale.
public struct ReproductionLedger: Sendable, Equatable {
  public struct Entry: Codable, Sendable, Equatable {
    public var stamp: String
    public var evidence: String
    public var except: [String]
  }

  public var entries: [Entry]

  public struct Malformed: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
  }

  public init(data: Data, path: String) throws {
    struct File: Codable { var entries: [Entry] }
    let file: File
    do {
      file = try JSONDecoder().decode(File.self, from: data)
    } catch {
      throw Malformed(path: path, reason: "not a ledger ({\"entries\": [{\"stamp\", \"evidence\", \"except\"}]})")
    }
    var seen = Set<String>()
    for entry in file.entries {
      guard entry.stamp.count == 16, entry.stamp.allSatisfy(\.isHexDigit) else {
        throw Malformed(path: path, reason: "stamp '\(entry.stamp)' is not 16 hex digits")
      }
      guard seen.insert(entry.stamp).inserted else {
        throw Malformed(path: path, reason: "stamp \(entry.stamp) is listed twice")
      }
      guard !entry.evidence.isEmpty else { throw Malformed(path: path, reason: "stamp \(entry.stamp) has no evidence") }
    }
    entries = file.entries
  }

  /// The Swift source of the `TrainingCode` constants for the Provenance module.
  public func swiftSource(currentStamp: String) -> String {
    func literal(_ text: String) -> String {
      var escaped = ""
      for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": escaped += "\\\\"
        case "\"": escaped += "\\\""
        case "\n": escaped += "\\n"
        default: escaped.unicodeScalars.append(scalar)
        }
      }
      return "\"" + escaped + "\""
    }
    var lines = [
      "// Generated at build time by training-fingerprint (ProvenancePlugin) from the training modules'",
      "// sources and Sources/Provenance/ReproducedTrainingCode.json; not kept in the repository.",
      "extension TrainingCode {",
      "  public static let stamp = \(literal(currentStamp))",
      "  public static let reproduced: [String: Reproduction] = [",
    ]
    for entry in entries where entry.stamp != currentStamp {
      let except = entry.except.map(literal).joined(separator: ", ")
      lines.append(
        "    \(literal(entry.stamp)): Reproduction(evidence: \(literal(entry.evidence)), except: [\(except)]),")
    }
    if entries.allSatisfy({ $0.stamp == currentStamp }) {
      lines[lines.count - 1] = "  public static let reproduced: [String: Reproduction] = [:]"
    } else {
      lines.append("  ]")
    }
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }
}
