import CairoBackend
import CairoGraphics
import Checkpoints
import FileFormats
import Foundation
import MarginMath
import _TestSupport
import Testing

@testable import Figures
@testable import PlotKit

/// Runs python3 with numpy to write test inputs and reference numbers; tests that need it are
/// skipped (through the framework) where numpy is missing.
enum NumpyScript {
  static let available: Bool = (try? run("import numpy")) != nil

  /// Runs `script` in `directory`; returns its standard output.
  @discardableResult
  static func run(_ script: String, in directory: String = NSTemporaryDirectory()) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let out = Pipe()
    process.standardOutput = out
    process.standardError = Pipe()
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw EmbeddingError(path: "python3", reason: "script failed") }
    return String(decoding: data, as: UTF8.self)
  }
}

@Suite("Embedding files from numpy", .timeLimit(.minutes(5)))
struct EmbeddingFileTests {
  static let writer = """
    import numpy as np
    rng = np.random.default_rng(5)
    N, C = 600, 4
    labels = rng.integers(0, C, N)
    theta = labels * np.pi / 2 + rng.normal(0, 0.6, N)
    r = rng.uniform(1, 20, N)
    f = np.stack([r * np.cos(theta), r * np.sin(theta)], 1).astype(np.float32)
    W = np.array([[1.0, 0.1], [0.0, 2.0], [-1.5, 0.0], [0.2, -1.0]], dtype=np.float32)
    b = np.array([0.5, -0.2, 0.0, 0.3], dtype=np.float32)
    split = np.where(np.arange(N) % 3 == 0, 'test', 'train')
    np.savez('both.npz', features=f, labels=labels, class_weights=W, class_bias=b, split=split, epoch=7)
    np.save('f.npy', f.astype(np.float64)); np.save('l.npy', labels)
    with open('e.csv', 'w') as h:
        h.write('x,y,label\\n')
        for i in range(N): h.write('%r,%r,%d\\n' % (float(f[i, 0]), float(f[i, 1]), labels[i]))
    logits = f.astype(np.float64) @ W.T.astype(np.float64) + b
    correct = logits.argmax(1) == labels
    print(correct[split == 'train'].mean(), correct[split == 'test'].mean(), (f.astype(np.float64) @ W.T[:, :].astype(np.float64)).argmax(1).__eq__(labels).mean())
    """

