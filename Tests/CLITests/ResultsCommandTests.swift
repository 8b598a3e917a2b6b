import Foundation
import Testing

/// `margins results` and `margins report` end to end on a tiny trained run: ship, install into a
/// fresh runs directory, compare a reproduction bit for bit, and refuse damaged files by name.
@Suite(.timeLimit(.minutes(5)), .serialized) struct ResultsCommandTests {
  @Test func shipInstallCompareAndDamage() throws {
    let data = try TinyIDXData()
    defer { data.remove() }
    try data.experiment()
    let selection = ["--experiments-dir", data.root, "--experiment", "tiny", "--shipped-dir", data.root + "/results"]
    func margins(_ arguments: [String]) throws -> MarginsProcess.Result {
      try MarginsProcess.run(arguments, in: data.root)
    }
    let trained = try margins(["train", "tiny.json", "--runs-dir", data.runs, "--workers", "1"])
    #expect(trained.status == 0, "\(trained.text)")

    let shipped = try margins(["results", "ship", "--runs-dir", data.runs] + selection)
    #expect(shipped.status == 0 && shipped.output.contains("tiny/r: "), "\(shipped.text)")
    let manifest = try String(contentsOfFile: data.root + "/results/SHA256SUMS", encoding: .utf8)
    #expect(manifest.contains("tiny/r/epoch-001.npz") && !manifest.contains("state.npz"), "\(manifest)")

    let clone = data.root + "/clone"
    let installed = try margins(["results", "install", "--runs-dir", clone] + selection)
    #expect(installed.status == 0 && installed.output.isEmpty, "\(installed.text)")
    #expect(FileManager.default.fileExists(atPath: clone + "/tiny/r/epoch-001.npz"))

    // A reproduction with the same seed, threads and ISA: byte-identical arrays.
    let repro = data.root + "/repro"
    #expect(try margins(["train", "tiny.json", "--runs-dir", repro, "--workers", "1"]).status == 0)
    let compared = try margins(["results", "compare", "--runs-dir", repro] + selection)
    #expect(compared.status == 0 && compared.output.contains("byte-identical"), "\(compared.text)")

    let report = try margins([
      "report", "--runs-dir", clone, "--experiments-dir", data.root, "--out", data.root + "/r.md",
    ])
    #expect(report.status == 0, "\(report.text)")
    // The settings come from the recorded configuration; only figures drawn beside it are linked.
    let text = try String(contentsOfFile: data.root + "/r.md", encoding: .utf8)
    #expect(text.contains("## Settings") && text.contains("- **tiny**: "), "\(text)")
    #expect(!text.contains("]("), "links a figure that was not drawn:\n\(text)")
    try Data().write(to: URL(fileURLWithPath: data.root + "/lsoftmax-fig2.png"))
    #expect(
      try margins(["report", "--runs-dir", clone, "--experiments-dir", data.root, "--out", data.root + "/r.md"]).status
        == 0)
    let linked = try String(contentsOfFile: data.root + "/r.md", encoding: .utf8)
    #expect(
      linked.contains("![lsoftmax-fig2](lsoftmax-fig2.png)") && !linked.contains("![sphereface-fig2]"), "\(linked)")

    // Damage: a flipped byte in the shipped copy and in the installed copy.
    for path in [data.root + "/results/tiny/r/epoch-001.npz", clone + "/tiny/r/epoch-001.npz"] {
      var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
      bytes[bytes.count - 30] ^= 0x01
      try bytes.write(to: URL(fileURLWithPath: path))
    }
    let refused = try margins(["results", "install", "--runs-dir", data.root + "/clone2"] + selection)
    #expect(
      refused.status != 0 && refused.errors.contains("epoch-001.npz") && refused.errors.contains("margins train tiny"),
      "\(refused.text)")
    #expect(!FileManager.default.fileExists(atPath: data.root + "/clone2/tiny/r"))
    let badReport = try margins([
      "report", "--runs-dir", clone, "--experiments-dir", data.root, "--out", data.root + "/bad.md",
    ])
    #expect(badReport.status != 0 && badReport.errors.contains("epoch-001.npz"), "\(badReport.text)")
    #expect(!FileManager.default.fileExists(atPath: data.root + "/bad.md"))
    let missing = try margins(["report", "--runs-dir", data.root + "/nowhere", "--out", data.root + "/none.md"])
    #expect(missing.status != 0 && missing.errors.contains("nowhere"), "\(missing.text)")
  }

  /// One run retrained (on another CPU, say) is compared alone with `--run`; a name no run has,
  /// or `--run` without one experiment, is refused.
  @Test func comparesTheChosenRunsOnly() throws {
    let data = try TinyIDXData()
    defer { data.remove() }
    try data.experiment(runs: ["a", "b"])
    let selection = ["--experiments-dir", data.root, "--experiment", "tiny", "--shipped-dir", data.root + "/results"]
    func margins(_ arguments: [String]) throws -> MarginsProcess.Result {
      try MarginsProcess.run(arguments, in: data.root)
    }
    #expect(try margins(["train", "tiny.json", "--runs-dir", data.runs, "--workers", "1"]).status == 0)
    #expect(try margins(["results", "ship", "--runs-dir", data.runs] + selection).status == 0)
    let repro = data.root + "/repro"
    #expect(try margins(["train", "tiny.json", "--run", "a", "--runs-dir", repro, "--workers", "1"]).status == 0)

    let one = try margins(["results", "compare", "--runs-dir", repro, "--run", "a"] + selection)
    #expect(
      one.status == 0 && one.output.contains("1 run(s) compared") && one.output.contains("byte-identical"),
      "\(one.text)")
    #expect(!one.output.contains("tiny             b"), "\(one.text)")
    let all = try margins(["results", "compare", "--runs-dir", repro] + selection)
    #expect(all.status != 0, "run b was not retrained, yet comparing every run passed:\n\(all.text)")
    let unknown = try margins(["results", "compare", "--runs-dir", repro, "--run", "c"] + selection)
    #expect(unknown.status != 0 && unknown.errors.contains("no run named 'c'"), "\(unknown.text)")
    let noExperiment = try margins([
      "results", "compare", "--runs-dir", repro, "--run", "a", "--experiments-dir", data.root,
      "--shipped-dir", data.root + "/results",
    ])
    #expect(
      noExperiment.status != 0 && noExperiment.errors.contains("exactly one --experiment"), "\(noExperiment.text)")
  }
}
