import Foundation
import Testing

/// Issue 29's probes as commands: each fails on 445d933 (a crash, a hang, a write outside the
/// output directory, a silently wrong figure) and is refused with a sentence now.
@Suite(.timeLimit(.minutes(5)), .serialized, .enabled(if: Numpy.available, "needs python3 with numpy"))
struct HostileInputRoundThreeTests {
  func scratch() throws -> String {
    let dir = NSTemporaryDirectory() + "hostile3-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try Numpy.run(
      """
      import numpy as np
      rng = np.random.default_rng(0)
      f = rng.normal(size=(60, 2)).astype('f4'); l = rng.integers(0, 4, 60)
      W = np.eye(4, 2).astype('f4') + 0.1
      np.savez('emb.npz', features=f, labels=l)
      np.savez('huge-label.npz', features=f, labels=np.where(l == 0, 2**62, l), class_weights=W)
      np.savez('bias-nan.npz', features=f, labels=l, class_weights=W, class_bias=np.array([0, np.nan, 0, 0], 'f4'))
      np.savez('s-negative.npz', features=f, labels=l, class_weights=W, loss='cosface', loss_parameters='{"s": -1, "m": 0.35}')
      np.savez('m-huge.npz', features=f, labels=l, class_weights=W, loss='l-softmax', loss_parameters='{"m": 1e9}')
      np.savez('split-row.npz', features=f, labels=l, split=np.array(['train'] * 30 + ['validation'] * 30))
      """, in: dir)
    return dir
  }

  func margins(_ arguments: [String], in dir: String) throws -> MarginsProcess.Result {
    try MarginsProcess.run(arguments, in: dir)
  }

  /// Exit 1...125 with a sentence, never a signal or a runtime message.
  func expectRefused(
    _ result: MarginsProcess.Result, mentioning text: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect((1...125).contains(result.status), "exit \(result.status): \(result.text)", sourceLocation: sourceLocation)
    #expect(result.text.contains(text), "\(result.text)", sourceLocation: sourceLocation)
    #expect(
      !result.text.contains("Fatal error") && !result.text.contains("NSCocoaErrorDomain"),
      sourceLocation: sourceLocation)
  }

  @Test func outputNamesThatLeaveTheDirectoryOrAreEmptyAreRefused() throws {
    let dir = try scratch()
    try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
    expectRefused(try margins(["plot", "emb.npz", "--out", "out", "--name", ""], in: dir), mentioning: "--name")
    expectRefused(
      try margins(["plot", "emb.npz", "--out", "out", "--name", "../victim"], in: dir), mentioning: "--name")
    #expect(
      !FileManager.default.fileExists(atPath: dir + "/victim.png")
        && !FileManager.default.fileExists(atPath: dir + "/out.png"))
  }

  @Test func aFigureNeverReplacesAJSONThatIsNotItsOwnProvenance() throws {
    let dir = try scratch()
    try FileManager.default.createDirectory(atPath: dir + "/run", withIntermediateDirectories: true)
    let metadata = Data(#"{"epoch": 2, "not": "a provenance file"}"#.utf8)
    try metadata.write(to: URL(fileURLWithPath: dir + "/run/epoch-002.json"))
    expectRefused(
      try margins(["plot", "emb.npz", "--out", "run", "--name", "epoch-002"], in: dir),
      mentioning: "not a figure's provenance file")
    #expect(FileManager.default.contents(atPath: dir + "/run/epoch-002.json") == metadata)
    #expect(!FileManager.default.fileExists(atPath: dir + "/run/epoch-002.png"))
    // Its own provenance file is replaced as before.
    let again = try margins(["plot", "emb.npz", "--out", "run", "--name", "fig"], in: dir)
    #expect(again.status == 0)
    #expect(try margins(["plot", "emb.npz", "--out", "run", "--name", "fig"], in: dir).status == 0)
  }

  @Test func hugeLabelsNaNBiasesAndLossParametersTrainingRefusesAreRefused() throws {
    let dir = try scratch()
    expectRefused(try margins(["metrics", "huge-label.npz"], in: dir), mentioning: "labels")
    expectRefused(try margins(["plot", "bias-nan.npz", "-o", "b.png"], in: dir), mentioning: "class_bias")
    expectRefused(
      try margins(["plot", "s-negative.npz", "--kind", "sectors", "-o", "s.png"], in: dir),
      mentioning: "training refuses")
    let start = Date()
    expectRefused(
      try margins(["plot", "m-huge.npz", "--kind", "sectors", "-o", "m.png"], in: dir), mentioning: "training refuses")
    #expect(Date().timeIntervalSince(start) < 30)
    expectRefused(try margins(["plot", "split-row.npz", "-o", "r.png"], in: dir), mentioning: "validation")
  }

  @Test func aFIFOIsRefusedWithoutWaitingForAWriter() throws {
    let dir = try scratch()
    #expect(mkfifo(dir + "/pipe.npz", 0o644) == 0)
    let start = Date()
    expectRefused(try margins(["plot", "pipe.npz", "-o", "p.png"], in: dir), mentioning: "not a regular file")
    #expect(Date().timeIntervalSince(start) < 30)
  }

  @Test func limitsAndSizesThatOverflowTheRasteriserAreRefusedBeforeDrawing() throws {
    let dir = try scratch()
    expectRefused(try margins(["plot", "emb.npz", "--xlim=-1e308,1e308", "-o", "x.png"], in: dir), mentioning: "xlim")
    expectRefused(try margins(["plot", "emb.npz", "--width", "100in", "-o", "w.png"], in: dir), mentioning: "pixels")
  }
}
