import Foundation
import Testing

/// `margins plot --density`: the streamed path for a plain numpy file, the in-memory path for a
/// file with more arrays, both captioned and recorded; options that cannot apply are refused.
@Suite(.timeLimit(.minutes(5)), .serialized, .enabled(if: Numpy.available, "needs python3 with numpy"))
struct DensityPlotTests {
  func scratch() throws -> String {
    let dir = NSTemporaryDirectory() + "density-cli-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try Numpy.run(
      """
      import numpy as np
      rng = np.random.default_rng(28)
      y = np.arange(400) % 4
      f = (rng.normal(0, 1, (400, 2)) + 3 * y[:, None] + 5).astype(np.float32)
      np.savez('plain.npz', features=f, labels=y)
      np.savez('weights.npz', features=f, labels=y, class_weights=np.eye(4, 2, dtype=np.float32))
      """, in: dir)
    return dir
  }

  func provenance(_ path: String) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  @Test func aboveTheThresholdBothPathsDrawADensityFigureAndRecordIt() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for file in ["plain", "weights"] {
      let r = try MarginsProcess.run(
        ["plot", "\(file).npz", "--density-threshold", "300", "-o", "\(file).png"], in: dir)
      #expect(r.status == 0, "\(r.text)")
      let options = try #require(try provenance(dir + "/\(file).json")["options"] as? [String: Any])
      #expect(options["density"] as? String == "auto")
      #expect(FileManager.default.fileExists(atPath: dir + "/\(file).png"))
    }
    let streamed = try #require(try provenance(dir + "/plain.json")["options"] as? [String: Any])
    #expect(streamed["aggregatedPoints"] as? Double == 400)
  }

  @Test func optionsThatCannotApplyAreRefused() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let hist = try MarginsProcess.run(
      ["plot", "weights.npz", "--kind", "hist", "--density", "always", "-o", "h.png"], in: dir)
    #expect(hist.status != 0 && hist.text.contains("--density always"))
    let labels = try MarginsProcess.run(
      ["plot", "weights.npz", "--density", "always", "--class-labels", "-o", "l.png"], in: dir)
    #expect(labels.status != 0 && labels.text.contains("--class-labels"))
    let negative = try MarginsProcess.run(["plot", "plain.npz", "--density-threshold", "-1", "-o", "n.png"], in: dir)
    #expect(negative.status != 0)
    #expect(!FileManager.default.fileExists(atPath: dir + "/h.png"))
  }
}
