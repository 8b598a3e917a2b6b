import Checkpoints
import Foundation
import MarginMath

/// An experiment file from `experiments/`: what to train for one figure family.
///
/// ```json
/// { "name": "lsoftmax-fig2", "description": "...", "dataset": {"name": "mnist"},
///   "settings": {"epochs": 4}, "profiles": {"paper": {"network": "lenetpp", "epochs": 20}},
///   "runs": [{"name": "m2", "loss": "l-softmax", "parameters": {"m": 2}}] }
/// ```
public struct Experiment: Equatable, Sendable {
  /// The profiles a file may override and `margins train --profile` may choose.
  public enum Profile: String, CaseIterable, Sendable {
    /// The compact network, fast.
    case `default`
    /// LeNet++ and the papers' settings.
    case paper
  }

  public static let profileNames = Profile.allCases.map(\.rawValue)

  public let file: String
  public let name: String
  public let description: String
  public let dataset: DatasetSelection
  public let settings: RunSettings
  public let profiles: [String: RunSettings]
  public let runs: [RunSpecification]

  /// The experiment named `nameOrPath`: a path to a JSON file, or a name looked up in `directory`.
  public static func load(_ nameOrPath: String, directory: String = "experiments") throws -> Experiment {
    let path =
      nameOrPath.hasSuffix(".json") ? nameOrPath : (directory as NSString).appendingPathComponent(nameOrPath + ".json")
    guard let data = FileManager.default.contents(atPath: path) else {
      let available =
        (try? FileManager.default.contentsOfDirectory(atPath: directory))?
        .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted() ?? []
      throw ExperimentError(
        file: path, field: "",
        message: "no such experiment file"
          + (available.isEmpty ? "" : "; available: \(available.joined(separator: ", "))"))
    }
    return try Experiment(data: data, file: path)
  }

  /// Parses and validates an experiment file's bytes; `file` names it in errors.
  public init(data: Data, file: String) throws {
    let root: JSONValue
    do {
      root = try JSONDecoder().decode(JSONValue.self, from: data)
    } catch {
      throw ExperimentError(file: file, field: "", message: "not valid JSON: \(error)")
    }
    try StrictJSONCheck.check(data, file: file)
    let reader = try FieldReader(file: file, path: "", value: root)
    try reader.rejectUnknown(["name", "description", "dataset", "settings", "profiles", "runs"])
    self.file = file
    name = try Self.safeName(reader, "name")
    description = try reader.string("description") ?? ""
    let dataset = try Self.readDataset(try reader.required("dataset", reader.object))
    self.dataset = dataset
    settings = try reader.object("settings").map(RunSettings.init(reading:)) ?? RunSettings()
    profiles = try Self.readProfiles(reader.object("profiles"))
    let runReaders = try reader.required("runs", reader.objects)
    guard !runReaders.isEmpty else { throw reader.fail("runs", "expected at least one run") }
    runs = try runReaders.map(Self.readRun)
    var seen = Set<String>()
    for (index, run) in self.runs.enumerated() where !seen.insert(run.name).inserted {
      throw reader.fail("runs[\(index)].name", "run name '\(run.name)' is used twice")
    }
  }

  /// The fully resolved runs for `profile`, in file order (or only those named in `runNames`).
  ///
  /// Settings are layered: built-in defaults, the experiment's settings, its profile, the run's
  /// settings, the run's profile, then `overrides` (the command line).
  public func plans(profile: String, runNames: [String] = [], overrides: RunSettings = RunSettings()) throws
    -> [RunPlan]
  {
    guard Self.profileNames.contains(profile) else {
      throw ExperimentError(
        file: file, field: "profile",
        message: "unknown profile '\(profile)'; expected one of \(Self.profileNames.joined(separator: ", "))")
    }
    if let unknown = runNames.first(where: { name in !runs.contains { $0.name == name } }) {
      throw ExperimentError(
        file: file, field: "runs",
        message: "no run named '\(unknown)'; runs: \(runs.map(\.name).joined(separator: ", "))")
    }
    let selected = runNames.isEmpty ? runs : runs.filter { runNames.contains($0.name) }
    return try selected.map { run in
      let resolved = RunSettings.builtIn
        .overridden(by: settings)
        .overridden(by: profiles[profile] ?? RunSettings())
        .overridden(by: run.settings)
        .overridden(by: run.profiles[profile] ?? RunSettings())
        .overridden(by: overrides)
      var plan = try RunPlan(
        experiment: name, run: run.name, profile: profile, dataset: run.dataset ?? dataset, loss: run.loss,
        lossParameters: run.lossParameters(profile: profile), classWeighting: run.classWeighting,
        settings: resolved)
      let runField = "runs[\(runs.firstIndex(of: run) ?? 0)]"
      plan.origin = .init(
        file: file, runField: runField, datasetField: run.dataset == nil ? "dataset" : runField + ".dataset")
      try plan.validate()
      return plan
    }
  }

