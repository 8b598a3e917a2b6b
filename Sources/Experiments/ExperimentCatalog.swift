import Foundation

/// Every experiment file of a directory (`experiments/*.json`), each read and checked by
/// `Experiment` as the trainer reads it: what the figures and the report look runs up in.
public struct ExperimentCatalog: Sendable {
  public let directory: String
  /// The experiments by name.
  public let experiments: [String: Experiment]

  /// Reads every `*.json` in `directory`; a missing directory gives an empty catalog.
  /// - Throws: `ExperimentError` naming the first file that is not a valid experiment, or two files
  ///   that declare the same experiment name.
  public init(directory: String) throws {
    self.directory = directory
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter {
      $0.hasSuffix(".json")
    }.sorted()
    var experiments: [String: Experiment] = [:]
    for file in files {
      let experiment = try Experiment.load((directory as NSString).appendingPathComponent(file))
      if let earlier = experiments[experiment.name] {
        throw ExperimentError(
          file: experiment.file, field: "name", message: "'\(experiment.name)' is also the name in \(earlier.file)")
      }
      experiments[experiment.name] = experiment
    }
    self.experiments = experiments
  }

  /// The experiment named `name`.
  /// - Throws: `ExperimentError` when no file declares it.
  public func experiment(_ name: String) throws -> Experiment {
    guard let experiment = experiments[name] else {
      throw ExperimentError(
        file: (directory as NSString).appendingPathComponent("\(name).json"), field: "",
        message: "no such experiment; available: \(experiments.keys.sorted().joined(separator: ", "))")
    }
    return experiment
  }

  /// Every run of `experiment`, in file order.
  public func runs(of experiment: String) throws -> [RunReference] {
    try self.experiment(experiment).runs.map { RunReference(experiment, $0.name) }
  }

  /// The run `reference` names, as its file declares it.
  /// - Throws: `ExperimentError` when the experiment or the run does not exist.
  public func run(_ reference: RunReference) throws -> RunSpecification {
    let experiment = try experiment(reference.experiment)
    guard let run = experiment.runs.first(where: { $0.name == reference.run }) else {
      throw ExperimentError(
        file: experiment.file, field: "runs",
        message: "no run named '\(reference.run)'; runs: \(experiment.runs.map(\.name).joined(separator: ", "))")
    }
    return run
  }
}
