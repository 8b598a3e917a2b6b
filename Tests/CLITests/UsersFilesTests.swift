import Foundation
import Testing

/// Issue 27: what numpy, pandas and PyTorch users hand `margins plot` and `metrics`, the
/// train-versus-test comparison, options honoured or refused, and output as matplotlib users expect.
/// python3 with numpy (and pandas, for the CSV cases) writes the inputs.
@Suite(.timeLimit(.minutes(5)), .serialized, .enabled(if: Numpy.available, "needs python3 with numpy"))
struct UsersFilesTests {
  static let pandasAvailable: Bool = (try? Numpy.run("import pandas", in: NSTemporaryDirectory())) != nil

  /// Four classes around the axes, separable; `W` is the [C, D] head.
  static let common = """
    import numpy as np
    rng = np.random.default_rng(7)
    N = 400
    y = np.arange(N) % 4
    W = np.array([[1, 0], [0, 1], [-1, 0], [0, -1]], dtype=np.float32)
    f = (W[y] * 4 + rng.normal(0, 0.4, (N, 2))).astype(np.float32)

    """

  func scratch() throws -> String {
    let dir = NSTemporaryDirectory() + "users-files-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  func files(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter {
      !$0.hasPrefix(".") && !$0.hasSuffix(".npz") && !$0.hasSuffix(".npy") && !$0.hasSuffix(".csv")
        && !$0.hasSuffix(".tsv") && !$0.hasSuffix(".txt")
    }.sorted()
  }

  func metricsJSON(_ arguments: [String], in dir: String) throws -> [[String: Any]] {
    let result = try MarginsProcess.run(["metrics", "--json"] + arguments, in: dir)
    #expect(result.status == 0, "\(arguments): \(result.text)")
    return try #require(
      try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]],
      "\(result.output.prefix(300))")
  }

  func accuracy(_ report: [String: Any]) -> Double? {
    ((report["splits"] as? [[String: Any]])?.first?["metrics"] as? [String: Any])?["accuracy"] as? Double
  }

  /// (width, height) from a PNG's IHDR.
  func pngSize(_ path: String) throws -> (Int, Int) {
    let b = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    func be(_ i: Int) -> Int { b[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
    return (be(16), be(20))
  }

  @Test func everyDtypeAndOrderNumpyWritesIsRead() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Numpy.run(
      Self.common + """
        np.savez('half.npz', features=f.astype(np.float16), labels=y.astype(np.int16), class_weights=np.asfortranarray(W),
                 class_names=np.array([b'east', b'north', b'west', b'south']))
        np.savez('big.npz', features=f.astype('>f4'), labels=y.astype('>i8'), class_weights=W.astype('>f8'))
        np.savez('small.npz', features=f.astype(np.float64), labels=y.astype(np.uint16), class_weights=W)
        np.savez('bool.npz', features=f[y < 2], labels=(y[y < 2] == 1), class_weights=W[:2])
        np.save('W_T.npy', W.T)
        np.save('f.npy', f); np.save('y.npy', y.astype(np.int8))
        """, in: dir)
    for file in ["half.npz", "big.npz", "small.npz", "bool.npz"] {
      let report = try metricsJSON([file], in: dir)
      #expect(accuracy(report[0]) == 1, "\(file): \(report)")
    }
    #expect(try metricsJSON(["half.npz"], in: dir)[0]["classNames"] as? [String] == ["east", "north", "west", "south"])
    // np.save(W.T) writes a Fortran-ordered [2, 4]: read, recognised as [D, C] and transposed with a note.
    let result = try MarginsProcess.run(
      ["metrics", "f.npy", "--labels", "y.npy", "--class-weights", "W_T.npy"], in: dir)
    #expect(result.status == 0 && result.output.contains("accuracy 100.00%"), "\(result.text)")
    #expect(result.errors.contains("transposed"), "\(result.errors)")
  }

  @Test func theNamesNumpyAndPyTorchUsersGiveAreReadOrNamedWithAKey() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Numpy.run(
      Self.common + """
        np.savez('positional.npz', f, y)
        np.savez('aliases.npz', embeddings=f, targets=y)
        np.savez('state.npz', feats=f, y=y, **{'fc.weight': W, 'fc.bias': np.zeros(4, np.float32), 'conv1.weight': np.zeros((8, 1, 3, 3), np.float32)})
        np.savez('custom.npz', emb_out=f, gt=y, head=W)
        """, in: dir)
    #expect(try metricsJSON(["positional.npz"], in: dir)[0]["dimension"] as? Int == 2)
    #expect(try metricsJSON(["aliases.npz"], in: dir)[0]["dimension"] as? Int == 2)
    let state = try metricsJSON(["state.npz"], in: dir)[0]
    #expect(
      accuracy(state) == 1 && (state["notes"] as? [String])?.contains { $0.contains("fc.weight") } == true, "\(state)")
    let custom = try metricsJSON(
      ["custom.npz", "--features-key", "emb_out", "--labels-key", "gt", "--weights-key", "head"], in: dir)[0]
    #expect(accuracy(custom) == 1)
    let missing = try MarginsProcess.run(["metrics", "custom.npz", "--features-key", "nope"], in: dir)
    #expect(
      missing.status != 0 && missing.errors.contains("custom.npz") && missing.errors.contains("'nope'")
        && missing.errors.contains("emb_out"), "\(missing.errors)")
    let unnamed = try MarginsProcess.run(["metrics", "custom.npz"], in: dir)
    #expect(unnamed.status != 0 && unnamed.errors.contains("--features-key"), "\(unnamed.errors)")
  }

  @Test(.enabled(if: UsersFilesTests.pandasAvailable, "needs pandas"))
  func pandasCSVAndTSVWithIndexQuotedHeadersAndStringLabels() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Numpy.run(
      Self.common + """
        import pandas as pd, csv
        names = np.array(['cat', 'dog', 'eel', 'fox'])
        df = pd.DataFrame(f, columns=['x', 'y']); df['class'] = names[y]
        df.to_csv('indexed.csv')
        pd.DataFrame({'x': f[:, 0], 'y': f[:, 1], 'target': y}).to_csv('quoted.csv', index=False, quoting=csv.QUOTE_ALL)
        t = pd.DataFrame(f); t['label'] = names[y]; t.to_csv('tabs.tsv', sep='\\t')
        open('names.txt', 'w').write('zero\\none\\ntwo\\nthree\\n')
        """, in: dir)
    for file in ["indexed.csv", "quoted.csv", "tabs.tsv"] {
      let report = try metricsJSON([file], in: dir)[0]
      #expect(report["dimension"] as? Int == 2, "\(file): \(report)")
      let names = report["classNames"] as? [String]
      #expect(
        names == (file == "quoted.csv" ? ["0", "1", "2", "3"] : ["cat", "dog", "eel", "fox"]),
        "\(file): \(String(describing: names))")
    }
    #expect(
      try metricsJSON(["quoted.csv", "--class-names", "names.txt"], in: dir)[0]["classNames"] as? [String] == [
        "zero", "one", "two", "three",
      ])
    let result = try MarginsProcess.run(["plot", "indexed.csv", "-o", "cats.png"], in: dir)
    #expect(result.status == 0, "\(result.text)")
    #expect(files(dir) == ["cats.json", "cats.png"])
    let provenance = try String(contentsOfFile: dir + "/cats.json", encoding: .utf8)
    #expect(provenance.contains("\"cat\"") && provenance.contains("string labels mapped"), "\(provenance.prefix(600))")
  }

  @Test func sparseLabelValuesBecomeTheClassesPresentAndTheFigureStaysPageSized() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Numpy.run(
      Self.common + """
        z = (np.arange(N) % 10).astype(np.int64); z[0] = 1000
        np.savez('sparse.npz', features=f, labels=z)
        """, in: dir)
    let result = try MarginsProcess.run(["plot", "sparse.npz", "-o", "s.png"], in: dir)
    #expect(result.status == 0, "\(result.text)")
    #expect(result.errors.contains("11 classes"), "\(result.errors)")
    let (w, h) = try pngSize(dir + "/s.png")
    #expect(w == 975 && h < 1500, "\(w) × \(h)")
    let provenance = try String(contentsOfFile: dir + "/s.json", encoding: .utf8)
    #expect(provenance.contains("\"1000\""), "the original value names its class in the legend")
  }

  @Test func trainAgainstTestIsSideBySideOnSharedLimitsOrOverlaid() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Numpy.run(
      Self.common + """
        np.savez('train.npz', features=f * 1.5, labels=y, class_weights=W, split='train')
        np.savez('test.npz', features=f, labels=y, class_weights=W, split='test')
        np.savez('both.npz', features=f, labels=y, class_weights=W, split=np.where(np.arange(N) < 300, 'train', 'test'))
        """, in: dir)
    for (arguments, name) in [(["train.npz", "test.npz"], "pair"), (["both.npz"], "both")] {
      let result = try MarginsProcess.run(["plot"] + arguments + ["-o", "\(name).png"], in: dir)
      #expect(result.status == 0, "\(arguments): \(result.text)")
      let (w, h) = try pngSize(dir + "/\(name).png")
      #expect(w > h, "train left, test right: \(w) × \(h)")
      let json = try #require(
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/\(name).json")))
          as? [String: Any])
      let options = try #require(json["options"] as? [String: Any])
      #expect(
        options["shareLimits"] as? String == "all" && options["split"] as? [String] == ["train", "test"], "\(options)")
    }
    let overlay = try MarginsProcess.run(["plot", "both.npz", "--split", "overlay", "-o", "overlay.svg"], in: dir)
    #expect(overlay.status == 0, "\(overlay.text)")
    let svg = try String(contentsOfFile: dir + "/overlay.svg", encoding: .utf8)
    #expect(svg.components(separatedBy: "<image").count - 1 == 2, "one axis, two point layers (train and test)")
    let asked = try MarginsProcess.run(["plot", "both.npz", "--share-limits", "none", "-o", "free.png"], in: dir)
    let free = try String(contentsOfFile: dir + "/free.json", encoding: .utf8)
    #expect(asked.status == 0 && free.contains("\"shareLimits\" : \"none\""))
  }

  @Test func optionsThatCannotApplyAreRefusedOrWarnedAbout() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Numpy.run(
      Self.common + "np.savez('e.npz', test_features=f, test_labels=y, class_weights=W, iteration=1)", in: dir)
    let gif = try MarginsProcess.run(["plot", "e.npz", "--animate", "--format", "png"], in: dir)
    #expect(gif.status != 0 && gif.errors.contains("GIF"), "\(gif.text)")
    let titles = try MarginsProcess.run(["plot", "e.npz", "--titles", "a|b|c", "-o", "t.png"], in: dir)
    #expect(titles.status != 0 && titles.errors.contains("--titles has 3 items"), "\(titles.text)")
    let font = try MarginsProcess.run(["plot", "e.npz", "--font-family", "No Such Family 27", "-o", "f.png"], in: dir)
    #expect(font.status == 0 && font.errors.contains("No Such Family 27"), "\(font.text)")
    let huge = try MarginsProcess.run(["plot", "e.npz", "--width", "200in", "--dpi", "300", "-o", "h.png"], in: dir)
    #expect(
      huge.status != 0 && huge.errors.contains("32,767 pixels") && !huge.errors.contains("typically too big"),
      "\(huge.errors)")
    let contradiction = try MarginsProcess.run(["plot", "e.npz", "-o", "c.png", "--format", "svg"], in: dir)
    #expect(contradiction.status != 0 && contradiction.errors.contains("contradicts"), "\(contradiction.errors)")
    try Numpy.run(
      "import numpy as np; np.savez('lp.npz', features=np.eye(2, dtype=np.float32), labels=np.arange(2), loss='arcface', loss_parameters='{m: oops')",
      in: dir)
    let decoding = try MarginsProcess.run(["metrics", "lp.npz"], in: dir)
    #expect(
      decoding.status != 0 && decoding.errors.contains("loss_parameters") && !decoding.errors.contains("DecodingError"),
      "\(decoding.errors)")
  }

  @Test func outputGoesWhereMatplotlibUsersExpect() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Numpy.run(Self.common + "np.savez('e.npz', features=f, labels=y, class_weights=W)", in: dir)
    // --out with a figure extension is the file, not a directory.
    let out = try MarginsProcess.run(["plot", "e.npz", "--out", "x.png", "--dpi", "300"], in: dir)
    #expect(out.status == 0, "\(out.text)")
    var isDirectory: ObjCBool = true
    #expect(FileManager.default.fileExists(atPath: dir + "/x.png", isDirectory: &isDirectory) && !isDirectory.boolValue)
    // pHYs right after IHDR: 300 dpi is 11811 pixels per metre, unit metre.
    let png = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/x.png")))
    #expect(Array(png[37..<41]) == Array("pHYs".utf8))
    #expect(png[41..<45].reduce(0) { $0 << 8 | Int($1) } == 11811 && png[49] == 1)
    // No -o and no --out: files in the current directory, no figures/adhoc tree.
    let plain = try MarginsProcess.run(["plot", "e.npz", "--format", "pdf"], in: dir)
    #expect(plain.status == 0, "\(plain.text)")
    #expect(files(dir) == ["e-scatter.json", "e-scatter.pdf", "x.json", "x.png"], "\(files(dir))")
  }

  @Test func paperFiguresRefuseAPaletteTheyCannotTakeHonourShareLimitsAndRenderFromAnyDirectory() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().path
    // From a directory inside the repository: experiments/ is found; the figure needs no runs.
    // Its curves have fixed colours: --palette is refused rather than recorded and ignored.
    let palette = try MarginsProcess.run(
      ["render", "--figure", "decision-boundaries", "--palette", "okabe-ito", "-o", "\(dir)/p.png"],
      in: repository + "/docs")
    #expect(palette.status != 0 && palette.errors.contains("--palette okabe-ito cannot recolour"), "\(palette.text)")
    #expect(!FileManager.default.fileExists(atPath: "\(dir)/p.json"))
    let shared = try MarginsProcess.run(
      ["render", "--figure", "decision-boundaries", "--share-limits", "all", "-o", "\(dir)/s.png"],
      in: repository + "/docs")
    let sharedJSON = (try? String(contentsOfFile: "\(dir)/s.json", encoding: .utf8)) ?? ""
    #expect(shared.status == 0 && sharedJSON.contains("\"shareLimits\" : \"all\""), "\(shared.text)")
    // Outside any repository: a hint naming the options.
    let outside = try MarginsProcess.run(["render", "--figure", "decision-boundaries"], in: dir)
    if outside.status != 0 {
      #expect(outside.errors.contains("--experiments-dir"), "\(outside.errors)")
    } else {
      // Found through the executable: drawn here, never into the checkout.
      #expect(FileManager.default.fileExists(atPath: "\(dir)/decision-boundaries.png"), "\(outside.text)")
    }
  }

  @Test func shellCompletionOffersTheValuesOfEnumeratedOptions() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let result = try MarginsProcess.run(["--generate-completion-script", "bash"], in: dir)
    #expect(result.status == 0)
    for value in ["okabe-ito", "decision-boundaries", "sphere", "overlay", "pdf"] {
      #expect(result.output.contains(value), "completion offers \(value)")
    }
  }
}