  /// A name that becomes a directory under the runs root (see `SafeName`).
  private static func safeName(_ reader: FieldReader, _ key: String) throws -> String {
    let name = try reader.required(key, reader.string)
    if let problem = SafeName.problem(with: name) { throw reader.fail(key, "'\(name)': \(problem)") }
    return name
  }

  private static func readDataset(_ reader: FieldReader) throws -> DatasetSelection {
    try reader.rejectUnknown(["name", "classes", "trainCaps"])
    let classes = try reader.ints("classes", minimum: 0)
    if let classes, classes.count < 2 {
      throw reader.fail("classes", "expected at least 2 classes, found \(classes.count)")
    }
    var caps: [Int: Int]?
    if let capsReader = try reader.object("trainCaps") {
      caps = [:]
      for key in capsReader.members.keys.sorted() {
        guard let label = Int(key), label >= 0 else {
          throw capsReader.fail(key, "expected a class label (a whole number) as key")
        }
        caps?[label] = try capsReader.required(key) { try capsReader.int($0, minimum: 0) }
      }
    }
    return DatasetSelection(name: try reader.required("name", reader.string), classes: classes, trainCaps: caps)
  }

  private static func readProfiles(_ reader: FieldReader?) throws -> [String: RunSettings] {
    guard let reader else { return [:] }
    try reader.rejectUnknown(Set(profileNames))
    var profiles: [String: RunSettings] = [:]
    for name in reader.members.keys {
      profiles[name] = try RunSettings(reading: try reader.required(name, reader.object))
    }
    return profiles
  }

  private static func readRun(_ reader: FieldReader) throws -> RunSpecification {
    try reader.rejectUnknown(["name", "loss", "parameters", "profileParameters", "dataset", "settings", "profiles"])
    let loss = try reader.required("loss") { try reader.choice($0, LossKind.self) }
    var parameters = LossParameters.defaults(for: loss)
    var weighting: ClassWeighting?
    if let p = try reader.object("parameters") {
      weighting = try Self.overlay(p, onto: &parameters)
    }
    var profileParameters: [String: LossParameters] = [:]
    if let byProfile = try reader.object("profileParameters") {
      try byProfile.rejectUnknown(Set(profileNames))
      for profile in byProfile.members.keys.sorted() {
        var overridden = parameters
        _ = try Self.overlay(try byProfile.required(profile, byProfile.object), onto: &overridden)
        profileParameters[profile] = overridden
      }
    }
    return RunSpecification(
      name: try safeName(reader, "name"), loss: loss, parameters: parameters, classWeighting: weighting,
      dataset: try reader.object("dataset").map(Self.readDataset),
      settings: try reader.object("settings").map(RunSettings.init(reading:)) ?? RunSettings(),
      profiles: try Self.readProfiles(reader.object("profiles")), profileParameters: profileParameters)
  }

  /// Applies the fields a run sets on top of the loss's defaults (MarginMath's one decoder;
  /// the `balanced` and `complement` class weightings are the trainer's and are read here).
  private static func overlay(_ reader: FieldReader, onto p: inout LossParameters) throws -> ClassWeighting? {
    var members = reader.members
    if case .string = members["classWeights"] { members["classWeights"] = nil }
    do {
      p = try LossParameters.decoded(fromJSON: try JSONEncoder().encode(JSONValue.object(members)), over: p)
    } catch let error as DecodingError {
      let (field, message) = LossParameters.describe(error)
      throw reader.fail(field, message)
    }
    switch reader.members["classWeights"] {
    case nil: return nil
    case .string("balanced"): return .balanced
    case .string("complement"): return .complement
    case .array:
      return p.classWeights.map(ClassWeighting.explicit)
    default:
      throw reader.fail("classWeights", "expected \"balanced\", \"complement\" or an array of numbers")
    }
  }
}
