import Foundation
import Testing

/// `margins analyze` end to end on numpy-written files: what it writes, the JSON's shape, and the
/// refusals that leave nothing behind.
@Suite(.timeLimit(.minutes(5)), .serialized, .enabled(if: Numpy.available, "needs python3 with numpy"))
struct AnalyzeCommandTests {
  func scratch() throws -> String {
    let dir = NSTemporaryDirectory() + "analyze-cli-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  func files(_ dir: String) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() }

  /// `name`.npz with train/test splits of `d`-dimensional features around `classes` directions.
  static func embeddings(
    _ name: String, d: Int, classes: Int = 6, points: Int = 600, weights: Bool = true, seed: Int = 1, extra: String = ""
  ) -> String {
    """
    import numpy as np
    rng = np.random.default_rng(\(seed))
    C, D, N = \(classes), \(d), \(points)
    W = rng.normal(size=(C, D))
    y = np.arange(N) % C
    f = (W[y] * 1.5 + rng.normal(size=(N, D))).astype(np.float32)
    arrays = dict(train_features=f[:N // 2], train_labels=y[:N // 2], test_features=f[N // 2:], test_labels=y[N // 2:])
    \(weights ? "arrays['class_weights'] = W.astype(np.float32)" : "")
    \(extra)
    np.savez('\(name).npz', **arrays)
    """
  }

  func json(_ path: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
  }

  @Test(arguments: [2, 3, 64, 512])
  func anyDimensionWritesTheJSONAndThreeFigures(d: Int) throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Numpy.run(Self.embeddings("e", d: d, points: d == 512 ? 300 : 600), in: dir)
    let result = try MarginsProcess.run(
      ["analyze", "e.npz", "--out", "out", "--plane", "1,4", "--format", "png,svg,pdf"], in: dir)
    #expect(result.status == 0, "\(result.text)")
    let expected =
      ["angles", "classes", "views"].flatMap { f in ["json", "pdf", "png", "svg"].map { "e-analysis-\(f).\($0)" } } + [
        "e-analysis.json"
      ]
    #expect(files(dir + "/out") == expected.sorted())
    let report = try json(dir + "/out/e-analysis.json")
    #expect(report["schemaVersion"] as? Int == 1)
    let file = try #require((report["files"] as? [[String: Any]])?.first)
    #expect(file["dimension"] as? Int == d)
    #expect(file["classDirections"] as? String == "class weights")
    let splits = try #require(file["splits"] as? [[String: Any]])
    #expect(splits.map { $0["name"] as? String } == ["train", "test"])
    let table3 = try #require(splits[1]["table3"] as? [String: Any])
    for key in ["wEC", "wInter", "intra", "inter"] { #expect(table3[key] is Double, "\(key)") }
    #expect((splits[1]["plane"] as? [String: Any])?["classes"] as? [Int] == [1, 4])
    // The definitions travel with the numbers.
    let definitions = try #require(report["definitions"] as? [String: String])
    #expect(definitions["centre"]?.contains("L2-normalised") == true)
    // Pictures: a real PNG, an SVG with the heatmap's 36 cells among its paths.
    let png = try Data(contentsOf: URL(fileURLWithPath: dir + "/out/e-analysis-views.png"))
    #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
    #expect(width == Int((6.5 * 150).rounded()) || abs(width - 975) <= 1)
    let svg = try String(contentsOfFile: dir + "/out/e-analysis-classes.svg", encoding: .utf8)
    #expect(svg.components(separatedBy: "<path").count - 1 >= 2 * 36)
    #expect(result.output.contains("ArcFace Table 3: W-EC"))
  }

  @Test func npyFeaturesWithLabelsAndNoWeightsUseTheCentres() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Numpy.run(
      """
      import numpy as np
      rng = np.random.default_rng(4)
      y = np.repeat(np.array([3, 8, 5]), 100)
      np.save('f.npy', (rng.normal(size=(3, 128))[np.searchsorted([3, 5, 8], y)] + 0.7 * rng.normal(size=(300, 128))).astype(np.float16))
      np.save('l.npy', y)
      """, in: dir)
    let result = try MarginsProcess.run(
      ["analyze", "f.npy", "--labels", "l.npy", "--json", "-", "--out", "out", "--no-figures"], in: dir)
    #expect(result.status == 0, "\(result.text)")
    let report = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    let file = try #require((report["files"] as? [[String: Any]])?.first)
    #expect(file["classCount"] as? Int == 3, "labels 3, 5, 8 are three classes, not nine")
    #expect(file["classDirections"] as? String == "class centres")
    let split = try #require((file["splits"] as? [[String: Any]])?.first)
    #expect((split["targetAngles"] as? [String: Any])?["reference"] as? String == "class centre")
    #expect((split["table3"] as? [String: Any])?["wEC"] is NSNull)
    #expect(result.errors.contains("no class weights"), "the summary goes to stderr when stdout is the JSON")
    #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
  }

  @Test func severalEpochsAreComparedInOneFigure() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Numpy.run(Self.embeddings("e1", d: 16, seed: 1, extra: "arrays['epoch'] = 1"), in: dir)
    try Numpy.run(
      Self.embeddings("e9", d: 16, seed: 1, extra: "arrays['epoch'] = 9\narrays['train_features'] *= 3"), in: dir)
    let result = try MarginsProcess.run(["analyze", "e1.npz", "e9.npz", "--out", "out", "--format", "png"], in: dir)
    #expect(result.status == 0, "\(result.text)")
    let report = try json(dir + "/out/2files-analysis.json")
    #expect((report["files"] as? [[String: Any]])?.compactMap { $0["epoch"] as? Int } == [1, 9])
    #expect(files(dir + "/out").contains("2files-analysis-angles.png"))
  }

  @Test(arguments: [
    ("nan", "arrays['test_features'][5, 1] = np.nan", "test_features", "NaN"),
    ("zero", "arrays['train_features'][7] = 0", "train_features", "row 7"),
    (
      "absent",
      "keep = arrays['test_labels'] != 2\narrays['test_features'] = arrays['test_features'][keep]\narrays['test_labels'] = arrays['test_labels'][keep]",
      "test_labels", "has no rows in the test split"
    ),
    (
      "one",
      "arrays = dict(features=arrays['train_features'], labels=np.zeros(len(arrays['train_labels']), dtype=int))",
      "labels", "one class"
    ),
  ])
  func degenerateInputsFailNamingFileAndArrayAndWriteNothing(name: String, change: String, array: String, words: String)
    throws
  {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Numpy.run(Self.embeddings(name, d: 8, weights: name != "one", extra: change), in: dir)
    let result = try MarginsProcess.run(["analyze", "\(name).npz", "--out", "out", "--json", "out/x.json"], in: dir)
    #expect(result.status == 1, "\(result.text)")
    #expect(
      result.text.contains("\(name).npz") && result.text.contains(array) && result.text.contains(words),
      "\(result.text)")
    #expect(!FileManager.default.fileExists(atPath: dir + "/out"), "no output on failure: \(files(dir + "/out"))")
  }
}
