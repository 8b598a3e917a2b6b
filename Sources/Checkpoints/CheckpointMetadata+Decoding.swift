import Foundation

extension CheckpointMetadata {
  /// Decodes metadata JSON, checking the format version first (so an old checkpoint gets the right
  /// message rather than a decoding error) and then that the numbers describe a possible checkpoint.
  /// - Parameter path: names the file in errors.
  /// - Throws: `CheckpointError` naming the path and the field.
  public init(decoding data: Data, path: String) throws {
    struct Version: Decodable { let formatVersion: Int }
    guard let version = try? JSONDecoder().decode(Version.self, from: data) else {
      throw CheckpointError.malformed(
        path: path, reason: "not checkpoint metadata (truncated, not JSON, or no formatVersion)")
    }
    guard version.formatVersion == Self.currentFormatVersion else {
      throw CheckpointError.unsupportedVersion(
        path: path, found: version.formatVersion, supported: Self.currentFormatVersion)
    }
    do {
      self = try JSONDecoder().decode(Self.self, from: data)
    } catch let error as DecodingError {
      throw CheckpointError.malformed(path: path, reason: "metadata does not decode: \(Self.explain(error))")
    }
    try validate(path: path)
  }

  /// The facts every reader relies on: a positive feature dimension, at least one class, counts
  /// that are not negative.
  func validate(path: String) throws {
    func bad(_ field: String, _ expected: String, _ found: Any) -> CheckpointError {
      .malformed(path: path, reason: "\(field) is \(found); expected \(expected)")
    }
    guard (1...4096).contains(network.featureDimension) else {
      throw bad("network.featureDimension", "1...4096", network.featureDimension)
    }
    guard !classNames.isEmpty, classNames.count <= 256 else {
      throw bad("classNames", "1 to 256 names", classNames.count)
    }
    guard dataset.trainCount >= 0 else { throw bad("dataset.trainCount", ">= 0", dataset.trainCount) }
    guard dataset.testCount >= 0 else { throw bad("dataset.testCount", ">= 0", dataset.testCount) }
    guard epoch >= 0 else { throw bad("epoch", ">= 0", epoch) }
  }

  /// A decoding error as "field a.b: what was wrong", without Foundation's debug dump.
  static func explain(_ error: DecodingError) -> String {
    func field(_ path: [any CodingKey]) -> String {
      path.isEmpty
        ? "the top level" : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case .keyNotFound(let key, let context): return "\(field(context.codingPath + [key])) is missing"
    case .typeMismatch(_, let context):
      return "\(field(context.codingPath)) has the wrong type: \(context.debugDescription)"
    case .valueNotFound(_, let context): return "\(field(context.codingPath)) is null"
    case .dataCorrupted(let context): return "\(field(context.codingPath)): \(context.debugDescription)"
    @unknown default: return "\(error)"
    }
  }
}
