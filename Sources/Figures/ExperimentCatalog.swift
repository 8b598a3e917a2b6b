import Foundation
import MarginMath

/// The runs the experiment files (`experiments/*.json`) declare, read for the paper figures so
/// run names and settings live only there. Reads just what the figures need (names, losses,
/// λ schedules); the trainer's own parser (module Training) validates everything else.
public struct ExperimentCatalog: Sendable {
  public struct Run: Sendable, Equatable {
    public let experiment: String
    public let name: String
    public let loss: LossKind?
    /// The run's λ schedule in the default profile, when it sets one.
    public let lambda: LambdaSchedule?

    public var reference: RunReference { RunReference(experiment, name) }
  }

  public let directory: String
  /// Runs by experiment name, in file order.
  public let runs: [String: [Run]]

  /// Reads every `*.json` in `directory`; a missing directory gives an empty catalog.
  /// - Throws: `EmbeddingError` naming a file that is not an experiment.
  public init(directory: String) throws {
    self.directory = directory
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter {
      $0.hasSuffix(".json")
    }.sorted()
    var runs: [String: [Run]] = [:]
    for file in names {
      let path = (directory as NSString).appendingPathComponent(file)
      guard let data = FileManager.default.contents(atPath: path),
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
        let name = object["name"] as? String, let list = object["runs"] as? [[String: Any]]
      else { throw EmbeddingError(path: path, reason: "not an experiment file (expected \"name\" and \"runs\")") }
      runs[name] = try list.map { run in
        guard let runName = run["name"] as? String else {
          throw EmbeddingError(path: path, array: "runs", reason: "a run has no name")
        }
        let parameters = run["parameters"] as? [String: Any]
        return Run(
          experiment: name, name: runName, loss: (run["loss"] as? String).flatMap(LossKind.init(rawValue:)),
          lambda: try parameters?["lambda"].map { try Self.lambda($0, path: path, run: runName) })
      }
    }
    self.runs = runs
  }

  /// Every run of `experiment`, in file order.
  /// - Throws: `EmbeddingError` when the experiment file does not exist.
  public func runs(of experiment: String) throws -> [Run] {
    guard let list = runs[experiment] else {
      throw EmbeddingError(
        path: (directory as NSString).appendingPathComponent("\(experiment).json"), reason: "no such experiment")
    }
    return list
  }

  public func run(_ reference: RunReference) throws -> Run {
    guard let run = try runs(of: reference.experiment).first(where: { $0.name == reference.run }) else {
      throw EmbeddingError(
        path: (directory as NSString).appendingPathComponent("\(reference.experiment).json"),
        reason: "declares no run '\(reference.run)'")
    }
    return run
  }

  private static func lambda(_ value: Any, path: String, run: String) throws -> LambdaSchedule {
    if let name = value as? String {
      switch name {
      case "disabled": return .disabled
      case "l-softmax-mnist": return .lSoftmaxMNIST
      case "sphereface": return .sphereFace
      default: throw EmbeddingError(path: path, array: "runs.\(run).lambda", reason: "unknown schedule '\(name)'")
      }
    }
    guard let o = value as? [String: Any], let base = o["base"] as? Double, let gamma = o["gamma"] as? Double,
      let power = o["power"] as? Double
    else {
      throw EmbeddingError(
        path: path, array: "runs.\(run).lambda", reason: "expected a name or {base, gamma, power[, minimum]}")
    }
    return LambdaSchedule(base: base, gamma: gamma, power: power, minimum: o["minimum"] as? Double ?? 0)
  }
}
