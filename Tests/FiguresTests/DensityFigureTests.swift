import FileFormats
import Foundation
import PlotKit
import Testing

@testable import Figures

@Suite("Density figures and fitted limits for users' files", .timeLimit(.minutes(5)))
struct DensityFigureTests {
  /// `n` points of `classes` classes in the positive quadrant (ReLU-like), as a numpy.savez file.
  static func writeNPZ(n: Int, classes: Int = 3, extra: [(name: String, array: NumpyArray)] = []) throws -> String {
    var xy = [Float](), labels = [Int64]()
    for i in 0..<n {
      let c = i % classes
      xy += [Float(2 + c * 3) + Float(i % 7) * 0.1, Float(1 + c) + Float(i % 5) * 0.2]
      labels.append(Int64(c))
    }
    let data = try NumpyArchive.data(
      [
        ("features", NumpyArray(shape: [n, 2], values: .float32(xy))),
        ("labels", NumpyArray(shape: [n], values: .int64(labels))),
      ] + extra)
    let path = NSTemporaryDirectory() + "density-\(UUID().uuidString).npz"
    try data.write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test func aboveTheThresholdTheScatterIsAggregatedAndCaptioned() throws {
    let path = try Self.writeNPZ(n: 300)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let e = try EmbeddingReader.read(path)
    var options = CheckpointFigureOptions()
    options.splits = [.test]
    options.densityThreshold = 200
    let dense = try Figure.checkpointFigure(.scatter, embeddings: [e], options: options)
    #expect(dense[0, 0]?.layers.contains { $0 is DensityLayer } == true)
    #expect(dense.caption.contains { $0.key == "density" && $0.value == "300 points aggregated per pixel and class" })
    options.densityThreshold = 300
    let markers = try Figure.checkpointFigure(.scatter, embeddings: [e], options: options)
    #expect(markers[0, 0]?.layers.contains { $0 is ScatterLayer } == true)
    #expect(!markers.caption.contains { $0.key == "density" })
    options.density = .never
    options.densityThreshold = 0
    #expect(
      try Figure.checkpointFigure(.scatter, embeddings: [e], options: options)[0, 0]?.layers.first is ScatterLayer)
  }

  @Test func nonCentredFeaturesGetLimitsFittedToTheData() throws {
    let path = try Self.writeNPZ(n: 90)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let e = try EmbeddingReader.read(path)
    var options = CheckpointFigureOptions()
    options.splits = [.test]
    let figure = try Figure.checkpointFigure(.scatter, embeddings: [e], options: options)
    let limits = try #require(figure.resolvedLimits()[0])
    // Data span x 2...8.6, y 1...3.8: the panel shows that, not ±9 around the origin.
    #expect(limits.x.lower >= 1 && limits.x.upper <= 10)
    #expect(limits.y.lower >= 0 && limits.y.upper <= 5)
  }

  @Test func aPlainNPZIsStreamedWithTheSameCountsAsInMemory() throws {
    let path = try Self.writeNPZ(n: 1000, classes: 4)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let streamed = try #require(try StreamedEmbeddings.open(path))
    #expect(streamed.count == 1000)
    #expect(streamed.classNames == ["0", "1", "2", "3"])
    let bounds = try #require(streamed.bounds)
    #expect(abs(bounds.x.lower - 2) < 1e-6 && abs(bounds.y.upper - (4 + 0.8)) < 1e-5)
    let e = try EmbeddingReader.read(path)
    let cloud = CheckpointViews.cloud(e, split: e.splits[0])
    let transform = (ax: 2.0, bx: -2.0, ay: -5.0, by: 26.0)
    let fromFile = try DensityGrid.counting(streamed, width: 30, height: 30, classCount: 4, transform: transform)
    let fromMemory = try DensityGrid.counting(
      CloudDensitySource(cloud: cloud), width: 30, height: 30, classCount: 4, transform: transform)
    #expect(fromFile.counts == fromMemory.counts)
    #expect(fromFile.counts.reduce(0) { $0 + Int($1) } == 1000)
  }

  /// One bit flipped in the first row of each array (the value stays finite, the label a class):
  /// the streamed path checks each member's CRC-32 and names the file and the member.
  @Test(arguments: [("features.npy", 0), ("labels.npy", 1)])
  func aStreamedMemberThatFailsItsCRCIsRefusedByName(_ member: String, _ arrayIndex: Int) throws {
    let path = try Self.writeNPZ(n: 1000, classes: 4)
    defer { try? FileManager.default.removeItem(atPath: path) }
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    let headers = (0..<(bytes.count - magic.count)).filter { Array(bytes[$0..<($0 + magic.count)]) == magic }
    let header = headers[arrayIndex]
    let dataStart = header + 10 + Int(bytes[header + 8]) + Int(bytes[header + 9]) << 8
    // Row 1: the lowest mantissa bit of its x, or the lowest bit of its label (class 1 becomes 0).
    bytes[dataStart + 8] ^= 1
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    #expect {
      _ = try StreamedEmbeddings.open(path)
    } throws: { error in
      let text = "\(error)"
      return text.contains(path) && text.contains(member) && text.contains("CRC-32")
    }
  }

  @Test func filesWithMoreThanFeaturesAndLabelsAreLeftToTheReader() throws {
    let weights = NumpyArray(shape: [3, 2], values: .float32([1, 0, 0, 1, -1, 0]))
    let path = try Self.writeNPZ(n: 30, extra: [("class_weights", weights)])
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(try StreamedEmbeddings.open(path) == nil)
  }
}

@Suite("Single-panel curve figures")
struct CurveAspectTests {
  @Test func aHistogramFigureIsWiderThanTall() throws {
    let weights = NumpyArray(shape: [3, 2], values: .float32([1, 0, 0, 1, -1, 0]))
    let path = try DensityFigureTests.writeNPZ(n: 90, extra: [("class_weights", weights)])
    defer { try? FileManager.default.removeItem(atPath: path) }
    let e = try EmbeddingReader.read(path)
    var options = CheckpointFigureOptions()
    options.splits = [.test]
    var figure = try Figure.checkpointFigure(.hist, embeddings: [e], options: options)
    figure.width = 6.5 * 72
    let layout = try figure.layout(measuringWith: LayoutTextMeasure())
    #expect(layout.height < 0.9 * layout.width)
  }
}

/// 0.6 em per character: enough for layout arithmetic.
final class LayoutTextMeasure: Renderer {
  func drawPath(_ path: Path, style: PathStyle, clip: [Path]) {}
  func measureText(_ text: String, font: Font) -> TextMetrics {
    let w = 0.6 * font.size * Double(text.count)
    return TextMetrics(advance: w, inkLeft: 0, inkTop: -0.75 * font.size, inkWidth: w, inkHeight: 0.75 * font.size)
  }
}
