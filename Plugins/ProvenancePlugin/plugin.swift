import Foundation
import PackagePlugin

/// Generates the Provenance module's build facts: the training-code fingerprint with the ledger of
/// reproduced fingerprints (recomputed whenever a file under Sources/ changes), and the code
/// version (asked of git before every build, rewritten only when it changes).
@main struct ProvenancePlugin: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    guard target is SourceModuleTarget else { return [] }
    let root = context.package.directoryURL
    let sources = root.appending(path: "Sources")
    let ledger = sources.appending(path: "Provenance/ReproducedTrainingCode.json")
    let stampFile = context.pluginWorkDirectoryURL.appending(path: "TrainingCode+Generated.swift")
    // Which files count is the tool's to decide (ProvenanceCore.SourceFingerprint); the build reruns it
    // whenever anything under Sources/ changes, and its output is rewritten only when the value does.
    let sourceFiles = Self.files(under: sources)
    let versionDirectory = context.pluginWorkDirectoryURL.appending(path: "version")
    return [
      .buildCommand(
        displayName: "Fingerprinting the training code",
        executable: try context.tool(named: "training-fingerprint").url,
        arguments: ["--sources", sources.path, "--ledger", ledger.path, "--output", stampFile.path],
        inputFiles: sourceFiles,
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

  /// Every regular file below `directory` (hidden ones skipped), the ledger among them.
  static func files(under directory: URL) -> [URL] {
    guard
      let enumerator = FileManager.default.enumerator(
        at: directory, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
    else { return [] }
    return enumerator.compactMap { item in
      guard let url = item as? URL, (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true
      else { return nil }
      return url
    }
  }
}
