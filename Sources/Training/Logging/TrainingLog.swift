import Foundation

/// The per-iteration CSV log of a run (`log.csv`): iteration, epoch, loss, lambda, margin,
/// learning rate, batch accuracy (label-free) and batch accuracy under the margin rule.
/// Rows are buffered and appended once per epoch; on resume the log is cut back to the
/// restored iteration so it never holds rows of a discarded, interrupted epoch.
final class TrainingLog {
  static let header = "iteration,epoch,loss,lambda,margin,lr,batch_accuracy,batch_margin_accuracy"
  let path: String
  private var pending: [String] = []

  init(path: String) {
    self.path = path
  }

  func append(
    iteration: Int, epoch: Int, loss: Double, lambda: Double, margin: Double, learningRate: Double, accuracy: Double,
    marginAccuracy: Double
  ) {
    pending.append(
      "\(iteration),\(epoch),\(format(loss)),\(format(lambda)),\(format(margin)),\(format(learningRate)),\(format(accuracy)),\(format(marginAccuracy))"
    )
  }

  func flush() throws {
    guard !pending.isEmpty else { return }
    let text = pending.joined(separator: "\n") + "\n"
    pending.removeAll(keepingCapacity: true)
    guard let handle = FileHandle(forWritingAtPath: path) else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
    }
    defer { try? handle.close() }
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(text.utf8))
  }

  /// Keeps the header and the rows up to `iteration`, creating the file if needed.
  func truncate(afterIteration iteration: Int) throws {
    pending.removeAll()
    let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    let rows = existing.split(separator: "\n").dropFirst().filter { row in
      guard let first = row.split(separator: ",").first, let value = Int(first) else { return false }
      return value <= iteration
    }
    let text = ([Self.header] + rows.map(String.init)).joined(separator: "\n") + "\n"
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
  }

  private func format(_ value: Double) -> String { String(format: "%.6g", value) }
}
