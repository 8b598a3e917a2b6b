import FileFormats
import Foundation

/// The per-iteration training log `log.csv` of a run (written by `Training.TrainingLog`), read
/// into typed columns, so readers never pick columns by string.
///
/// The header is `iteration,epoch,loss,lambda,margin,lr,batch_accuracy,batch_margin_accuracy`;
/// the reader checks it and names the file and line of any malformed row.
public struct TrainingLogTable: Equatable, Sendable {
  public struct Row: Equatable, Sendable {
    public var iteration: Int
    public var epoch: Int
    public var loss: Double
    public var lambda: Double
    public var margin: Double
    public var learningRate: Double
    public var batchAccuracy: Double
    public var batchMarginAccuracy: Double
  }

  /// The columns `TrainingLog` writes, in order.
  public static let header = [
    "iteration", "epoch", "loss", "lambda", "margin", "lr", "batch_accuracy", "batch_margin_accuracy",
  ]

  public let path: String
  public let rows: [Row]

  /// Reads the log at `path`.
  /// - Throws: `CheckpointError.missing` or `.malformed` naming the file (and line).
  public init(contentsOf path: String) throws {
    let bytes: Data
    do {
      bytes = try FileBytes.read(path, limit: 256 << 20)
    } catch .missing {
      throw CheckpointError.missing(
        path: path, hint: "The run has no training log (log.csv is written while training).")
    } catch {
      throw CheckpointError(error)
    }
    guard let text = String(data: bytes, encoding: .utf8) else {
      throw CheckpointError.malformed(path: path, reason: "not UTF-8 text")
    }
    try self.init(parsing: text, path: path)
  }

  public init(parsing text: String, path: String) throws {
    self.path = path
    let lines = text.split(whereSeparator: \.isNewline).filter { !$0.allSatisfy(\.isWhitespace) }
    guard let first = lines.first else {
      throw CheckpointError.malformed(path: path, reason: "empty training log (no header)")
    }
    let header = first.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    guard header == Self.header else {
      throw CheckpointError.malformed(
        path: path, reason: "header is '\(first)', expected '\(Self.header.joined(separator: ","))'")
    }
    rows = try lines.dropFirst().enumerated().map { index, line in
      let cells = line.split(separator: ",", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      let number = index + 2
      guard cells.count == Self.header.count else {
        throw CheckpointError.malformed(
          path: path, reason: "line \(number) has \(cells.count) cells, expected \(Self.header.count)")
      }
      func double(_ k: Int) throws -> Double {
        if cells[k].isEmpty { return .nan }
        guard let v = Double(cells[k]) else {
          throw CheckpointError.malformed(
            path: path, reason: "line \(number): \(Self.header[k]) '\(cells[k])' is not a number")
        }
        return v
      }
      func integer(_ k: Int) throws -> Int {
        guard let v = Int(cells[k]) else {
          throw CheckpointError.malformed(
            path: path, reason: "line \(number): \(Self.header[k]) '\(cells[k])' is not an integer")
        }
        return v
      }
      return Row(
        iteration: try integer(0), epoch: try integer(1), loss: try double(2), lambda: try double(3),
        margin: try double(4),
        learningRate: try double(5), batchAccuracy: try double(6), batchMarginAccuracy: try double(7))
    }
  }
}
