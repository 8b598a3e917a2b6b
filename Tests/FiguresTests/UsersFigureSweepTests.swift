import FileFormats
import Foundation
import Testing

import CairoBackend
@testable import Figures
@testable import PlotKit

/// `margins plot`'s figures of users' files at a column's and a page's width, at 8 and 10 pt, over
/// feature scales from 1e-4 to 1e6 (tick labels from "0.0002" to "3000000"), centred and shifted: no
/// string, tick labels included, leaves the canvas or touches another.
@Suite("Users' figures at every width and scale")
struct UsersFigureSweepTests {
  static let sizes: [(inches: Double, points: Double)] = [(3.25, 8), (3.25, 10), (6.5, 8), (6.5, 10)]

  /// Four classes on rays (train and test splits, class weights), scaled by `scale` and moved by
  /// `offset` × scale on both axes.
  static func file(scale: Float, offset: Float, classes: Int = 4, loss: Bool = false) throws -> String {
    var features: [Float] = [], labels: [Int64] = [], weights: [Float] = []
    for c in 0..<classes {
      let a = Float(c) * 2 * .pi / Float(classes) + 0.3
      weights += [cos(a), sin(a)]
      for k in 0..<25 {
        let r = (0.3 + Float(k) * 0.03) * scale
        features += [r * cos(a) + offset * scale, r * sin(a) + offset * scale]
        labels.append(Int64(c))
      }
    }
    let n = labels.count
    let data = try NumpyArchive.data(
      [
        ("train_features", NumpyArray(shape: [n, 2], values: .float32(features))),
        ("train_labels", NumpyArray(shape: [n], values: .int64(labels))),
        ("test_features", NumpyArray(shape: [n, 2], values: .float32(features.map { $0 * 0.97 }))),
        ("test_labels", NumpyArray(shape: [n], values: .int64(labels))),
        ("class_weights", NumpyArray(shape: [classes, 2], values: .float32(weights))),
      ] + (loss ? [("loss", NumpyArray(shape: [], values: .strings(["arcface"])))] : []))
    let path = NSTemporaryDirectory() + "users-sweep-\(UUID().uuidString).npz"
    try data.write(to: URL(fileURLWithPath: path))
    return path
  }

  static func problems(_ figure: Figure) throws -> [String] {
    var found: [String] = []
    for size in sizes {
      var f = figure
      f.width = size.inches * 72
      f.style.fontSize = size.points
      let placed = try f.placedTexts()
      found += TextCollisions.problems(in: placed.texts, width: placed.layout.width, height: placed.layout.height)
        .map { "\(size.inches) in, \(size.points) pt: \($0)" }
    }
    return found
  }

  @Test(arguments: [Float(1e-4), 0.37, 41, 12_345, 3e6], [Float(0), 2.5, -7])
  func scatterTickLabelsNeverCollide(scale: Float, offset: Float) throws {
    let path = try Self.file(scale: scale, offset: offset)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let e = try EmbeddingReader.read(path)
    let figure = try Figure.checkpointFigure(.scatter, embeddings: [e])
    let problems = try Self.problems(figure)
    #expect(problems.isEmpty, "scale \(scale), offset \(offset): \(problems.prefix(6).joined(separator: "; "))")
  }

  @Test(arguments: [CheckpointFigureKind.circle, .sectors, .hist, .rose, .psi])
  func otherKindsNeverCollide(kind: CheckpointFigureKind) throws {
    let path = try Self.file(scale: 41, offset: 0, loss: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let e = try EmbeddingReader.read(path)
    let figure = try Figure.checkpointFigure(kind, embeddings: [e])
    let problems = try Self.problems(figure)
    #expect(problems.isEmpty, "\(kind): \(problems.prefix(6).joined(separator: "; "))")
  }

  /// Above Palette.distinctClassLimit classes a colour bar replaces the legend (captioned); at the
  /// limit the legend names every class, each in its own colour.
  @Test(arguments: [CheckpointFigureKind.scatter, .circle], [20, 30, 100])
  func manyClassesGetAColourBarThatCollidesWithNothing(kind: CheckpointFigureKind, classes: Int) throws {
    let path = try Self.file(scale: 41, offset: 0, classes: classes)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let e = try EmbeddingReader.read(path)
    let figure = try Figure.checkpointFigure(kind, embeddings: [e])
    if classes > Palette.distinctClassLimit {
      let bar = try #require(figure.colorBar)
      #expect(bar.colors.count == classes && bar.labels == e.classNames)
      #expect(figure.caption.contains { $0.key == "colours" })
    } else {
      #expect(figure.colorBar == nil)
      let colors = figure.sharedLegendEntries.map(\.color)
      #expect(colors.count == classes && Set(colors).count == classes)
    }
    let problems = try Self.problems(figure)
    #expect(problems.isEmpty, "\(kind), \(classes) classes: \(problems.prefix(6).joined(separator: "; "))")
  }
}
