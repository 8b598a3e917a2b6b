import FileFormats
import Foundation

/// The resolved run configuration a run directory records: in every feature checkpoint's metadata and,
/// as JSON text, in every training-state file, so a run with state only can be checked too.
extension RunDirectory {
  /// The state array holding the configuration (a one-element string array of JSON).
  public static let stateConfigurationArray = "trainer.configuration"

  /// The state array for `configuration`.
  public static func stateConfiguration(_ configuration: JSONValue) -> (name: String, array: NumpyArray) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let text = (try? encoder.encode(configuration)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    return (stateConfigurationArray, NumpyArray(shape: [], values: .strings([text])))
  }

  /// The configuration recorded in `arrays` (a state file's), nil when it has none (older state).
  /// - Throws: `CheckpointError.malformed` naming `path` when it is there but no JSON.
  public static func stateConfiguration(in arrays: [String: NumpyArray], path: String) throws -> JSONValue? {
    guard let array = arrays[stateConfigurationArray] else { return nil }
    guard let text = array.strings?.first, array.strings?.count == 1,
      let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    else {
      throw CheckpointError.malformed(path: path, reason: "array '\(stateConfigurationArray)' is not one JSON string")
    }
    return value
  }

  /// The configuration recorded in the state of `epoch` (nil for state written before it was recorded).
  public func stateConfiguration(epoch: Int) throws -> JSONValue? {
    try Self.stateConfiguration(in: readState(epoch: epoch), path: statePath(epoch: epoch))
  }

  /// The run's newest recorded configuration: its newest feature checkpoint's, else its newest
  /// training state's; nil when it records none (or the newest record is unreadable).
  public func recordedConfiguration() -> JSONValue? {
    if let epoch = savedEpochs().last { return (try? readMetadata(epoch: epoch))?.configuration }
    guard let epoch = stateEpochs().last else { return nil }
    return (try? stateConfiguration(epoch: epoch)) ?? nil
  }
}
