import Foundation
import Testing

/// Python 3 with numpy writes the inputs, as a user's own training script would.
enum Numpy {
  static let available: Bool = (try? run("import numpy", in: NSTemporaryDirectory())) != nil

  static func run(_ script: String, in directory: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CLITestError("python3 failed on: \(script.prefix(80))") }
  }
}

/// `margins plot` on numpy-written 3-D embeddings: the sphere view (chosen automatically, from an
/// automatic view direction), `--animate` on snapshot sets, and the bad input of issue 13.
@Suite(.timeLimit(.minutes(5)), .serialized, .enabled(if: Numpy.available, "needs python3 with numpy"))
struct PlotCommandTests {
  /// Snapshot-format arrays for `points` features around each of `classes` directions in D dimensions.
  static func snapshotScript(_ path: String, d: Int, iteration: Int, classes: Int = 4, points: Int = 300) -> String {
    """
    import numpy as np, os
    rng = np.random.default_rng(\(iteration))
    C, D, N = \(classes), \(d), \(points)
    W = np.eye(max(C, D))[:C, :D] + 0.1
    labels = np.arange(N) % C
    f = (W[labels] * rng.uniform(2, 6, (N, 1)) + rng.normal(0, 0.3, (N, D))).astype(np.float32)
    os.makedirs(os.path.dirname('\(path)') or '.', exist_ok=True)
    np.savez('\(path)', test_features=f, test_labels=labels.astype(np.uint8), class_weights=W.astype(np.float32),
             epoch=1, iteration=\(iteration), loss='arcface', loss_parameters='{"m": 0.5, "s": 10}', train_loss=0.5)
    """
  }

  func scratch() throws -> String {
    let dir = NSTemporaryDirectory() + "plot-cli-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  func files(_ dir: String) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() }

  @Test func aNumpyWritten3DFileGetsTheSphereViewWithAnAutomaticDirection() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Numpy.run(Self.snapshotScript("e3.npz", d: 3, iteration: 500), in: dir)
    let result = try MarginsProcess.run(
      ["plot", "e3.npz", "--out", "out", "--name", "s", "--format", "png,svg"], in: dir)
    #expect(result.status == 0, "\(result.text)")
    #expect(files(dir + "/out") == ["s.json", "s.png", "s.svg"])
    let png = try Data(contentsOf: URL(fileURLWithPath: dir + "/out/s.png"))
    #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    let provenance = try String(contentsOfFile: dir + "/out/s.json", encoding: .utf8)
    #expect(
      provenance.contains("\"sphere\""), "the 3-D file should default to --kind sphere: \(provenance.prefix(400))")
    // The automatic view is resolved and recorded (the caption says the same).
    let options =
      try #require(try JSONSerialization.jsonObject(with: Data(provenance.utf8)) as? [String: Any])["options"]
      as? [String: Any]
    let views = try #require(options?["view"] as? [String])
    #expect(views.count == 1 && views[0].contains("from ("), "\(views)")
    let svg = try String(contentsOfFile: dir + "/out/s.svg", encoding: .utf8)
    #expect(svg.contains("<svg") && svg.contains("<image"), "sphere points are an image layer in the SVG")
  }

  @Test func fourDimensionsAreAnErrorNamingTheFileAndNothingIsWritten() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Numpy.run(Self.snapshotScript("e4.npz", d: 4, iteration: 1), in: dir)
    for extra in [[], ["--kind", "scatter"], ["--animate"]] {
      let result = try MarginsProcess.run(["plot", "e4.npz", "--out", "out"] + extra, in: dir)
      #expect(result.status == 1, "\(extra): \(result.text)")
      #expect(result.errors.contains("e4.npz") && result.errors.contains("D = 4"), "\(result.errors)")
      #expect(files(dir + "/out").isEmpty)
    }
  }

  @Test func animateWritesALoopingGIFWithTheFrameDelay() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for it in [300, 100, 200] {
      try Numpy.run(
        Self.snapshotScript("run/snapshots/iter-\(String(format: "%07d", it)).npz", d: 3, iteration: it), in: dir)
    }
    let result = try MarginsProcess.run(
      ["plot", "run", "--animate", "--frame-delay", "7", "--out", "out", "--name", "a", "--dpi", "60"], in: dir)
    #expect(result.status == 0, "\(result.text)")
    #expect(result.output.contains("3 frames"), "\(result.output)")
    let gif = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/out/a.gif")))
    #expect(gif.starts(with: Array("GIF89a".utf8)))
    #expect(gif.indices.dropLast(11).contains { Array(gif[$0..<$0 + 11]) == Array("NETSCAPE2.0".utf8) })
    // Graphics control extensions (21 F9 04 flags delay-lo delay-hi): every frame but the last says 7.
    let delays = gif.indices.dropLast(6).filter { gif[$0] == 0x21 && gif[$0 + 1] == 0xF9 && gif[$0 + 2] == 4 }.map {
      Int(gif[$0 + 4]) | Int(gif[$0 + 5]) << 8
    }
    #expect(delays.count == 3 && delays.dropLast().allSatisfy { $0 == 7 } && delays.last! > 7, "\(delays)")
    let provenance = try String(contentsOfFile: dir + "/out/a.json", encoding: .utf8)
    #expect(provenance.contains("iter-0000100.npz") && provenance.contains("iter-0000300.npz"))
  }

  @Test func badAnimationInputExitsOneNamingTheFileAndLeavesNoGIF() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Numpy.run(Self.snapshotScript("mixed/snapshots/iter-0000100.npz", d: 3, iteration: 100), in: dir)
    try Numpy.run(Self.snapshotScript("mixed/snapshots/iter-0000200.npz", d: 2, iteration: 200), in: dir)
    try Numpy.run(Self.snapshotScript("classes/snapshots/iter-0000100.npz", d: 2, iteration: 100), in: dir)
    try Numpy.run(Self.snapshotScript("classes/snapshots/iter-0000200.npz", d: 2, iteration: 200, classes: 3), in: dir)
    let cases: [([String], [String])] = [
      (["mixed"], ["iter-0000200.npz", "D = 2"]),
      (["classes"], ["iter-0000200.npz", "3 classes"]),
      (["classes/snapshots/iter-0000100.npz", "--width", "60in", "--dpi", "100"], ["big.gif", "4096"]),
    ]
    for (arguments, fragments) in cases {
      let result = try MarginsProcess.run(
        ["plot"] + arguments + ["--animate", "--out", "out", "--name", "big"], in: dir)
      #expect(result.status == 1, "\(arguments): \(result.text)")
      for fragment in fragments {
        #expect(result.errors.contains(fragment), "\(arguments): stderr lacks \(fragment): \(result.errors)")
      }
      #expect(files(dir + "/out").isEmpty, "\(arguments) left \(files(dir + "/out"))")
    }
    let delay = try MarginsProcess.run(["plot", "classes", "--animate", "--frame-delay", "0", "--out", "out"], in: dir)
    #expect(delay.status != 0 && delay.errors.contains("--frame-delay"), "\(delay.text)")
  }
}
