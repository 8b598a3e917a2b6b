import Foundation
import Testing

/// `margins train` refusing, before any write, what would fail later or give another result.
@Suite(.timeLimit(.minutes(5)), .serialized) struct TrainCommandResumeTests {
  private func train(_ data: TinyIDXData, _ extra: [String]) throws -> MarginsProcess.Result {
    try MarginsProcess.run(["train", "tiny.json", "--runs-dir", data.runs] + extra, in: data.root)
  }

  @Test func aResumeWithAnotherWorkerCountIsRefusedSayingWhy() throws {
    let data = try TinyIDXData()
    defer { data.remove() }
    try data.experiment(epochs: 2)
    let first = try train(data, ["--workers", "1", "--until-epoch", "1"])
    #expect(first.status == 0, "\(first.text)")
    let resumed = try train(data, ["--workers", "2"])
    #expect(resumed.status != 0)
    #expect(resumed.errors.contains("--workers 1") && resumed.errors.contains("now --workers 2"), "\(resumed.errors)")
    #expect(resumed.errors.contains("summation order"))
    #expect(!FileManager.default.fileExists(atPath: data.runs + "/tiny/r/epoch-002.state.npz"))
    let same = try train(data, ["--workers", "1"])
    #expect(same.status == 0, "\(same.text)")
    #expect(FileManager.default.fileExists(atPath: data.runs + "/tiny/r/epoch-002.npz"))
  }

  @Test func testImagesOfAnotherSizeAreRefusedBeforeTheFirstEpoch() throws {
    let data = try TinyIDXData(testSize: (16, 49))
    defer { data.remove() }
    try data.experiment()
    let result = try train(data, ["--workers", "1"])
    #expect(result.status != 0)
    #expect(result.errors.contains("16") && result.errors.contains("49"), "\(result.errors)")
    #expect(!FileManager.default.fileExists(atPath: data.runs + "/tiny/r/epoch-001.state.npz"))
  }

  @Test func aBatchLargerThanTheTrainingSplitNamesTheField() throws {
    let data = try TinyIDXData()
    defer { data.remove() }
    try data.experiment(batchSize: 100)
    let result = try train(data, ["--workers", "1"])
    #expect(result.status != 0)
    #expect(result.errors.contains("tiny.json: runs[0].settings.batchSize"), "\(result.errors)")
    #expect(!FileManager.default.fileExists(atPath: data.runs))
  }

  @Test func freshAndRetrainChangedTogetherAreAUsageError() throws {
    let data = try TinyIDXData()
    defer { data.remove() }
    try data.experiment()
    let result = try train(data, ["--fresh", "--retrain-changed"])
    #expect(result.status == 64, "\(result.text)")
    #expect(result.errors.contains("--fresh") && result.errors.contains("--retrain-changed"))
  }
}
