import Foundation

/// Shows training progress: a one-line bar with ETA redrawn in place on a terminal,
/// plain periodic lines otherwise (CI logs, files), so long work is never silent.
///
/// The bar line is cut to the terminal's width: a line longer than the terminal wraps, and
/// `\r` then returns only to the start of the last row, leaving a new cut-off line per redraw.
public final class ProgressReporter: @unchecked Sendable {
  // Used from the training thread only; the class exists to keep the redraw state.
  private let isTerminal: Bool
  private let columns: () -> Int
  private let plainLineInterval: TimeInterval
  private var lastPlainLine = Date.distantPast
  private var lastRedraw = Date.distantPast
  private let output: (String) -> Void

  /// - Parameter output: where lines go (standard output unless a test captures them).
  /// - Parameter columns: the terminal's width, asked at every redraw (a window can be resized).
  public init(
    isTerminal: Bool = isatty(STDOUT_FILENO) != 0, plainLineInterval: TimeInterval = 10,
    columns: @escaping () -> Int = ProgressReporter.terminalColumns,
    output: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }
  ) {
    self.isTerminal = isTerminal
    self.columns = columns
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
    let remaining =
      s.iterationsThisSession > 0
      ? s.elapsed / Double(s.iterationsThisSession) * Double(s.iterations - s.iteration) : 0
    let fields = String(
      format: "epoch %d/%d  it %d/%d  loss %.4f  λ %.3g  lr %.3g  acc %.3f  ETA %@",
      s.epoch, s.epochs, s.iteration, s.iterations, s.loss, s.lambda, s.learningRate, s.accuracy,
      Self.duration(remaining))
    if isTerminal {
      guard now.timeIntervalSince(lastRedraw) > 0.1 || s.iteration == s.iterations else { return }
      lastRedraw = now
      output(
        "\r\u{1B}[K"
          + Self.barLine(
            run: s.run, fraction: s.iterations > 0 ? Double(s.iteration) / Double(s.iterations) : 1,
            fields: fields, columns: columns()))
    } else if now.timeIntervalSince(lastPlainLine) >= plainLineInterval {
      lastPlainLine = now
      output("\(s.run): \(fields)\n")
    }
  }

  /// A line that must not be overwritten by the bar (epoch summaries, warnings).
  public func line(_ text: String) {
    output((isTerminal ? "\r\u{1B}[K" : "") + text + "\n")
  }

  /// The bar line fitted into `columns - 1` characters (the last column stays empty so no terminal
  /// wraps): the bar shrinks first (to 8 cells), then the fields are cut, then the run name.
  static func barLine(run: String, fraction: Double, fields: String, columns: Int) -> String {
    let room = max(1, columns - 1)
    let fixed = run.count + 4 + fields.count  // "run [" + "] " + fields
    let width = max(8, min(24, room - fixed))
    let filled = min(width, max(0, Int(Double(width) * fraction)))
    let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
    let line = "\(run) [\(bar)] \(fields)"
    return line.count <= room ? line : String(line.prefix(room))
  }

  /// The width of the terminal on standard output: the window size (TIOCGWINSZ), else `$COLUMNS`, else 80.
  public static func terminalColumns() -> Int {
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    if let text = ProcessInfo.processInfo.environment["COLUMNS"], let columns = Int(text), columns > 0 {
      return columns
    }
    return 80
  }

  static func duration(_ seconds: TimeInterval) -> String {
    let total = Int(seconds.rounded())
    return total >= 3600
      ? String(format: "%dh%02dm", total / 3600, (total % 3600) / 60)
      : String(format: "%dm%02ds", total / 60, total % 60)
  }
}
