import Foundation
import MarginMath
import Testing
@testable import Experiments

@Suite struct ExperimentParsingTests {
  private func parse(_ text: String) throws -> Experiment {
    try Experiment(data: Data(text.utf8), file: "x.json")
  }

  private let minimal = """
    { "name": "e", "dataset": { "name": "mnist" }, "runs": [ { "name": "a", "loss": "arcface" } ] }
    """

  @Test func layersSettingsBuiltInExperimentProfileRunCommandLine() throws {
    let experiment = try parse(
      """
      { "name": "e", "dataset": { "name": "mnist" },
        "settings": { "epochs": 5, "learningRate": 0.2 },
        "profiles": { "paper": { "network": "lenetpp", "epochs": 30 } },
        "runs": [ { "name": "a", "loss": "cosface", "parameters": { "m": 0.1 },
                    "settings": { "batchSize": 128 }, "profiles": { "paper": { "batchSize": 64 } } } ] }
      """)
    let plan = try #require(try experiment.plans(profile: "default").first)
    #expect(plan.network == .compact && plan.epochs == 5 && plan.batchSize == 128 && plan.learningRate == 0.2)
    #expect(plan.lossParameters.m == 0.1 && plan.lossParameters.s == LossParameters.defaults(for: .cosFace).s)
    let paper = try #require(try experiment.plans(profile: "paper").first)
    #expect(paper.network == .lenetpp && paper.epochs == 30 && paper.batchSize == 64)
    var overrides = RunSettings()
    overrides.epochs = 2
    #expect(try experiment.plans(profile: "paper", overrides: overrides).first?.epochs == 2)
  }

