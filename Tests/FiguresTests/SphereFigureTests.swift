import CairoGraphics
import Checkpoints
import FileFormats
import Foundation
import MarginMath
import SphereScene
import TestSupport
import Testing

import CairoBackend
@testable import Figures
@testable import PlotKit

@Suite("Sphere figures", .noLeakedCairoObjects)
struct SphereFigureTests {
  /// Writes `arrays` as an .npz in a fresh temporary directory and reads it back as embeddings.
  func embeddings(_ arrays: [(String, NumpyArray)]) throws -> Embeddings {
    let path = NSTemporaryDirectory() + "sphere-\(UUID().uuidString).npz"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try NumpyArchive.data(arrays.map { (name: $0.0, array: $0.1) }).write(to: URL(fileURLWithPath: path))
    return try EmbeddingReader.read(path)
  }

  /// 200 points near each of three directions: class 0 at +z, class 1 in front at (−0.6, 0, 0.8) and
  /// behind at (0.6, 0, −0.8).
  func threeClusters() throws -> Embeddings {
    var features: [Float] = [], labels: [Int64] = []
    let centres: [(Float, Float, Float, Int64)] = [(0, 0, 5, 0), (-3, 0, 4, 1), (3, 0, -4, 1)]
    for (x, y, z, label) in centres {
      for k in 0..<200 {
        let wobble = Float(k % 10) * 0.004 - 0.02
        features += [x + wobble, y - wobble, z]
        labels.append(label)
      }
    }
    return try embeddings([("features", NumpyArray(shape: [600, 3], values: .float32(features))), ("labels", NumpyArray(shape: [600], values: .int64(labels)))])
  }

  func distance(_ p: Pixel, _ c: Color) -> Double {
    let d = [Double(p.red) - c.red * 255, Double(p.green) - c.green * 255, Double(p.blue) - c.blue * 255]
    return d.map { $0 * $0 }.reduce(0, +).squareRoot()
  }

  @Test func aPlusZViewPutsPlusZPointsAtTheCentreAndDimsTheBackHemisphere() throws {
    let e = try threeClusters()
    var options = CheckpointFigureOptions()
    options.splits = [.test]
    options.sphereView = .direction(Vector3(0, 0, 1))
    let figure = try Figure.checkpointFigure(.sphere, embeddings: [e], options: options)
    #expect(figure.rows == 1 && figure.columns == 2)
    let dpi = 150.0
    let layout = try figure.layout()
    let image = try figure.renderImage(dpi: dpi)
    let sphere = try #require(layout.frame(row: 0, column: 0)).mapping
    func pixel(_ x: Double, _ y: Double) throws -> Pixel {
      let d = sphere.device(Point(x: x, y: y))
      return try #require(image.pixel(x: Int(d.x * dpi / 72), y: Int(d.y * dpi / 72)))
    }
    let palette = Palette.colorBlindSafe
    let centre = try pixel(0, 0), front = try pixel(-0.6, 0), back = try pixel(0.6, 0), empty = try pixel(0, -0.6)
    #expect(distance(centre, palette.color(forClass: 0)) < 40, "centre \(centre)")
    #expect(distance(front, palette.color(forClass: 1)) < 40, "front \(front)")
    // The back cluster shows through the translucent sphere (drawn under it): tinted, but fainter than in front,
    // where the stacked dots give the exact class colour.
    #expect(distance(back, palette.color(forClass: 1)) > distance(front, palette.color(forClass: 1)) + 25, "back \(back)")
    #expect(distance(back, palette.color(forClass: 1)) < distance(empty, palette.color(forClass: 1)), "back \(back), empty sphere \(empty)")
  }

  @Test func otherKindsRefuse3DAndTheReaderRefusesMoreThanThreeDimensions() throws {
    let e = try threeClusters()
    #expect(throws: EmbeddingError.self) { try Figure.checkpointFigure(.scatter, embeddings: [e]) }
    do {
      _ = try Figure.checkpointFigure(.circle, embeddings: [e])
    } catch let error as EmbeddingError {
      #expect(error.description.contains("--kind sphere"), "\(error)")
    }
    do {
      _ = try embeddings([
        ("features", NumpyArray(shape: [2, 4], values: .float32(Array(repeating: 1, count: 8)))),
        ("labels", NumpyArray(shape: [2], values: .int64([0, 1]))),
      ])
      Issue.record("a 4-D file was read")
    } catch let error as EmbeddingError {
      #expect(error.array == "features" && error.description.contains("D = 4"), "\(error)")
    }
  }

  @Test func evenOddRingsBecomeWindingRingsWithTheSameHoles() {
    let outer = [Point2(x: 0, y: 0), Point2(x: 4, y: 0), Point2(x: 4, y: 4), Point2(x: 0, y: 4)]
    let inner = [Point2(x: 1, y: 1), Point2(x: 3, y: 1), Point2(x: 3, y: 3), Point2(x: 1, y: 3)]
    let rings = SceneLayer.windingRings([outer, inner])
    #expect(SceneLayer.signedArea(rings[0]) > 0)
    #expect(SceneLayer.signedArea(rings[1]) < 0)
    let apart = SceneLayer.windingRings([inner, inner.map { Point2(x: $0.x + 10, y: $0.y) }])
    #expect(apart.allSatisfy { SceneLayer.signedArea($0) > 0 })
  }
}
