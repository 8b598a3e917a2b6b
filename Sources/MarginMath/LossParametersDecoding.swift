import Foundation

/// The one decoder of `LossParameters`: checkpoint metadata (what the encoder writes) and the
/// `parameters` objects of experiment files both go through it.
///
/// Absent keys keep the values of a base, `LossParameters()` unless `decoder.userInfo[.lossParametersBase]`
/// holds one (experiment files overlay a loss's `defaults(for:)`). Unknown keys are rejected, so a
/// typo is an error, not a silent default. Besides the encoder's spellings it reads:
/// - `lambda`: a preset name, `"l-softmax-mnist"`, `"sphereface"` or `"disabled"`, or an object
///   `{base, gamma, power, minimum}` whose `minimum` may be omitted (0);
/// - `marginRampIterations`: a whole number ≥ 0 (0 = no ramp), the same as `marginRamp: {iterations}`.
/// Errors are `DecodingError.dataCorrupted` whose coding path ends at the offending field.
extension LossParameters {
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: FieldKey.self)
    let allowed = CodingKeys.allCases.map(\.rawValue) + [FieldKey.marginRampIterations.stringValue]
    if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !allowed.contains($0) }) {
      throw Self.failure(
        container, FieldKey(unknown), "unknown field; expected one of \(allowed.sorted().joined(separator: ", "))")
    }
    var p = decoder.userInfo[.lossParametersBase] as? LossParameters ?? LossParameters()
    p.m = try Self.number(container, .m) ?? p.m
    p.s = try Self.number(container, .s) ?? p.s
    p.m1 = try Self.number(container, .m1) ?? p.m1
    p.m2 = try Self.number(container, .m2) ?? p.m2
    p.m3 = try Self.number(container, .m3) ?? p.m3
    p.lambda = try Self.lambda(container) ?? p.lambda
    if let ramp = try Self.marginRamp(container) { p.marginRamp = ramp }
    p.easyMargin = try Self.flag(container, .easyMargin) ?? p.easyMargin
    p.alpha = try Self.number(container, .alpha) ?? p.alpha
    p.learnsAlpha = try Self.flag(container, .learnsAlpha) ?? p.learnsAlpha
    p.usesBias = try Self.flag(container, .usesBias) ?? p.usesBias
    if container.contains(.classWeights), try !container.decodeNil(forKey: .classWeights) {
      guard let weights = try? container.decode([Double].self, forKey: .classWeights) else {
        throw Self.failure(container, .classWeights, "expected an array of numbers")
      }
      p.classWeights = weights
    }
    if let text = try Self.text(container, .normalization) {
      guard let normalization = WeightNormalization(rawValue: text) else {
        let expected = WeightNormalization.allCases.map(\.rawValue).joined(separator: " or ")
        throw Self.failure(container, .normalization, "unknown normalisation '\(text)'; expected \(expected)")
      }
      p.normalization = normalization
    }
    self = p
  }

  /// Decodes a JSON object of parameters over `base` (absent fields keep `base`'s values).
  public static func decoded(fromJSON data: Data, over base: LossParameters) throws -> LossParameters {
    let decoder = JSONDecoder()
    decoder.userInfo[.lossParametersBase] = base
    return try decoder.decode(LossParameters.self, from: data)
  }

  /// The field path and message of a decoding error, for callers that report `file: field: message`.
  public static func describe(_ error: DecodingError) -> (field: String, message: String) {
    let context: DecodingError.Context
    switch error {
    case .dataCorrupted(let c), .keyNotFound(_, let c), .typeMismatch(_, let c), .valueNotFound(_, let c): context = c
    @unknown default: return ("", "\(error)")
    }
    return (context.codingPath.map(\.stringValue).joined(separator: "."), context.debugDescription)
  }

  // MARK: - Fields

  private struct FieldKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.init(stringValue) }
    init?(intValue: Int) { nil }

    static let m = FieldKey(CodingKeys.m.rawValue), s = FieldKey(CodingKeys.s.rawValue)
    static let m1 = FieldKey(CodingKeys.m1.rawValue), m2 = FieldKey(CodingKeys.m2.rawValue),
      m3 = FieldKey(CodingKeys.m3.rawValue)
    static let lambda = FieldKey(CodingKeys.lambda.rawValue), marginRamp = FieldKey(CodingKeys.marginRamp.rawValue)
    static let easyMargin = FieldKey(CodingKeys.easyMargin.rawValue), alpha = FieldKey(CodingKeys.alpha.rawValue)
    static let learnsAlpha = FieldKey(CodingKeys.learnsAlpha.rawValue),
      usesBias = FieldKey(CodingKeys.usesBias.rawValue)
    static let classWeights = FieldKey(CodingKeys.classWeights.rawValue)
    static let normalization = FieldKey(CodingKeys.normalization.rawValue)
    static let marginRampIterations = FieldKey("marginRampIterations")
    static let base = FieldKey("base"), gamma = FieldKey("gamma"), power = FieldKey("power"),
      minimum = FieldKey("minimum")
    static let iterations = FieldKey("iterations")
  }

  private typealias Fields = KeyedDecodingContainer<FieldKey>

  private static func failure(_ container: Fields, _ key: FieldKey, _ message: String) -> DecodingError {
    .dataCorrupted(.init(codingPath: container.codingPath + [key], debugDescription: message))
  }

  /// What a JSON value is, for "expected …, found …" messages.
  private static func found(_ container: Fields, _ key: FieldKey) -> String {
    if (try? container.decodeNil(forKey: key)) == true { return "null" }
    if let flag = try? container.decode(Bool.self, forKey: key) { return String(flag) }
    if let text = try? container.decode(String.self, forKey: key) { return "the string \"\(text)\"" }
    if (try? container.decode(Double.self, forKey: key)) != nil { return "a number" }
    if (try? container.decode([Double?].self, forKey: key)) != nil { return "an array" }
    return "an object or array"
  }

  private static func number(_ container: Fields, _ key: FieldKey) throws -> Double? {
    guard container.contains(key) else { return nil }
    guard let value = try? container.decode(Double.self, forKey: key), value.isFinite else {
      throw failure(container, key, "expected a number, found \(found(container, key))")
    }
    return value
  }

  private static func flag(_ container: Fields, _ key: FieldKey) throws -> Bool? {
    guard container.contains(key) else { return nil }
    guard let value = try? container.decode(Bool.self, forKey: key) else {
      throw failure(container, key, "expected true or false, found \(found(container, key))")
    }
    return value
  }

  private static func text(_ container: Fields, _ key: FieldKey) throws -> String? {
    guard container.contains(key) else { return nil }
    guard let value = try? container.decode(String.self, forKey: key) else {
      throw failure(container, key, "expected a string, found \(found(container, key))")
    }
    return value
  }

  private static func wholeNumber(_ container: Fields, _ key: FieldKey) throws -> Int? {
    guard let value = try number(container, key) else { return nil }
    guard value == value.rounded(), value >= 0, value < 1e15 else {
      throw failure(container, key, "expected a whole number >= 0, found \(value)")
    }
    return Int(value)
  }

  private static func lambda(_ container: Fields) throws -> LambdaSchedule? {
    guard container.contains(.lambda) else { return nil }
    if let preset = try? container.decode(String.self, forKey: .lambda) {
      guard let schedule = LambdaSchedule.presets[preset] else {
        let names = LambdaSchedule.presets.keys.sorted().joined(separator: ", ")
        throw failure(container, .lambda, "unknown preset '\(preset)'; expected \(names) or an object")
      }
      return schedule
    }
    guard let fields = try? container.nestedContainer(keyedBy: FieldKey.self, forKey: .lambda) else {
      throw failure(container, .lambda, "expected a preset name or an object {base, gamma, power, minimum}")
    }
    let allowed = ["base", "gamma", "power", "minimum"]
    if let unknown = fields.allKeys.map(\.stringValue).sorted().first(where: { !allowed.contains($0) }) {
      throw failure(fields, FieldKey(unknown), "unknown field; expected one of \(allowed.joined(separator: ", "))")
    }
    func required(_ key: FieldKey) throws -> Double {
      guard let value = try number(fields, key) else { throw failure(fields, key, "missing required field") }
      return value
    }
    return LambdaSchedule(
      base: try required(.base), gamma: try required(.gamma), power: try required(.power),
      minimum: try number(fields, .minimum) ?? 0)
  }

  /// nil when neither spelling is present; `.some(nil)` for no ramp (`marginRampIterations: 0` or `marginRamp: null`).
  private static func marginRamp(_ container: Fields) throws -> MarginRamp?? {
    let short = try wholeNumber(container, .marginRampIterations)
    guard container.contains(.marginRamp) else {
      return short.map { $0 == 0 ? nil : MarginRamp(iterations: $0) }
    }
    if short != nil {
      throw failure(container, .marginRampIterations, "give marginRampIterations or marginRamp, not both")
    }
    if try container.decodeNil(forKey: .marginRamp) { return .some(nil) }
    guard let fields = try? container.nestedContainer(keyedBy: FieldKey.self, forKey: .marginRamp) else {
      throw failure(container, .marginRamp, "expected an object {iterations}")
    }
    if let unknown = fields.allKeys.map(\.stringValue).first(where: { $0 != "iterations" }) {
      throw failure(fields, FieldKey(unknown), "unknown field; expected iterations")
    }
    guard let iterations = try wholeNumber(fields, .iterations) else {
      throw failure(fields, .iterations, "missing required field")
    }
    return MarginRamp(iterations: iterations)
  }
}

extension CodingUserInfoKey {
  /// A `LossParameters` whose values absent keys keep (default: `LossParameters()`).
  public static let lossParametersBase = CodingUserInfoKey(rawValue: "softmax-margins.lossParametersBase")!
}

extension LambdaSchedule {
  /// The schedules experiment files may name.
  public static let presets: [String: LambdaSchedule] = [
    "l-softmax-mnist": .lSoftmaxMNIST, "sphereface": .sphereFace, "disabled": .disabled,
  ]
}