  @Test(arguments: [
    (
      #"{ "name": "e", "dataset": { "name": "mnist" }, "runs": [ { "name": "a", "loss": "l-sofmax" } ] }"#,
      "runs[0].loss", "unknown value 'l-sofmax'"
    ),
    (
      #"{ "name": "e", "dataset": { "name": "mnist" }, "runs": [ { "name": "a" } ] }"#, "runs[0].loss",
      "missing required field"
    ),
    (
      #"{ "dataset": { "name": "mnist" }, "runs": [ { "name": "a", "loss": "softmax" } ] }"#, "name",
      "missing required field"
    ),
    (
      #"{ "name": "e", "dataset": { "name": "mnist" }, "settings": { "epochs": 0 }, "runs": [ { "name": "a", "loss": "softmax" } ] }"#,
      "settings.epochs", "expected a whole number >= 1, found 0"
    ),
    (
      #"{ "name": "e", "dataset": { "name": "mnist" }, "settings": { "learningrate": 1 }, "runs": [ { "name": "a", "loss": "softmax" } ] }"#,
      "settings.learningrate", "unknown field"
    ),
    (
      #"{ "name": "e", "dataset": { "name": "mnist" }, "runs": [ { "name": "a", "loss": "softmax", "parameters": { "m": "two" } } ] }"#,
      "runs[0].parameters.m", "expected a number"
    ),
    (
      #"{ "name": "e", "dataset": { "name": "mnist" }, "settings": { "network": "resnet" }, "runs": [ { "name": "a", "loss": "softmax" } ] }"#,
      "settings.network", "expected one of"
    ),
    (
      #"{ "name": "e", "dataset": { "name": "mnist", "classes": [3] }, "runs": [ { "name": "a", "loss": "softmax" } ] }"#,
      "dataset.classes", "at least 2 classes"
    ),
    (
      #"{ "name": "e", "dataset": { "name": "mnist" }, "runs": [ { "name": "a", "loss": "softmax" }, { "name": "a", "loss": "arcface" } ] }"#,
      "runs[1].name", "used twice"
    ),
    // Foundation's decoder keeps one of two equal keys and accepts trailing commas; the file may not.
    (
      #"{ "name": "e", "dataset": { "name": "mnist" }, "runs": [ { "name": "a", "loss": "softmax", "parameters": { "m": 1, "m": 2 } } ] }"#,
      "runs[0].parameters.m", "appears twice"
    ),
    (
      #"{ "name": "e", "name": "f", "dataset": { "name": "mnist" }, "runs": [ { "name": "a", "loss": "softmax" } ] }"#,
      "name", "appears twice"
    ),
    (
      #"{ "name": "e", "dataset": { "name": "mnist" }, "runs": [ { "name": "a", "loss": "softmax" }, ] }"#, "runs",
      "trailing comma"
    ),
    (
      #"{ "name": "e", "dataset": { "name": "mnist", }, "runs": [ { "name": "a", "loss": "softmax" } ] }"#, "dataset",
      "trailing comma"
    ),
    // Names become directories: nothing that climbs out, hides or is empty.
    (
      #"{ "name": "e", "dataset": { "name": "mnist" }, "runs": [ { "name": "../../victim", "loss": "softmax" } ] }"#,
      "runs[0].name", "must start with a letter or digit"
    ),
    (
      #"{ "name": "e", "dataset": { "name": "mnist" }, "runs": [ { "name": "", "loss": "softmax" } ] }"#,
      "runs[0].name", "must not be empty"
    ),
    (
      #"{ "name": "", "dataset": { "name": "mnist" }, "runs": [ { "name": "a", "loss": "softmax" } ] }"#, "name",
      "must not be empty"
    ),
    (
      #"{ "name": "e", "dataset": { "name": "mnist" }, "runs": [ { "name": "a/b", "loss": "softmax" } ] }"#,
      "runs[0].name", "'/' is not allowed"
    ),
    (
      #"{ "name": "e..f", "dataset": { "name": "mnist" }, "runs": [ { "name": "a", "loss": "softmax" } ] }"#, "name",
      "'..'"
    ),
    (
      #"{ "name": "e", "dataset": { "name": "mnist" }, "settings": { "schedule": "multistep", "milestoneEpochs": [3, 2] }, "runs": [ { "name": "a", "loss": "softmax" } ] }"#,
      "settings.milestoneEpochs[1]", "strictly increasing"
    ),
  ])
  func errorsNameTheField(text: String, field: String, message: String) {
    do {
      _ = try parse(text)
      Issue.record("accepted: \(text)")
    } catch let error as ExperimentError {
      #expect(error.field == field)
      #expect(error.message.contains(message), "\(error)")
      #expect(error.description.hasPrefix("x.json: \(field): "))
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func impossibleMarginsAreRejectedWhenPlannedWithTheClassesNamed() throws {
    let experiment = try parse(
      """
      { "name": "e", "dataset": { "name": "mnist", "classes": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
        "runs": [ { "name": "a", "loss": "cosface", "parameters": { "m": 0.35 } },
                  { "name": "b", "loss": "l-softmax", "parameters": { "m": 5 } } ] }
      """)
    for run in ["a", "b"] {
      do {
        _ = try experiment.plans(profile: "default", runNames: [run])
        Issue.record("run \(run) was accepted")
      } catch let error as ExperimentError {
        #expect(error.field.hasSuffix(".parameters"))
        #expect(error.message.contains("m"))
      }
    }
  }

  @Test(arguments: [
    (#""settings": { "epochs": 2, "warmupEpochs": 3 }"#, "runs[0].settings.warmupEpochs", "longer than the 2 epochs"),
    (
      #""settings": { "epochs": 2, "checkpointEpochs": [3] }"#, "runs[0].settings.checkpointEpochs",
      "beyond the 2 epochs"
    ),
  ])
  func inconsistentSettingsAreRejectedWhenPlanned(settings: String, field: String, message: String) throws {
    let experiment = try parse(
      #"{ "name": "e", "dataset": { "name": "mnist" }, \#(settings), "runs": [ { "name": "a", "loss": "softmax" } ] }"#)
    do {
      _ = try experiment.plans(profile: "default")
      Issue.record("accepted: \(settings)")
    } catch let error as ExperimentError {
      #expect(error.field == field && error.message.contains(message), "\(error)")
    }
  }

  @Test func trainCapsOutsideTheClassesAreRejected() throws {
    let experiment = try parse(
      """
      { "name": "e", "dataset": { "name": "mnist", "classes": [3, 8], "trainCaps": { "5": 10 } },
        "runs": [ { "name": "a", "loss": "softmax" } ] }
      """)
    do {
      _ = try experiment.plans(profile: "default")
      Issue.record("a cap on a class outside the subset was accepted")
    } catch let error as ExperimentError {
      #expect(error.field == "dataset.trainCaps.5" && error.message.contains("[3, 8]"), "\(error)")
    }
  }

  /// The built-in settings are the only defaults: a plan from empty settings carries exactly them.
  @Test func emptySettingsResolveToTheBuiltInDefaults() throws {
    let plan = try #require(try parse(minimal).plans(profile: "default").first)
    let builtIn = RunSettings.builtIn
    #expect(plan.nesterov == builtIn.nesterov && plan.batchSize == builtIn.batchSize && plan.epochs == builtIn.epochs)
    #expect(
      plan.weightDecay == builtIn.weightDecay && plan.schedule == builtIn.schedule && plan.network == builtIn.network)
    #expect(RunSettings.fieldNames == Set(RunSettings.CodingKeys.allCases.map(\.rawValue)))
    // Every key the settings encode is a field the reader accepts, and the other way round.
    let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(builtIn)) as? [String: Any]
    #expect(Set(try #require(encoded).keys).isSubset(of: RunSettings.fieldNames))
  }

  @Test func unknownProfilesAndRunsAreNamed() throws {
    let experiment = try parse(minimal)
    #expect(throws: ExperimentError.self) { try experiment.plans(profile: "fast") }
    #expect(throws: ExperimentError.self) { try experiment.plans(profile: "default", runNames: ["zz"]) }
  }

  @Test func lambdaPresetsAndObjects() throws {
    let experiment = try parse(
      """
      { "name": "e", "dataset": { "name": "mnist" },
        "runs": [ { "name": "a", "loss": "a-softmax", "parameters": { "lambda": "disabled" } },
                  { "name": "b", "loss": "l-softmax", "parameters": { "lambda": { "base": 100, "gamma": 0.01, "power": 2 } } } ] }
      """)
    let plans = try experiment.plans(profile: "default")
    #expect(plans[0].lossParameters.lambda == .disabled)
    #expect(plans[1].lossParameters.lambda == LambdaSchedule(base: 100, gamma: 0.01, power: 2, minimum: 0))
  }

  @Test func everyShippedExperimentParsesInBothProfiles() throws {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("experiments").path
    let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }
    #expect(!files.isEmpty)
    for file in files {
      let experiment = try Experiment.load(directory + "/" + file)
      #expect(experiment.name + ".json" == file)
      for profile in Experiment.profileNames { _ = try experiment.plans(profile: profile) }
    }
  }
}
