import ArgumentParser
import CairoBackend
import CairoGraphics
import Figures
import PlotKit
import Foundation

/// `margins render-bench`: times the anchor figure (2 × 4 panels, 70,000 class-coloured
/// points each) as PNG, SVG (raster and vector point layers) and PDF, next to matplotlib's numbers.
struct RenderBenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "render-bench",
    abstract: "Time the 2x4 x 70,000-point anchor figure as PNG, SVG and PDF.")

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
    let directory = outputDirectory ?? NSTemporaryDirectory() + "margins-render-bench-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let figure = Self.anchorFigure(pointsPerPanel: points, seed: seed)

    print(
      "render-bench: 2 x 4 panels, \(points) points per panel, PNG at \(Int(dpi)) dpi, raster layers at \(Int(rasterDPI)) dpi"
    )
    print("output: \(directory)")
    print("format        seconds      size   matplotlib anchor   target           verdict")
    let rows: [(String, String, String, () throws -> Void)] = [
      ("PNG", "anchor.png", "2.1 s", { try figure.writePNG(to: directory + "/anchor.png", dpi: dpi) }),
      (
        "SVG raster", "anchor-raster.svg", "17.3 s / 60 MB",
        { try figure.writeSVG(to: directory + "/anchor-raster.svg", pointMode: .raster, rasterDPI: rasterDPI) }
      ),
      (
        "SVG vector", "anchor-vector.svg", "17.3 s / 60 MB",
        { try figure.writeSVG(to: directory + "/anchor-vector.svg", pointMode: .vector, rasterDPI: rasterDPI) }
      ),
      (
        "PDF raster", "anchor-raster.pdf", "-",
        { try figure.writePDF(to: directory + "/anchor-raster.pdf", pointMode: .raster, rasterDPI: rasterDPI) }
      ),
      (
        "PDF vector", "anchor-vector.pdf", "-",
        { try figure.writePDF(to: directory + "/anchor-vector.pdf", pointMode: .vector, rasterDPI: rasterDPI) }
      ),
    ]
    for (name, file, anchor, render) in rows {
      var best = Double.infinity
      for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        try render()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
      }
      let bytes = (try? FileManager.default.attributesOfItem(atPath: directory + "/" + file)[.size] as? Int) ?? 0
      let target: String, met: Bool?
      switch name {
      case "PNG": (target, met) = ("< 0.5 s", best < 0.5)
      case _ where name.hasPrefix("SVG"): (target, met) = ("< 2 s, < 10 MB", best < 2 && bytes < 10_000_000)
      default: (target, met) = ("-", nil)
      }
      print(
        name.padding(toLength: 12, withPad: " ", startingAt: 0)
          + String(format: "%8.3f %9.2f MB", best, Double(bytes) / 1e6)
          + "   " + anchor.padding(toLength: 18, withPad: " ", startingAt: 0)
          + target.padding(toLength: 17, withPad: " ", startingAt: 0) + (met.map { $0 ? "met" : "MISSED" } ?? ""))
    }
  }

  /// The anchor: an L-Softmax-Fig.-2-like grid of train/test scatters.
  static func anchorFigure(pointsPerPanel: Int, seed: UInt64) -> Figure {
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
      ("run", "render-bench (synthetic star features)"), ("seed", "\(seed)"), ("points/panel", "\(pointsPerPanel)"),
    ]
    return figure
  }
}
