import Foundation
import PackagePlugin

/// Generates the Provenance module's build facts: the training-code fingerprint with the ledger of
/// reproduced fingerprints (rebuilt whenever a training source or the ledger changes), and the code
/// version (asked of git before every build, rewritten only when it changes).
@main struct ProvenancePlugin: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    guard target is SourceModuleTarget else { return [] }
    let root = context.package.directoryURL
    let sources = root.appending(path: "Sources")
    let ledger = sources.appending(path: "Provenance/ReproducedTrainingCode.json")
    let stampFile = context.pluginWorkDirectoryURL.appending(path: "TrainingCode+Generated.swift")
    let trainingInputs = context.package.targets.compactMap { $0 as? SourceModuleTarget }
      .filter {
        ["CDNNL", "Datasets", "Engine", "Experiments", "Losses", "MarginMath", "Randomness", "Training"].contains(
          $0.name)
      }
      .flatMap { $0.sourceFiles.map(\.url) }
    // The C library's module map and header are code too, in a target that lists no source files.
    let cdnnl = sources.appending(path: "CDNNL")
    let cdnnlFiles = ((try? FileManager.default.contentsOfDirectory(atPath: cdnnl.path)) ?? []).map {
      cdnnl.appending(path: $0)
    }
    let versionDirectory = context.pluginWorkDirectoryURL.appending(path: "version")
    return [
      .buildCommand(
        displayName: "Fingerprinting the training code",
        executable: try context.tool(named: "training-fingerprint").url,
        arguments: ["--sources", sources.path, "--ledger", ledger.path, "--output", stampFile.path],
        inputFiles: trainingInputs + cdnnlFiles + [ledger],
        outputFiles: [stampFile]),
      .prebuildCommand(
        displayName: "Reading the code version",
        executable: URL(fileURLWithPath: "/bin/bash"),
        arguments: [
          root.appending(path: "scripts/code-version.sh").path, "--swift",
          versionDirectory.appending(path: "BuildInfo+Generated.swift").path,
        ],
        outputFilesDirectory: versionDirectory),
    ]
  }
}
