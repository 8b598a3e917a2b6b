import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The `margins` executable on bad input (issue 14): exit status non-zero, a message naming the file
/// or field, no Foundation error-domain text, and nothing written or deleted that should not be.
@Suite(.timeLimit(.minutes(5)), .serialized) struct MarginsCommandTests {
  private func withData(_ body: (TinyIDXData) throws -> Void) throws {
    let data = try TinyIDXData()
    defer { data.remove() }
    try body(data)
  }

  private func train(_ data: TinyIDXData, _ extra: [String] = [], experiment: String = "tiny.json") throws
    -> MarginsProcess.Result
  {
    try MarginsProcess.run(["train", experiment, "--runs-dir", data.runs, "--workers", "1"] + extra, in: data.root)
  }

  private func expectFailure(
    _ result: MarginsProcess.Result, _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(result.status != 0, "exit 0: \(result.text)", sourceLocation: sourceLocation)
    for fragment in fragments {
      #expect(
        result.errors.contains(fragment), "stderr lacks '\(fragment)': \(result.errors)", sourceLocation: sourceLocation
      )
    }
    #expect(
      !result.text.contains("NSCocoaErrorDomain") && !result.text.contains("Error Domain="),
      sourceLocation: sourceLocation)
  }

  @Test func versionNamesThePackageAndTheCodeCommit() throws {
    try withData { data in
      let plain = try MarginsProcess.run(["--version"], in: data.root)
      #expect(plain.status == 0)
      #expect(plain.output.hasPrefix("margins ") && plain.output.contains("(code "), "\(plain.output)")
      #expect(!plain.output.contains("(code )"))
      // Baked in at build time: the environment of a run cannot make it claim another version.
      let given = try MarginsProcess.run(["--version"], in: data.root, environment: ["MARGINS_CODE_VERSION": "v9-test"])
      #expect(given.output == plain.output, "\(given.output)")
    }
  }

  @Test func aTinyRunTrainsWithCaseInsensitiveChoices() throws {
    try withData { data in
      try data.experiment()
      let result = try train(data, ["--profile", "DEFAULT", "--network", "MLP"])
      #expect(result.status == 0, "\(result.text)")
      #expect(FileManager.default.fileExists(atPath: data.runs + "/tiny/r/epoch-001.npz"))
      #expect(FileManager.default.fileExists(atPath: data.runs + "/tiny/r/.margins-run.json"))
      expectFailure(try train(data, ["--network", "resnet"]), ["--network", "resnet"])
    }
  }

  /// The three data losses of issue 14: a run named `../../victim`, `--run "" --fresh`, and an
  /// experiment and run both named "" with `--fresh`.
  @Test func namesThatWouldLeaveTheRunsDirectoryAreRefused() throws {
    try withData { data in
      let victim = data.root + "/victim"
      let sibling = data.runs + "/tiny/other"
      for directory in [victim, sibling] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "keep".write(toFile: directory + "/keep.txt", atomically: true, encoding: .utf8)
      }
      try data.experiment(runs: ["../../victim"])
      expectFailure(try train(data, ["--fresh"]), ["tiny.json: runs[0].name", "../../victim"])
      try data.experiment(runs: [""])
      expectFailure(try train(data, ["--run", "", "--fresh"]), ["tiny.json: runs[0].name", "must not be empty"])
      try data.experiment(name: "", runs: [""])
      expectFailure(try train(data, ["--fresh"]), ["tiny.json: name", "must not be empty"])
      try data.experiment(runs: ["r"])
      expectFailure(try train(data, ["--run", "", "--fresh"]), ["no run named ''"])
      for directory in [victim, sibling] {
        #expect(FileManager.default.fileExists(atPath: directory + "/keep.txt"), "\(directory) was touched")
      }
    }
  }

  @Test func freshNeverDeletesADirectoryMarginsDidNotMake() throws {
    try withData { data in
      try data.experiment()
      let foreign = data.runs + "/tiny/r"
      try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
      try "mine".write(toFile: foreign + "/thesis.tex", atomically: true, encoding: .utf8)
      expectFailure(try train(data, ["--fresh"]), ["was not created by margins train", "thesis.tex"])
      #expect(FileManager.default.fileExists(atPath: foreign + "/thesis.tex"))
    }
  }

  @Test(arguments: [
    (
      #"{ "name": "tiny", "name": "other", "dataset": { "name": "x" }, "runs": [ { "name": "r", "loss": "softmax" } ] }"#,
      "tiny.json: name: line 1: the key 'name' appears twice"
    ),
    (
      #"{ "name": "tiny", "dataset": { "name": "x" }, "runs": [ { "name": "r", "loss": "softmax" }, ] }"#,
      "tiny.json: runs: line 1: a trailing comma before ']'"
    ),
    (
      #"{ "name": "tiny", "dataset": { "name": "x" }, "settings": { "epochs": 2, "warmupEpochs": 3 }, "runs": [ { "name": "r", "loss": "softmax" } ] }"#,
      "warmupEpochs: a warm-up of 3.0 epochs is longer than the 2 epochs of the run"
    ),
  ])
  func badExperimentFilesNameTheFileAndField(text: String, message: String) throws {
    try withData { data in
      try data.experiment(text: text)
      expectFailure(try train(data), [message])
      #expect(!FileManager.default.fileExists(atPath: data.runs))
    }
  }

  @Test func aSecondTrainerIsToldTheHoldersProcessID() throws {
    try withData { data in
      try data.experiment()
      try FileManager.default.createDirectory(atPath: data.runs + "/tiny", withIntermediateDirectories: true)
      let lock = open(data.runs + "/tiny/.r.lock", O_RDWR | O_CREAT, 0o644)
      #expect(lock >= 0)
      defer { close(lock) }
      #expect(flock(lock, LOCK_EX | LOCK_NB) == 0)
      let pid = "\(getpid())\n"
      _ = pid.withCString { write(lock, $0, strlen($0)) }
      expectFailure(try train(data), ["being trained by process \(getpid())"])
      #expect(!FileManager.default.fileExists(atPath: data.runs + "/tiny/r/log.csv"))
    }
  }

  @Test func untilEpochZeroIsRefusedUpFront() throws {
    try withData { data in
      try data.experiment()
      expectFailure(try train(data, ["--until-epoch", "0"]), ["--until-epoch", "found 0"])
      #expect(!FileManager.default.fileExists(atPath: data.runs))
    }
  }

  @Test func runsDirAtAFileOrUnwritablePlaceIsASentence() throws {
    try withData { data in
      try data.experiment()
      let file = data.root + "/a-file"
      try "x".write(toFile: file, atomically: true, encoding: .utf8)
      expectFailure(try train(data, ["--runs-dir", file]), [file, "not a directory"])
      expectFailure(try train(data, ["--runs-dir", file + "/runs"]), [file + "/runs", "not a directory"])
    }
  }

  @Test func reportOutInsideAFileIsAClearError() throws {
    try withData { data in
      let file = data.root + "/a-file"
      try "x".write(toFile: file, atomically: true, encoding: .utf8)
      try FileManager.default.createDirectory(atPath: data.runs, withIntermediateDirectories: true)
      expectFailure(
        try MarginsProcess.run(["report", "--runs-dir", data.runs, "--out", file + "/README.md"], in: data.root), [file]
      )
    }
  }
}
