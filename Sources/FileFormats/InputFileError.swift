/// A bad input file, naming the file and the array or column at fault (nil when the file as a
/// whole is), in the one sentence every reader of users' arrays prints.
public struct InputFileError: Error, Equatable, CustomStringConvertible {
  public let path: String
  public let array: String?
  public let reason: String

  public init(path: String, array: String? = nil, reason: String) {
    self.path = path
    self.array = array
    self.reason = reason
  }

  public var description: String { "\(path)\(array.map { ": array '\($0)'" } ?? ""): \(reason)" }
}
