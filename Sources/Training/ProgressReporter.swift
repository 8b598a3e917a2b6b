import Foundation

/// Shows training progress: a one-line bar with ETA redrawn in place on a terminal,
/// plain periodic lines otherwise (CI logs, files), so long work is never silent.
public final class ProgressReporter: @unchecked Sendable {
  // Used from the training thread only; the class exists to keep the redraw state.
  private let isTerminal: Bool
  private let plainLineInterval: TimeInterval
  private var lastPlainLine = Date.distantPast
  private var lastRedraw = Date.distantPast
  private let output: (String) -> Void

  /// - Parameter output: where lines go (standard output unless a test captures them).
  public init(isTerminal: Bool = isatty(STDOUT_FILENO) != 0, plainLineInterval: TimeInterval = 10,
              output: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
    self.isTerminal = isTerminal
    self.plainLineInterval = plainLineInterval
    self.output = output
  }

  public struct Snapshot {
    public var run: String
    public var epoch: Int
    public var epochs: Int
    public var iteration: Int
    public var iterations: Int
    public var loss: Double
    public var lambda: Double
    public var learningRate: Double
    public var accuracy: Double
    public var elapsed: TimeInterval
    /// Iterations done in this session (the ETA is extrapolated from them).
    public var iterationsThisSession: Int
  }

  public func update(_ s: Snapshot) {
    let now = Date()
    let remaining = s.iterationsThisSession > 0
      ? s.elapsed / Double(s.iterationsThisSession) * Double(s.iterations - s.iteration) : 0
    let fields = String(
      format: "epoch %d/%d  it %d/%d  loss %.4f  λ %.3g  lr %.3g  acc %.3f  ETA %@",
      s.epoch, s.epochs, s.iteration, s.iterations, s.loss, s.lambda, s.learningRate, s.accuracy, Self.duration(remaining))
    if isTerminal {
      guard now.timeIntervalSince(lastRedraw) > 0.1 || s.iteration == s.iterations else { return }
      lastRedraw = now
      let width = 24
      let filled = s.iterations > 0 ? width * s.iteration / s.iterations : width
      let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
      output("\r\u{1B}[K\(s.run) [\(bar)] \(fields)")
    } else if now.timeIntervalSince(lastPlainLine) >= plainLineInterval {
      lastPlainLine = now
      output("\(s.run): \(fields)\n")
    }
  }

  /// A line that must not be overwritten by the bar (epoch summaries, warnings).
  public func line(_ text: String) {
    output((isTerminal ? "\r\u{1B}[K" : "") + text + "\n")
  }

  static func duration(_ seconds: TimeInterval) -> String {
    let total = Int(seconds.rounded())
    return total >= 3600
      ? String(format: "%dh%02dm", total / 3600, (total % 3600) / 60)
      : String(format: "%dm%02ds", total / 60, total % 60)
  }
}
