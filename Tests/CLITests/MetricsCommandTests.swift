import Foundation
import Testing

/// `margins metrics` states a checkpoint's metrics as the trainer stored them (over every item, as the
/// figures and the report do), and what its kept features give beside them, saying over how many
/// items; a user's file keeps its metrics computed from the arrays.
@Suite(.timeLimit(.minutes(5)), .serialized, .enabled(if: Numpy.available, "needs python3 with numpy"))
struct MetricsCommandTests {
  static let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("results/paper/lsoftmax-fig2/m2").path

  /// A copy of a shipped checkpoint that keeps the features of only the first 500 items of each split
  /// (as `savedFeatures` makes the trainer do) and whose stored test accuracy reads 50 %, so the
  /// stored metrics and those of the kept arrays differ; and the same arrays as a user's file.
  func scratch() throws -> String {
    let dir = NSTemporaryDirectory() + "metrics-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir + "/run", withIntermediateDirectories: true)
    try Numpy.run(
      """
      import hashlib, json, numpy as np
      d = dict(np.load("\(Self.shipped)/epoch-002.npz"))
      for s in ("train", "test"):
          d[s + "_features"] = d[s + "_features"][:500]
          d[s + "_labels"] = d[s + "_labels"][:500]
      np.savez("run/epoch-002.npz", **d)
      np.savez("users.npz", **d)
      meta = json.load(open("\(Self.shipped)/epoch-002.json"))
      meta["metrics"]["test"]["accuracy"] = 0.5
      meta["arraysSHA256"] = hashlib.sha256(open("run/epoch-002.npz", "rb").read()).hexdigest()
      json.dump(meta, open("run/epoch-002.json", "w"))
      open("run/latest", "w").write("epoch-002\\n")
      """, in: dir)
    return dir
  }

  @Test func aCheckpointStatesTheTrainersMetricsAndSaysWhatItsKeptFeaturesCover() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let text = try MarginsProcess.run(["metrics", "run/epoch-002.npz"], in: dir)
    #expect(text.status == 0, "\(text.text)")
    #expect(text.output.contains("test: 10000 items (trainer's metrics, over every item)"), "\(text.output)")
    #expect(text.output.contains("    accuracy 50.00%"), "\(text.output)")
    #expect(text.output.contains("computed from the 500 kept features (of 10000 items):"), "\(text.output)")

    let result = try MarginsProcess.run(["metrics", "--json", "run/epoch-002.npz", "users.npz"], in: dir)
    #expect(result.status == 0, "\(result.text)")
    let reports = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]])
    #expect(reports.count == 2)
    func test(_ report: [String: Any]) throws -> [String: Any] {
      try #require((report["splits"] as? [[String: Any]])?.first { $0["name"] as? String == "test" })
    }
    func accuracy(_ metrics: Any?) -> Double? { (metrics as? [String: Any])?["accuracy"] as? Double }
    let checkpoint = try test(reports[0])
    #expect(checkpoint["source"] as? String == "trainer")
    #expect(checkpoint["items"] as? Int == 10000 && checkpoint["count"] as? Int == 500)
    #expect(accuracy(checkpoint["metrics"]) == 0.5)
    let kept = try #require(accuracy(checkpoint["keptFeatureMetrics"]))
    #expect(kept > 0.8, "the kept features' own accuracy")
    // The user's file holding the same arrays: computed from them, over the 500 it has.
    let users = try test(reports[1])
    #expect(users["source"] as? String == "arrays")
    #expect(users["items"] as? Int == 500 && users["count"] as? Int == 500)
    #expect(accuracy(users["metrics"]) == kept)
    #expect(users["keptFeatureMetrics"] == nil)
  }
}
