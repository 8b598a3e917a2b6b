import Checkpoints
import Engine

/// Converts the trainer's resumable state (network, head, optimiser, counters) to and
/// from the named arrays of an `epoch-NNN.state.npz`.
enum TrainingState {
  /// The kernel thread count, and the name it had in the states written before it was renamed
  /// (read when the new name is absent, never written).
  static let kernelThreadsName = "trainer.kernel_threads"
  static let legacyKernelThreadsName = "trainer.blas_threads"
  /// The training loss summed since the last iteration snapshot, and over how many iterations (only
  /// in the state of runs that save snapshots, so a resume reports the same `train_loss`).
  static let snapshotLossSum = "trainer.snapshot_loss_sum"
  static let snapshotLossCount = "trainer.snapshot_loss_count"

  static func arrays(
    network: [NamedTensor], head: [Parameter], optimizer: [NamedTensor], epoch: Int, iteration: Int, wallTime: Double,
    workers: Int, kernelThreads: Int, configuration: JSONValue, snapshotLoss: (sum: Double, count: Int)?
  ) -> [(name: String, array: NumpyArray)] {
    func array(_ tensor: Tensor) -> NumpyArray { NumpyArray(shape: tensor.shape, values: .float32(tensor.scalars)) }
    return network.map { ("network." + $0.name, array($0.tensor)) }
      + head.map { ("head." + $0.name, array($0.value)) }
      + optimizer.map { ("optimizer." + $0.name, array($0.tensor)) }
      + [
        ("trainer.epoch", NumpyArray(shape: [1], values: .int64([Int64(epoch)]))),
        ("trainer.iteration", NumpyArray(shape: [1], values: .int64([Int64(iteration)]))),
        ("trainer.wall_time", NumpyArray(shape: [1], values: .float64([wallTime]))),
        // The thread counts the state was trained with (a resume must use the same; see TrainingSession).
        ("trainer.workers", NumpyArray(shape: [1], values: .int64([Int64(workers)]))),
        (kernelThreadsName, NumpyArray(shape: [1], values: .int64([Int64(kernelThreads)]))),
        // The plan's configuration, checked on resume (and read by `RunDirectory.recordedConfiguration`).
        RunDirectory.stateConfiguration(configuration),
      ]
      + (snapshotLoss.map { loss in
        [
          (snapshotLossSum, NumpyArray(shape: [1], values: .float64([loss.sum]))),
          (snapshotLossCount, NumpyArray(shape: [1], values: .int64([Int64(loss.count)]))),
        ]
      } ?? [])
  }

  /// The tensors saved under `prefix.`, with the prefix removed, in name order.
  static func tensors(_ arrays: [String: NumpyArray], prefix: String, path: String) throws -> [NamedTensor] {
    try arrays.keys.filter { $0.hasPrefix(prefix + ".") }.sorted().map { key in
      guard let array = arrays[key], let values = array.floats else {
        throw TrainingError.incompatibleState(path: path, reason: "\(key) is not a float32 array")
      }
      return NamedTensor(
        name: String(key.dropFirst(prefix.count + 1)), tensor: Tensor(shape: array.shape, scalars: values))
    }
  }

  static func counter(_ arrays: [String: NumpyArray], _ name: String, path: String) throws -> Double {
    switch arrays[name]?.values {
    case .int64(let v)? where v.count == 1: return Double(v[0])
    case .float64(let v)? where v.count == 1: return v[0]
    default: throw TrainingError.incompatibleState(path: path, reason: "\(name) is missing")
    }
  }

  /// The kernel thread count a state was trained with, under its current or its former name.
  static func kernelThreads(_ arrays: [String: NumpyArray], path: String) throws -> Double {
    try counter(arrays, arrays[kernelThreadsName] == nil ? legacyKernelThreadsName : kernelThreadsName, path: path)
  }
}
