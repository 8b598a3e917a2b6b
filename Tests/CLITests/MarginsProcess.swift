import Foundation

/// Runs the built `margins` executable (it sits beside the test bundle in the build directory)
/// and captures its exit status and output.
struct MarginsProcess {
  struct Result {
    let status: Int32
    let output: String
    let errors: String
    /// Both streams, for messages that may go to either.
    var text: String { output + errors }
  }

  static var executable: String? {
    let candidates = [
      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("margins").path,
      URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent(".build/debug/margins").path,
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// Runs `margins arguments...` in `directory`; the streams go through files (no pipe can fill up).
  static func run(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> Result {
    guard let executable else { throw CLITestError("the margins executable was not built next to the tests") }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let outPath = directory + "/.stdout-\(UUID().uuidString)"
    let errPath = directory + "/.stderr-\(UUID().uuidString)"
    FileManager.default.createFile(atPath: outPath, contents: nil)
    FileManager.default.createFile(atPath: errPath, contents: nil)
    defer {
      try? FileManager.default.removeItem(atPath: outPath)
      try? FileManager.default.removeItem(atPath: errPath)
    }
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    process.standardOutput = out
    process.standardError = err
    try process.run()
    process.waitUntilExit()
    try out.close()
    try err.close()
    return Result(
      status: process.terminationStatus, output: try String(contentsOfFile: outPath, encoding: .utf8),
      errors: try String(contentsOfFile: errPath, encoding: .utf8))
  }
}

struct CLITestError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
