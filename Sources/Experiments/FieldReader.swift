import Checkpoints

/// Reads a JSON object field by field so that every error names the file and the exact
/// field (`runs[2].parameters.m`), and unknown fields (typos) are rejected, not ignored.
struct FieldReader {
  let file: String
  let path: String
  let members: [String: JSONValue]

  init(file: String, path: String, value: JSONValue) throws {
    guard case .object(let members) = value else {
      throw ExperimentError(file: file, field: path, message: "expected a JSON object")
    }
    self.file = file
    self.path = path
    self.members = members
  }

  func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  func fail(_ key: String, _ message: String) -> ExperimentError {
    ExperimentError(file: file, field: field(key), message: message)
  }

  func rejectUnknown(_ allowed: Set<String>) throws {
    if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
      throw fail(unknown, "unknown field; expected one of \(allowed.sorted().joined(separator: ", "))")
    }
  }

  func required<T>(_ key: String, _ read: (String) throws -> T?) throws -> T {
    guard let value = try read(key) else { throw fail(key, "missing required field") }
    return value
  }

  func string(_ key: String) throws -> String? {
    guard let value = members[key] else { return nil }
    guard case .string(let text) = value else { throw fail(key, "expected a string, found \(describe(value))") }
    return text
  }

  func double(_ key: String) throws -> Double? {
    guard let value = members[key] else { return nil }
    guard case .number(let number) = value, number.isFinite else {
      throw fail(key, "expected a number, found \(describe(value))")
    }
    return number
  }

  func int(_ key: String, minimum: Int? = nil) throws -> Int? {
    guard let number = try double(key) else { return nil }
    guard number == number.rounded(), abs(number) < 1e15 else {
      throw fail(key, "expected a whole number, found \(number)")
    }
    if let minimum, Int(number) < minimum {
      throw fail(key, "expected a whole number >= \(minimum), found \(Int(number))")
    }
    return Int(number)
  }

  func bool(_ key: String) throws -> Bool? {
    guard let value = members[key] else { return nil }
    guard case .bool(let flag) = value else { throw fail(key, "expected true or false, found \(describe(value))") }
    return flag
  }

  func ints(_ key: String, minimum: Int? = nil) throws -> [Int]? {
    guard let value = members[key] else { return nil }
    guard case .array(let items) = value else { throw fail(key, "expected an array of whole numbers") }
    return try items.enumerated().map { index, item in
      guard case .number(let number) = item, number == number.rounded(), abs(number) < 1e15 else {
        throw fail("\(key)[\(index)]", "expected a whole number, found \(describe(item))")
      }
      if let minimum, Int(number) < minimum {
        throw fail("\(key)[\(index)]", "expected a whole number >= \(minimum), found \(Int(number))")
      }
      return Int(number)
    }
  }

  func object(_ key: String) throws -> FieldReader? {
    guard let value = members[key] else { return nil }
    return try FieldReader(file: file, path: field(key), value: value)
  }

  func objects(_ key: String) throws -> [FieldReader]? {
    guard let value = members[key] else { return nil }
    guard case .array(let items) = value else { throw fail(key, "expected an array of objects") }
    return try items.enumerated().map { try FieldReader(file: file, path: "\(field(key))[\($0)]", value: $1) }
  }

  /// A string that must be one of an enumeration's raw values.
  func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) throws -> T?
  where T.RawValue == String {
    guard let text = try string(key) else { return nil }
    guard let value = T(rawValue: text) else {
      throw fail(key, "unknown value '\(text)'; expected one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return value
  }

  private func describe(_ value: JSONValue) -> String {
    switch value {
    case .null: "null"
    case .bool(let flag): "\(flag)"
    case .number(let number): "\(number)"
    case .string(let text): "\"\(text)\""
    case .array: "an array"
    case .object: "an object"
    }
  }
}
