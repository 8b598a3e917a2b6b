/// A problem with an experiment file or a request to train it; names the file and the field.
public struct ExperimentError: Error, Equatable, CustomStringConvertible {
  public let file: String
  public let field: String
  public let message: String

  public init(file: String, field: String, message: String) {
    self.file = file
    self.field = field
    self.message = message
  }

  public var description: String { field.isEmpty ? "\(file): \(message)" : "\(file): \(field): \(message)" }
}
