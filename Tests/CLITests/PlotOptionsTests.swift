import Foundation
import Testing

/// `margins plot` options for users' files (issue 28 item 3): each applies to the kinds that draw
/// its part, and is refused for the others.
@Suite(.timeLimit(.minutes(5)), .serialized, .enabled(if: Numpy.available, "needs python3 with numpy"))
struct PlotOptionsTests {
  func scratch() throws -> String {
    let dir = NSTemporaryDirectory() + "plot-options-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try Numpy.run(
      """
      import numpy as np
      rng = np.random.default_rng(3)
      C, N = 12, 600
      a = np.arange(C) * 2 * np.pi / C
      W = np.stack([np.cos(a), np.sin(a)], 1).astype(np.float32)
      y = np.arange(N) % C
      f = (W[y] * rng.uniform(2, 6, (N, 1)) + rng.normal(0, 0.2, (N, 2))).astype(np.float32)
      np.savez('c12.npz', features=f, labels=y, class_weights=W, loss='softmax')
      """, in: dir)
    return dir
  }

  @Test func classesSelectsAndTheAccuracySaysAmongWhichClasses() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let r = try MarginsProcess.run(["plot", "c12.npz", "--classes", "3,5,8", "-o", "s.png"], in: dir)
    #expect(r.status == 0, "\(r.text)")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/s.json"))) as? [String: Any])
    let panel = try #require((json["panels"] as? [[String: Any]])?.first)
    #expect(panel["classNames"] as? [String] == ["3", "5", "8"])
    let unknown = try MarginsProcess.run(["plot", "c12.npz", "--classes", "3,99", "-o", "u.png"], in: dir)
    #expect(unknown.status != 0 && unknown.text.contains("no class '99'"))
  }

  @Test func binsAndHidingOptionsApplyOnlyWhereTheirPartIsDrawn() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for ok in [
      ["--kind", "hist", "--bins", "30"], ["--kind", "rose", "--bins", "72"], ["--kind", "circle", "--no-labels"],
      ["--kind", "sectors", "--no-margin-zones", "--no-weight-rays"],
    ] {
      let r = try MarginsProcess.run(["plot", "c12.npz"] + ok + ["-o", "ok.png"], in: dir)
      #expect(r.status == 0, "\(ok): \(r.text)")
      try? FileManager.default.removeItem(atPath: dir + "/ok.png")
      try? FileManager.default.removeItem(atPath: dir + "/ok.json")
    }
    for (bad, says) in [
      (["--bins", "30"], "--bins"), (["--kind", "hist", "--bins", "1"], "--bins"),
      (["--kind", "circle", "--no-margin-zones"], "--no-margin-zones"), (["--no-weight-rays"], "--no-weight-rays"),
      (["--kind", "hist", "--no-labels"], "--no-labels"), (["--kind", "sectors", "--classes", "1"], "--classes"),
    ] {
      let r = try MarginsProcess.run(["plot", "c12.npz"] + bad + ["-o", "bad.png"], in: dir)
      #expect(r.status != 0 && r.text.contains(says), "\(bad): \(r.text)")
      #expect(!FileManager.default.fileExists(atPath: dir + "/bad.png"))
    }
  }
}