  private func directory() throws -> String {
    let dir = NSTemporaryDirectory() + "embeddings-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  /// The accuracy a panel states ("Testing Accuracy: 97.50%"), as a fraction.
  private func stated(_ subtitle: String?) throws -> Double {
    let text = try #require(subtitle)
    let number = try #require(text.split(separator: " ").last?.dropLast())
    return try #require(Double(number)) / 100
  }

  @Test(.enabled(if: NumpyScript.available, "needs python3 with numpy"))
  func npzNpyAndCSVStateTheAccuracyNumpyComputes() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let reference = try NumpyScript.run(Self.writer, in: dir).split(separator: " ").compactMap {
      Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    try #require(reference.count == 3)

    // Both splits in one .npz, with a bias.
    let both = try EmbeddingReader.read(dir + "/both.npz")
    #expect(both.epoch == 7 && both.splits.map(\.name) == ["train", "test"])
    let figure = try Figure.checkpointFigure(.scatter, embeddings: [both])
    #expect(abs(try stated(figure[0, 0]?.subtitle) - reference[0]) < 5e-5)
    #expect(abs(try stated(figure[1, 0]?.subtitle) - reference[1]) < 5e-5)
    let provenance = try JSONDecoder().decode(JSONValue.self, from: CheckpointViews.provenance([both]))
    guard case .object(let root) = provenance, case .array(let panels) = root["panels"],
      case .object(let panel) = panels.first,
      case .object(let computed) = panel["computed"], case .object(let test) = computed["test"],
      case .number(let a) = test["accuracy"]
    else { Issue.record("provenance lacks computed.test.accuracy"); return }
    #expect(abs(a - reference[1]) < 1e-12)

    // .npy features (float64) + labels, and CSV, with the class weights given separately (no bias).
    let weights = dir + "/w.npy"
    try Data(NumpyArray(shape: [4, 2], values: .float32([1, 0.1, 0, 2, -1.5, 0, 0.2, -1])).npyData()).write(
      to: URL(fileURLWithPath: weights))
    let npy = try EmbeddingReader.read(
      dir + "/f.npy", options: .init(labelsPath: dir + "/l.npy", classWeightsPath: weights))
    let csv = try EmbeddingReader.read(dir + "/e.csv", options: .init(classWeightsPath: weights))
    for e in [npy, csv] {
      let f = try Figure.checkpointFigure(
        .sectors, embeddings: [e],
        options: {
          var o = CheckpointFigureOptions(); o.splits = [.test]; return o
        }())
      #expect(abs(try stated(f[0, 0]?.subtitle) - reference[2]) < 5e-5, "\(e.path)")
      let png = try f.renderImage(dpi: 72)
      #expect(png.width > 100 && png.height > 100)
      let svg = try #require(SVGSummary.parse(try f.svgData()))
      #expect(svg.counts["image", default: 0] >= 1, "the points are one embedded image")
    }
  }

  @Test func featuresWithoutClassWeightsSayWhyThereIsNoAccuracy() throws {
    let e = try EmbeddingReader.parse(
      [
        "features": NumpyArray(shape: [3, 2], values: .float32([1, 0, 0, 1, -1, 0])),
        "labels": NumpyArray(shape: [3], values: .int64([0, 1, 2])),
      ],
      path: "x.npz", metadata: nil, options: .init())
    let figure = try Figure.checkpointFigure(.scatter, embeddings: [e])
    #expect(figure[0, 0]?.subtitle == "Accuracy: none (no class weights)")
    #expect(figure.caption.contains { $0.key == "note" && $0.value.contains("no class weights") })
    #expect(throws: EmbeddingError.self) { try Figure.checkpointFigure(.sectors, embeddings: [e]) }
  }

  @Test func anyDimensionFromTwoUpIsReadAndOnlyTheDrawingRefusesIt() throws {
    for d in [4, 16] {
      let e = try parse([
        "features": NumpyArray(shape: [2, d], values: .float32((0..<(2 * d)).map(Float.init))),
        "labels": NumpyArray(shape: [2], values: .int64([0, 1])),
        "class_weights": NumpyArray(shape: [2, d], values: .float32((0..<(2 * d)).map { Float($0 % 3) })),
      ])
      #expect(e.dimension == d && e.splits[0].count == 2)
      #expect(e.metrics(of: e.splits[0]) != nil, "metrics need no picture")
      do {
        _ = try Figure.checkpointFigure(.scatter, embeddings: [e])
        Issue.record("D = \(d) was drawn")
      } catch let error as EmbeddingError {
        #expect(error.description.contains("D = \(d)") && error.description.contains("can be drawn"), "\(error)")
      }
    }
  }

  @Test func aPaletteRecoloursEveryClassColouredLayerAndRecordsItself() throws {
    let e = try parse([
      "features": NumpyArray(shape: [2, 2], values: .float32([1, 0, 0, 1])),
      "labels": NumpyArray(shape: [2], values: .int64([0, 1])),
      "class_weights": NumpyArray(shape: [2, 2], values: .float32([1, 0, 0, 1])),
    ])
    var figure = try Figure.checkpointFigure(.sectors, embeddings: [e])
    figure.caption.append(("palette", "before"))
    let other = try #require(Palette.all.first { $0.name != Palette.colorBlindSafe.name })
    let recoloured = try #require(figure.recoloured(other))
    let layers = recoloured.panels.compactMap { $0 }.flatMap(\.layers)
    #expect(layers.compactMap { ($0 as? ScatterLayer)?.palette.name }.allSatisfy { $0 == other.name })
    let sectors = layers.compactMap { ($0 as? SectorLayer)?.palette.name }
    #expect(!sectors.isEmpty && sectors.allSatisfy { $0 == other.name })
    #expect(recoloured.caption.contains { $0.key == "palette" && $0.value == other.name })
    #expect(Figure(rows: 1, columns: 1).recoloured(other) == nil, "nothing to recolour is no silent success")
  }

  private func parse(_ arrays: [String: NumpyArray], drop: Bool = false) throws -> Embeddings {
    try EmbeddingReader.parse(arrays, path: "bad.npz", metadata: nil, options: .init(dropNonfinite: drop))
  }

  private func expectError(_ arrays: [String: NumpyArray], array: String?, containing text: String) {
    do {
      _ = try parse(arrays)
      Issue.record("expected an error about \(array ?? "the file")")
    } catch let error as EmbeddingError {
      #expect(error.path == "bad.npz" && error.array == array, "\(error)")
      #expect(error.description.contains(text), "\(error)")
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func badInputNamesTheFileAndTheArray() {
    let labels = NumpyArray(shape: [2], values: .int64([0, 1]))
    func f(_ d: Int, _ values: [Float]? = nil) -> NumpyArray {
      NumpyArray(shape: [2, d], values: .float32(values ?? Array(repeating: 1, count: 2 * d)))
    }
    expectError(["features": f(1), "labels": labels], array: "features", containing: "D = 1")
    expectError(
      ["features": f(EmbeddingReader.maximumDimension + 1), "labels": labels], array: "features",
      containing: "transposed")
    expectError(
      ["features": NumpyArray(shape: [4], values: .float32([1, 2, 3, 4])), "labels": labels], array: "features",
      containing: "expected [N, D]")
    expectError(
      ["features": f(2), "labels": NumpyArray(shape: [3], values: .int64([0, 1, 1]))], array: "labels",
      containing: "expected [2]")
    expectError(
      [
        "features": f(2), "labels": labels,
        "class_weights": NumpyArray(shape: [3, 3], values: .float32(Array(repeating: 1, count: 9))),
      ],
      array: "class_weights", containing: "has shape [3, 3], but the features have D = 2")
    expectError(
      [
        "features": f(2), "labels": NumpyArray(shape: [2], values: .int64([0, 5])),
        "class_names": NumpyArray(shape: [2], values: .strings(["a", "b"])),
      ],
      array: "labels", containing: "label 5, but there are 2 class names")
    expectError(
      ["features": f(2, [1, .nan, 2, 2]), "labels": labels], array: "features", containing: "1 of 2 rows hold NaN")
    expectError(
      [
        "features": NumpyArray(shape: [0, 2], values: .float32([])),
        "labels": NumpyArray(shape: [0], values: .int64([])),
      ], array: "features", containing: "empty")
    expectError(["labels": labels], array: nil, containing: "no features")
  }

  @Test func dropNonfiniteDropsAndCountsTheRows() throws {
    let e = try parse(
      [
        "features": NumpyArray(shape: [3, 2], values: .float32([1, .infinity, 2, 2, 0, 1])),
        "labels": NumpyArray(shape: [3], values: .int64([0, 1, 0])),
      ],
      drop: true)
    #expect(e.droppedNonfinite == 1 && e.splits[0].labels == [1, 0])
    #expect(CheckpointViews.caption([e]).contains { $0.key == "dropped" && $0.value == "1 non-finite rows" })
    #expect(throws: EmbeddingError.self) {
      try parse(
        [
          "features": NumpyArray(shape: [1, 2], values: .float32([.nan, 1])),
          "labels": NumpyArray(shape: [1], values: .int64([0])),
        ], drop: true)
    }
  }

  @Test func aCheckpointIsReadThroughTheSameParser() throws {
    let checkpoint = CheckpointFigureTests.checkpoint(loss: .arcFace, parameters: LossParameters(m: 0.5, s: 10))
    let e = try CheckpointFigureTests.embeddings(checkpoint)
    #expect(e.splits.map(\.name) == ["train", "test"] && e.classNames == ["a", "b", "c", "d"])
    #expect(e.loss?.kind == .arcFace && e.epoch == checkpoint.metadata.epoch)
    // The stored λ and margin in force are what the labels show.
    #expect(CheckpointViews.lossLabel(e) == "ArcFace, m=0.5")
    var ramping = checkpoint
    ramping.metadata.margin = 0.0465
    #expect(
      CheckpointViews.lossLabel(try CheckpointFigureTests.embeddings(ramping)) == "ArcFace, m=0.0465 (configured 0.5)")
  }

  @Test func anglesUpTo170DegreesFitTheHistogram() throws {
    // Class 0 weight along +x; features spread from 0° to 170° around it.
    let angles = stride(from: 0.0, through: 170.0, by: 1.0).map { $0 * .pi / 180 }
    let features = angles.flatMap { [Float(cos($0)), Float(sin($0))] }
    let e = try parse([
      "features": NumpyArray(shape: [angles.count, 2], values: .float32(features)),
      "labels": NumpyArray(shape: [angles.count], values: .int64(Array(repeating: 0, count: angles.count))),
      "class_weights": NumpyArray(shape: [2, 2], values: .float32([1, 0, -1, 0])),
    ])
    let figure = try Figure.checkpointFigure(
      .hist, embeddings: [e],
      options: {
        var o = CheckpointFigureOptions(); o.splits = [.test]; return o
      }())
    let layer = try #require(figure[0, 0]?.layers.first as? HistogramLayer)
    let h = layer.series[0].histogram
    #expect(h.edges.last! >= 170 && h.edges.last! <= 180)
    // Density integrates to one: no angle fell outside the bins.
    let area = zip(h.counts, zip(h.edges, h.edges.dropFirst())).map { $0 * ($1.1 - $1.0) }.reduce(0, +)
    #expect(abs(area - 1) < 1e-9)
    let limits = try #require(figure.resolvedLimits()[0])
    #expect(limits.x.upper >= 170)
  }
}
