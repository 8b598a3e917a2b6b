import Foundation
import Testing

@testable import EmbeddingAnalysis

/// The report's one Codable path: every optional field is a key with `null` when it has no value,
/// and what is written reads back.
@Suite struct ReportEncodingTests {
  static func object(_ value: some Encodable) throws -> [String: Any] {
    let data = try JSONEncoder().encode(value)
    return try #require(try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed) as? [String: Any])
  }

  @Test func nilOptionalsAreWrittenAsNullAndReadBack() throws {
    let table = Table3(wEC: nil, wInter: 12.5, intra: 30, inter: 70)
    let json = try Self.object(table)
    #expect(Set(json.keys) == ["wEC", "wInter", "intra", "inter"])
    #expect(json["wEC"] is NSNull && json["wInter"] as? Double == 12.5)
    let back = try JSONDecoder().decode(Table3.self, from: try JSONEncoder().encode(table))
    #expect(back.wEC == nil && back.wInter == 12.5 && back.intra == 30)

    let tar = TarAtFar(far: 1e-3, tar: nil, achievedFar: nil, thresholdDegrees: nil, note: "too few negatives")
    let tarJSON = try Self.object(tar)
    #expect(["tar", "achievedFar", "thresholdDegrees"].allSatisfy { tarJSON[$0] is NSNull })
    #expect(tarJSON["note"] as? String == "too few negatives")
  }

  @Test func aMissingOptionalKeyReadsAsNil() throws {
    let back = try JSONDecoder().decode(Table3.self, from: Data(#"{"intra": 1, "inter": 2}"#.utf8))
    #expect(back.wEC == nil && back.wInter == nil && back.inter == 2)
  }
}
