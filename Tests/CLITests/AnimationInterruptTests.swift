import Foundation
import Testing

/// Ctrl-C while `--animate` writes its GIF: the temporary file giflib writes into is registered with
/// the signal cleanup (as PNG and SVG writes are), so nothing is left in the output directory.
@Suite(.timeLimit(.minutes(5)), .serialized, .enabled(if: Numpy.available, "needs python3 with numpy"))
struct AnimationInterruptTests {
  @Test(arguments: [SIGINT, SIGTERM])
  func aSignalDuringTheGIFWriteLeavesNoTemporaryFile(signalNumber: Int32) throws {
    let dir = NSTemporaryDirectory() + "animate-signal-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Numpy.run(
      """
      import numpy as np
      rng = np.random.default_rng(3)
      for k in range(300):
          l = np.arange(400) % 4
          a = l * np.pi / 2 + rng.normal(0, 0.3, 400)
          r = 1 + k / 50 + rng.gamma(2, 0.5, 400)
          np.savez('f-%03d.npz' % k, features=np.stack([r * np.cos(a), r * np.sin(a)], 1).astype('f4'), labels=l)
      """, in: dir)
    let frames = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".npz") }.sorted()
    let executable = try #require(MarginsProcess.executable)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = ["plot"] + frames + ["--animate", "-o", "out/a.gif"]
    process.currentDirectoryURL = URL(fileURLWithPath: dir)
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    func temporaryFiles() -> [String] {
      ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/out")) ?? []).filter { $0.hasSuffix(".tmp") }
    }
    let deadline = Date().addingTimeInterval(120)
    while temporaryFiles().isEmpty && process.isRunning {
      try #require(Date() < deadline, "the GIF's temporary file never appeared")
      usleep(5_000)
    }
    try #require(process.isRunning, "the animation finished before it could be interrupted")
    kill(process.processIdentifier, signalNumber)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == signalNumber)
    #expect(temporaryFiles().isEmpty)
    #expect(!FileManager.default.fileExists(atPath: dir + "/out/a.gif"))
  }
}
