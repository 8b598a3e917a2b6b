import Foundation

/// Runs python3 scripts for the tests that prove numpy reads what we write (and we read what
/// numpy writes). Tests that need it are gated with `.enabled(if: Python.hasNumpy)`, so a machine
/// without numpy reports them as skipped rather than passed.
public struct Python: Sendable {
  public static let shared = Python()
  /// Whether python3 runs here and imports numpy.
  public static let hasNumpy: Bool = (try? shared.run("import numpy; print('ok')")) == "ok"

  /// Runs `script` with `python3 -c` and returns its trimmed output (stdout and stderr).
  public func run(_ script: String) throws -> String {
    // Output goes through a file, not a Pipe: Foundation's pipe reads crash on EINTR
    // when another test's child process exits meanwhile.
    let log = NSTemporaryDirectory() + "python-\(UUID().uuidString).log"
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: log) }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    process.waitUntilExit()
    try handle.close()
    let data = FileManager.default.contents(atPath: log) ?? Data()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }
}

/// A fresh empty directory under the system's temporary directory.
public func makeTemporaryDirectory(_ label: String = "formats") -> String {
  let path = NSTemporaryDirectory() + "margins-\(label)-\(UUID().uuidString)"
  try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}
