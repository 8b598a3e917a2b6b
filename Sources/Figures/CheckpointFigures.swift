import PlotKit
import Checkpoints
import Foundation
import MarginMath

/// The ad-hoc figures `margins render` draws from any checkpoints: one column per
/// checkpoint, one row per split where the kind has splits.
public enum CheckpointFigureKind: String, CaseIterable, Sendable {
  /// Raw 2-D features, class-coloured (L-Softmax Fig. 2 style).
  case scatter
  /// Features projected onto the unit circle with the class weight directions.
  case circle
  /// The unit-circle view over each class's label-free decision sector and its margin zones.
  case sectors
  /// Angle between each feature and its own class weight, train vs test.
  case hist
  /// The same angles as polar histograms (rose plots), one per split.
  case rose
  /// Training loss and batch error (1 − accuracy) from the run's log.csv.
  case log
  /// The target logit ψ(θ) of the checkpoint's loss next to plain cos θ.
  case psi
}

public struct CheckpointFigureOptions: Sendable {
  public var splits: [CheckpointViews.SplitChoice] = [.train, .test]
  public var palette: Palette = .colorBlindSafe
  public var showsClassLabels = false
  public var limitSharing: Figure.LimitSharing = .independent

  public init() {}
}

extension Figure {
  /// Builds the figure of `kind` for `checkpoints` (with the run directories they came from, for logs).
  /// - Throws: `RenderError` when a run log is missing or malformed.
  public static func checkpointFigure(
    _ kind: CheckpointFigureKind, checkpoints: [FeatureCheckpoint], runDirectories: [String],
    options: CheckpointFigureOptions = CheckpointFigureOptions()
  ) throws -> Figure {
    precondition(!checkpoints.isEmpty, "a figure needs at least one checkpoint")
    let splitRows = kind == .scatter || kind == .circle || kind == .sectors || kind == .rose
    let rows = splitRows ? options.splits.count : 1
    var figure = Figure(rows: rows, columns: checkpoints.count)
    figure.limitSharing = options.limitSharing
    figure.caption = CheckpointViews.caption(checkpoints)
    figure.legendTitle = checkpoints[0].metadata.dataset.name
    for (column, checkpoint) in checkpoints.enumerated() {
      let metadata = checkpoint.metadata
      let label = CheckpointViews.lossLabel(metadata)
      let directions = CheckpointViews.directions(checkpoint)
      switch kind {
      case .scatter, .circle, .sectors, .rose:
        for (row, split) in options.splits.enumerated() {
          let cloud = CheckpointViews.cloud(checkpoint, split: split)
          let title = "\(split.setName) (\(label))"
          let subtitle = CheckpointViews.accuracyLine(metadata, split: split)
          switch kind {
          case .scatter:
            figure[row, column] = .scatter(
              title: title, subtitle: subtitle, cloud: cloud, palette: options.palette, showsClassLabels: options.showsClassLabels)
          case .circle, .sectors:
            figure[row, column] = .angular(
              title: title, subtitle: subtitle, cloud: cloud, directions: directions,
              sectors: kind == .sectors ? CheckpointViews.sectors(checkpoint) : [], palette: options.palette,
              directionLabels: metadata.classNames.map { "W\($0)" })
          default:
            let series = HistogramSeries.anglesPooled(
              of: cloud, directions: directions, name: split.setName, color: split == .train ? .black : Self.testColor,
              binCount: 36, range: 0...180)
            figure[row, column] = .rose(title: title, subtitle: subtitle, series: [series])
          }
        }
      case .hist:
        let series = options.splits.map { split in
          HistogramSeries.anglesPooled(
            of: CheckpointViews.cloud(checkpoint, split: split), directions: directions, name: split.setName,
            color: split == .train ? .black : Self.testColor, binCount: 60, range: 0...90)
        }
        figure[0, column] = .histogram(
          title: label, subtitle: CheckpointViews.accuracyLine(metadata, split: .test), series: series,
          yLabel: "density")
      case .log:
        let logPath = (runDirectories[column] as NSString).appendingPathComponent("log.csv")
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { throw RenderError.unreadableFile(path: logPath) }
        let table = try CSVTable(parsing: text)
        let loss = try Polyline(table: table, x: "iteration", y: "loss", name: "loss", color: .black)
        var error = try Polyline(table: table, x: "iteration", y: "batch_accuracy", name: "batch error", color: Self.testColor)
        // Error (1 − accuracy) rather than accuracy: on the log axis the last percent stays readable.
        error.points = error.points.map { Point(x: $0.x, y: 1 - $0.y) }
        figure[0, column] = .curves(
          title: "\(metadata.run): \(label)", curves: [Self.smoothed(loss), Self.smoothed(error)],
          xLabel: "iteration", yLabel: nil, yScale: .log10)
      case .psi:
        let rule = CheckpointViews.rule(checkpoint)
        let degrees = Array(stride(from: 0.0, through: 180.0, by: 1.0))
        let psi = Polyline(
          xs: degrees, ys: degrees.map { rule.targetCurve(angle: $0 * .pi / 180) }, name: "target logit ψ(θ)", color: Self.testColor)
        let cosine = Polyline(xs: degrees, ys: degrees.map { cos($0 * .pi / 180) }, name: "cos θ", color: .black, dash: [3, 2])
        figure[0, column] = .curves(
          title: label, subtitle: String(format: "λ = %.3g at iteration %d", metadata.lambda, metadata.iteration),
          curves: [cosine, psi], xLabel: "θ (degrees)", yLabel: "target logit / scale", legendCorner: .bottomLeft)
      }
    }
    return figure
  }

  static let testColor = Color(red: 0.84, green: 0.37, blue: 0.0)

  /// A running mean over 25 iterations, so batch noise does not hide the trend.
  static func smoothed(_ line: Polyline, window: Int = 25) -> Polyline {
    var result = line
    var sum = 0.0
    var ys: [Double] = []
    for (i, point) in line.points.enumerated() {
      sum += point.y
      if i >= window { sum -= line.points[i - window].y }
      ys.append(sum / Double(min(i + 1, window)))
    }
    result.points = zip(line.points, ys).map { Point(x: $0.0.x, y: max($0.1, 1e-4)) }
    return result
  }
}
