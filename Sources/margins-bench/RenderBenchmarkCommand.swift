import ArgumentParser
import CairoBackend
import CairoGraphics
import Foundation
import PlotKit
import _SyntheticFeatures

/// `margins-bench render`: times a 2 × 4 grid of class-coloured scatters (70,000 points per panel,
/// L-Softmax Fig. 2's size) as PNG, SVG (raster and vector point layers) and PDF. It prints what it
/// measured; `benchmarks/render-grid.sh` runs it beside matplotlib drawing the same grid.
struct RenderBenchmarkCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "render",
    abstract: "Time the 2x4 x 70,000-point scatter grid as PNG, SVG and PDF.")

  @Option(help: "Points per panel.")
  var points: Int = 70_000

  @Option(help: "PNG resolution.")
  var dpi: Double = 150

  @Option(help: "Resolution of raster point layers inside SVG/PDF.")
  var rasterDPI: Double = 300

  @Option(help: "Seed of the synthetic star features.")
  var seed: UInt64 = 1701

  @Option(help: "Directory for the rendered files (a temporary directory by default).")
  var outputDirectory: String?

  @Option(help: "Timed repetitions per format; the fastest is reported.")
  var repeats: Int = 3

  func validate() throws {
    guard points > 0 else { throw ValidationError("--points must be positive") }
    guard dpi >= 10, rasterDPI >= 10 else { throw ValidationError("DPI values must be at least 10") }
    guard repeats > 0 else { throw ValidationError("--repeats must be positive") }
  }

  func run() throws {
    let directory = outputDirectory ?? NSTemporaryDirectory() + "margins-bench-render-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let figure = Self.gridFigure(pointsPerPanel: points, seed: seed)

    print(
      "render: 2 x 4 panels, \(points) points per panel, PNG at \(Int(dpi)) dpi, raster layers at \(Int(rasterDPI)) dpi"
    )
    print("machine: \(Machine.description); load average \(Machine.loadAverage) at start")
    print("output: \(directory)")
    print("format        seconds      size")
    let rows: [(String, String, () throws -> Void)] = [
      ("PNG", "grid.png", { try figure.writePNG(to: directory + "/grid.png", dpi: dpi) }),
      (
        "SVG raster", "grid-raster.svg",
        { try figure.writeSVG(to: directory + "/grid-raster.svg", pointMode: .raster, rasterDPI: rasterDPI) }
      ),
      (
        "SVG vector", "grid-vector.svg",
        { try figure.writeSVG(to: directory + "/grid-vector.svg", pointMode: .vector, rasterDPI: rasterDPI) }
      ),
      (
        "PDF raster", "grid-raster.pdf",
        { try figure.writePDF(to: directory + "/grid-raster.pdf", pointMode: .raster, rasterDPI: rasterDPI) }
      ),
      (
        "PDF vector", "grid-vector.pdf",
        { try figure.writePDF(to: directory + "/grid-vector.pdf", pointMode: .vector, rasterDPI: rasterDPI) }
      ),
    ]
    for (name, file, render) in rows {
      var best = Double.infinity
      for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        try render()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
      }
      let bytes = (try? FileManager.default.attributesOfItem(atPath: directory + "/" + file)[.size] as? Int) ?? 0
      print(
        name.padding(toLength: 12, withPad: " ", startingAt: 0)
          + String(format: "%8.3f %9.2f MB", best, Double(bytes) / 1e6))
    }
    print("best of \(repeats) per format; load average \(Machine.loadAverage) at end")
  }

  /// An L-Softmax-Fig.-2-like grid of train/test scatters.
  static func gridFigure(pointsPerPanel: Int, seed: UInt64) -> Figure {
    var figure = Figure(rows: 2, columns: 4)
    let accuracies = ["98.45", "98.96", "99.22", "99.34"]
    for column in 0..<4 {
      let m = column + 1
      let name = m == 1 ? "m=1, Softmax" : "m=\(m)"
      for row in 0..<2 {
        let cloud = SyntheticFeatures.star(
          count: pointsPerPanel, seed: seed &+ UInt64(column * 2 + row), scale: 60 * Double(m))
        figure[row, column] = Panel.scatter(
          title: row == 0 ? "Training Set (\(name))" : "Testing Set (\(name))",
          subtitle: row == 1 ? "Testing Accuracy: \(accuracies[column])%" : nil, cloud: cloud)
      }
    }
    figure.limitSharing = .columns
    figure.legendTitle = "digit"
    figure.caption = [
      ("run", "margins-bench render (synthetic star features)"), ("seed", "\(seed)"),
      ("points/panel", "\(pointsPerPanel)"),
    ]
    return figure
  }
}
