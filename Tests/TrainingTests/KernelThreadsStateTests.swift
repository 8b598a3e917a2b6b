import Checkpoints
import FileFormats
import Testing

@testable import Training

/// The state file's kernel thread count was `trainer.blas_threads` before the rename: new states
/// write `trainer.kernel_threads` only, and a resume reads either.
@Suite struct KernelThreadsStateTests {
  @Test func newStatesWriteTheNewNameOnly() throws {
    let arrays = TrainingState.arrays(
      network: [], head: [], optimizer: [], epoch: 1, iteration: 10, wallTime: 1, workers: 2, kernelThreads: 3,
      configuration: .null, snapshotLoss: nil)
    let names = Set(arrays.map(\.name))
    #expect(names.contains("trainer.kernel_threads") && !names.contains("trainer.blas_threads"))
    let byName = Dictionary(uniqueKeysWithValues: arrays.map { ($0.name, $0.array) })
    #expect(try TrainingState.kernelThreads(byName, path: "new.state.npz") == 3)
  }

  @Test func statesWithTheFormerNameLoad() throws {
    let old = ["trainer.blas_threads": NumpyArray(shape: [1], values: .int64([4]))]
    #expect(try TrainingState.kernelThreads(old, path: "old.state.npz") == 4)
    #expect(throws: TrainingError.self) { try TrainingState.kernelThreads([:], path: "none.state.npz") }
  }
}
