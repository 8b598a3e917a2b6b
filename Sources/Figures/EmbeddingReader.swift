import Checkpoints
import FileFormats
import Foundation
import MarginMath

/// What is wrong with an embedding file; every case names the file (and the array or column).
public typealias EmbeddingError = InputFileError

/// Reads embeddings from `.npz`, `.npy` (+ labels) and CSV files, and this tool's checkpoints.
///
/// `.npz` arrays (names as `numpy.savez` keywords):
/// - `features` [N, D] float (any D >= 2; the drawing commands draw D = 2 and 3) with `labels` [N] integer, and optionally `split`: a string
///   naming the file's one split ("train"/"test"), or [N] strings/integers (0 = train, 1 = test)
///   putting both splits in one file; or `train_features`/`train_labels` and
///   `test_features`/`test_labels` (the layout of this tool's `epoch-NNN.npz`);
/// - optional `class_weights` [C, D], `class_bias` [C], `class_names` [C], `alpha` [1];
/// - optional scalars `epoch`, `iteration`, `loss` (a loss kind such as "arcface"),
///   `loss_parameters` (JSON such as `{"m": 0.5, "s": 10}`), `lambda` (λ in force),
///   `margin` (the margin in force).
///
/// A `.npy` holds `features`; its labels come from a second `.npy` (`labels:`), CSV has columns
/// `x`, `y` (or `f0`, `f1`), `label` and optionally `split`.
public enum EmbeddingReader {
  /// Wider rows are far more likely a transposed [D, N] array than embeddings.
  public static let maximumDimension = 65536

  public struct Options: Sendable {
    /// Drop rows whose features are NaN or infinite instead of refusing the file.
    public var dropNonfinite = false
    /// For `.npy` features: the `.npy` holding their labels.
    public var labelsPath: String?
    /// Class weights from a separate `.npy` [C, D] (overrides the file's).
    public var classWeightsPath: String?
    /// The array (or CSV column; for CSV features a comma list of columns) holding the features,
    /// labels or class weights, when the file's names are none the reader knows.
    public var featuresKey: String?
    public var labelsKey: String?
    public var weightsKey: String?
    /// A text file with one class name per line, for class 0, 1, ... (or for each label value).
    public var classNamesPath: String?

    public init(
      dropNonfinite: Bool = false, labelsPath: String? = nil, classWeightsPath: String? = nil,
      featuresKey: String? = nil,
      labelsKey: String? = nil, weightsKey: String? = nil, classNamesPath: String? = nil
    ) {
      self.dropNonfinite = dropNonfinite
      self.labelsPath = labelsPath
      self.classWeightsPath = classWeightsPath
      self.featuresKey = featuresKey
      self.labelsKey = labelsKey
      self.weightsKey = weightsKey
      self.classNamesPath = classNamesPath
    }
  }

  /// Names numpy and PyTorch users give the arrays, tried in order when the canonical one is absent
  /// (`arr_0`/`arr_1` are what `np.savez(f, X, y)` writes).
  static let featureAliases = ["embeddings", "embedding", "feats", "feat", "X", "x", "arr_0"]
  static let labelAliases = ["y", "targets", "target", "label", "classes", "arr_1"]
  static let weightAliases = ["weight", "weights", "W", "fc.weight", "classifier.weight", "arr_2"]

  /// More classes than this make a legend taller than any page and colours no one can tell apart.
  public static let maximumClasses = 100

  /// The most classes a file may hold at all (metrics included): per-class tables and the class
  /// weights grow with the count, and no embedding this tool is for has more.
  public static let maximumClassCount = 65_536

  /// Labels beyond ±2^53 are not integers a float can hold, nor class numbers anyone means.
  static let largestLabel = 1 << 53

  /// Reads `path`: an `.npz`, `.npy` or `.csv` file, or one of this tool's checkpoints (its `.npz`,
  /// its `.json`, or a run directory for the latest epoch; the metadata's sha256 is checked).
  public static func read(_ path: String, options: Options = Options()) throws -> Embeddings {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw EmbeddingError(
        path: path, reason: "no such file (expected .npz, .npy, .csv, .tsv, a checkpoint .json or a run directory)")
    }
    let lower = path.lowercased()
    if isDirectory.boolValue || lower.hasSuffix(".json") || (lower.hasSuffix(".npz") && hasCheckpointMetadata(path)) {
      let checkpoint = try CheckpointReader.read(path)
      let npz = try CheckpointReader.metadataPath(for: path).dropLast(5) + ".npz"
      return try embeddings(checkpoint: checkpoint, path: String(npz), options: options)
    }
    var arrays: [String: NumpyArray]
    if lower.hasSuffix(".npz") {
      arrays = try NumpyArchive.read(contentsOf: path)
    } else if lower.hasSuffix(".npy") {
      arrays = ["features": try npy(path)]
      guard let labels = options.labelsPath else {
        throw EmbeddingError(
          path: path, reason: "a .npy holds only features; give their labels with --labels LABELS.npy")
      }
      arrays["labels"] = try npy(labels)
    } else if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") || lower.hasSuffix(".txt") {
      arrays = try CSVEmbeddings.arrays(path, featureColumns: options.featuresKey, labelColumn: options.labelsKey)
    } else {
      throw EmbeddingError(path: path, reason: "unknown file type (expected .npz, .npy, .csv or .tsv)")
    }
    if let weights = options.classWeightsPath { arrays["class_weights"] = try npy(weights) }
    var parseOptions = options
    if arrays["csv"] != nil {
      // The keys named CSV columns, already read as the canonical arrays.
      arrays["csv"] = nil
      parseOptions.featuresKey = nil
      parseOptions.labelsKey = nil
    }
    return try parse(arrays, path: path, metadata: nil, options: parseOptions)
  }

  /// This tool's checkpoint as embeddings: the same array parser, plus the metadata's loss, epoch, λ.
  public static func embeddings(checkpoint: FeatureCheckpoint, path: String, options: Options = Options()) throws
    -> Embeddings
  {
    var arrays = Dictionary(uniqueKeysWithValues: checkpoint.arrays().map { ($0.name, $0.array) })
    if let weights = options.classWeightsPath { arrays["class_weights"] = try npy(weights) }
    return try parse(arrays, path: path, metadata: checkpoint.metadata, options: options)
  }

  /// A checkpoint's metadata beside the `.npz`, not the provenance file that `plot -o x.png` writes
  /// next to a user's `x.npz` (its top level is "panels" and "options").
  private static func hasCheckpointMetadata(_ npz: String) -> Bool {
    let json = String(npz.dropLast(4)) + ".json"
    guard FileManager.default.fileExists(atPath: json) else { return false }
    guard let bytes = try? FileBytes.read(json),
      let object = try? JSONSerialization.jsonObject(with: bytes) as? [String: Any]
    else { return true }
    return !(object["panels"] != nil && object["options"] != nil)
  }

  /// One name per non-empty line, surrounding spaces dropped.
  static func classNames(file: String) throws -> [String] {
    guard let bytes = try? FileBytes.read(file), let text = String(data: bytes, encoding: .utf8) else {
      throw EmbeddingError(
        path: file, reason: "missing, unreadable or not UTF-8 text (--class-names takes one name per line)")
    }
    let names = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter {
      !$0.isEmpty
    }
    guard !names.isEmpty else { throw EmbeddingError(path: file, reason: "holds no class names (one name per line)") }
    return names
  }

  private static func npy(_ path: String) throws -> NumpyArray {
    // Not FileManager.contents(atPath:): Foundation leaks its 4 KiB read buffer on an empty file.
    guard let data = try? FileBytes.read(path) else {
      throw EmbeddingError(path: path, reason: "missing or unreadable")
    }
    return try NumpyArray(npyData: data, name: path)
  }

  // MARK: - Array parsing (one path for every source)

  static func parse(_ given: [String: NumpyArray], path: String, metadata: CheckpointMetadata?, options: Options) throws
    -> Embeddings
  {
    func fail(_ array: String?, _ reason: String) -> EmbeddingError {
      EmbeddingError(path: path, array: array, reason: reason)
    }
    var notes: [String] = []
    var arrays = given
    let keyList = given.keys.sorted().joined(separator: ", ")

    // Aliases and explicit keys, copied under the canonical names.
    func resolve(_ canonical: String, explicit: String?, option: String, aliases: [String]) throws {
      if let explicit {
        guard let a = given[explicit] else {
          throw fail(explicit, "no such array (\(option) \(explicit)); the file has: \(keyList)")
        }
        arrays[canonical] = a
        return
      }
      guard given[canonical] == nil else { return }
      if let alias = aliases.first(where: { given[$0] != nil }) {
        arrays[canonical] = given[alias]
        notes.append("read '\(alias)' as the \(canonical)")
      }
    }
    if options.featuresKey != nil || (given["train_features"] == nil && given["test_features"] == nil) {
      if options.featuresKey != nil {
        for prefix in ["train_", "test_"] { arrays["\(prefix)features"] = nil; arrays["\(prefix)labels"] = nil }
      }
      try resolve("features", explicit: options.featuresKey, option: "--features-key", aliases: featureAliases)
      if arrays["features"] != nil {
        try resolve("labels", explicit: options.labelsKey, option: "--labels-key", aliases: labelAliases)
      }
    }
    if let file = options.classNamesPath {
      let names = try classNames(file: file)
      arrays["class_names"] = NumpyArray(shape: [names.count], values: .strings(names))
    }

    // Splits and their raw arrays.
    var raw: [(name: String, featuresArray: String, features: NumpyArray, labelsArray: String, labels: NumpyArray)] = []
    for prefix in ["train", "test"] {
      let f = arrays["\(prefix)_features"], l = arrays["\(prefix)_labels"]
      if f == nil && l == nil { continue }
      guard let f else { throw fail("\(prefix)_features", "missing (the file has \(prefix)_labels)") }
      guard let l else { throw fail("\(prefix)_labels", "missing (the file has \(prefix)_features)") }
      raw.append((prefix, "\(prefix)_features", f, "\(prefix)_labels", l))
    }
    let featuresName = options.featuresKey ?? "features", labelsName = options.labelsKey ?? "labels"
    if let f = arrays["features"] {
      guard raw.isEmpty else { throw fail("features", "the file also has train_/test_ arrays; use one layout") }
      guard let l = arrays["labels"] else {
        throw fail(
          "labels",
          "missing: the features need labels [N] ('labels', 'y', 'targets' or 'arr_1', or name the array with --labels-key; the file has: \(keyList))"
        )
      }
      if let split = arrays["split"], split.shape.count == 1, split.shape[0] == (f.shape.first ?? -1),
        split.shape[0] > 1 || split.strings == nil
      {
        // One split name per row: both splits in one file.
        let names = try rowSplitNames(split, path: path)
        for name in ["train", "test"] {
          let rows = names.indices.filter { names[$0] == name }
          guard !rows.isEmpty else { continue }
          raw.append((name, featuresName, try select(f, rows: rows), labelsName, try select(l, rows: rows)))
        }
        if raw.isEmpty { throw fail("split", "names no row 'train' or 'test'") }
      } else {
        let name = arrays["split"].flatMap { $0.strings?.first } ?? "all"
        raw.append((name, featuresName, f, labelsName, l))
      }
    }
    guard !raw.isEmpty else {
      throw fail(
        nil,
        "no features: expected 'features' and 'labels' (or 'embeddings', 'feats', 'X' with 'y' or 'targets', 'arr_0' with 'arr_1'), or 'train_features'/'test_features' with their labels; name other arrays with --features-key and --labels-key (found: \(keyList))"
      )
    }

    // Dimension, features, raw labels.
    let d = raw[0].features.shape.count == 2 ? raw[0].features.shape[1] : -1
    var splitFeatures: [[Float]] = []
    var intLabels: [[Int]] = [], stringLabels: [[String]] = []
    for r in raw {
      guard r.features.shape.count == 2 else {
        throw fail(r.featuresArray, "has shape \(r.features.shape); expected [N, D] (one row of D values per sample)")
      }
      let n = r.features.shape[0], dim = r.features.shape[1]
      guard dim == d else { throw fail(r.featuresArray, "has D = \(dim), other features have D = \(d)") }
      guard dim >= 2 else {
        throw fail(r.featuresArray, "has D = \(dim); embeddings need D >= 2 (one value per row is no embedding)")
      }
      guard dim <= EmbeddingReader.maximumDimension else {
        throw fail(
          r.featuresArray,
          "has D = \(dim); at most D = \(EmbeddingReader.maximumDimension) is read (is the array transposed? it should be [N, D])"
        )
      }
      let labelShapeOK =
        r.labels.shape == [n] || (r.labels.shape.count == 2 && r.labels.shape[0] == n && r.labels.shape[1] == 1)
      guard labelShapeOK else {
        throw fail(
          r.labelsArray, "has shape \(r.labels.shape); expected [\(n)] (one label per row of \(r.featuresArray))")
      }
      splitFeatures.append(try floats(r.features, array: r.featuresArray, path: path))
      if let strings = r.labels.strings {
        stringLabels.append(strings)
      } else {
        intLabels.append(try integers(r.labels, array: r.labelsArray, path: path))
      }
    }
    guard stringLabels.isEmpty || intLabels.isEmpty else {
      throw fail(raw.last!.labelsArray, "one split's labels are strings and another's integers; use one kind")
    }

    // Class names, and labels as class indices 0..<C.
    var givenNames: [String]?
    if let n = arrays["class_names"] {
      guard n.shape.count == 1 else { throw fail("class_names", "has shape \(n.shape); expected [C]") }
      givenNames = try n.strings ?? integers(n, array: "class_names", path: path).map(String.init)
    }
    var splitLabels: [[Int]]
    var mappedNames: [String]?
    if !stringLabels.isEmpty {
      let values = givenNames ?? Array(Set(stringLabels.joined())).sorted()
      let index = Dictionary(values.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
      splitLabels = try stringLabels.enumerated().map { k, labels in
        try labels.enumerated().map { row, label in
          guard let c = index[label] else {
            throw fail(
              raw[k].labelsArray,
              "holds label '\(label)' at row \(row), which is not among the \(values.count) class names")
          }
          return c
        }
      }
      mappedNames = values
      if givenNames == nil {
        notes.append(
          "string labels mapped to classes in sorted order: " + Self.listing(values.enumerated().map { "\($1)=\($0)" }))
      }
    } else {
      splitLabels = intLabels
      let all = Set(intLabels.joined())
      let maxLabel = all.max() ?? 0, minLabel = all.min() ?? 0
      // Without weights or names to index, labels such as {0, ..., 9, 1000} or {-1, 3, 7} say which
      // samples belong together, not how many classes exist: only the classes present are drawn.
      // (2 × count < max + 1, written so a label of Int.max cannot overflow)
      let sparse = minLabel < 0 || all.count <= maxLabel / 2
      if sparse && givenNames == nil && arrays["class_weights"] == nil && options.classWeightsPath == nil {
        let values = all.sorted()
        let index = Dictionary(uniqueKeysWithValues: values.enumerated().map { ($1, $0) })
        splitLabels = intLabels.map { $0.map { index[$0]! } }
        mappedNames = values.map(String.init)
        notes.append(
          "labels span \(minLabel)...\(maxLabel) but only \(values.count) values occur: drawn as \(values.count) classes named by their values"
        )
      }
    }

    var splits: [Embeddings.Split] = []
    var dropped = 0
    for (k, r) in raw.enumerated() {
      var features = splitFeatures[k], labels = splitLabels[k]
      let n = labels.count
      let bad = (0..<n).filter { i in !(0..<d).allSatisfy { features[i * d + $0].isFinite } }
      if !bad.isEmpty {
        guard options.dropNonfinite else {
          throw fail(
            r.featuresArray,
            "\(bad.count) of \(n) rows hold NaN or infinite values (first: row \(bad[0])); pass --drop-nonfinite to drop them"
          )
        }
        let badSet = Set(bad)
        let keep = (0..<n).filter { !badSet.contains($0) }
        features = keep.flatMap { i in features[(i * d)..<((i + 1) * d)] }
        labels = keep.map { labels[$0] }
        dropped += bad.count
      }
      guard !labels.isEmpty else {
        let which = r.name == "all" ? "the features are" : "the \(r.name) split is"
        throw fail(
          r.featuresArray,
          n == 0 ? "\(which) empty (0 rows)" : "\(which) empty after dropping \(bad.count) non-finite rows")
      }
      splits.append(Embeddings.Split(name: r.name, features: features, labels: labels))
    }

    // Class weights: the file's, an alias, or a state_dict's `*.weight` whose shape fits.
    if arrays["class_weights"] == nil || options.weightsKey != nil, options.classWeightsPath == nil {
      var biasKey: String?
      if let key = options.weightsKey {
        guard let w = given[key] else {
          throw fail(key, "no such array (--weights-key \(key)); the file has: \(keyList)")
        }
        arrays["class_weights"] = w
        if key.hasSuffix(".weight") { biasKey = String(key.dropLast(6)) + "bias" }
      } else {
        let candidates = (weightAliases + given.keys.sorted().filter { $0.hasSuffix(".weight") }).filter { key in
          guard let w = given[key], w.shape.count == 2, w.strings == nil else { return false }
          return w.shape[1] == d || w.shape[0] == d
        }
        var seen = Set<String>()
        let unique = candidates.filter { seen.insert($0).inserted }
        let exact = unique.filter { given[$0]!.shape[1] == d }
        let chosen = exact.count == 1 ? exact : exact.isEmpty ? unique : exact
        if chosen.count > 1 {
          throw fail(
            nil,
            "several arrays could be the class weights (\(chosen.joined(separator: ", "))); choose one with --weights-key"
          )
        }
        if let key = chosen.first {
          arrays["class_weights"] = given[key]
          notes.append("read '\(key)' as the class weights")
          if key.hasSuffix(".weight") { biasKey = String(key.dropLast(6)) + "bias" }
        }
      }
      if let biasKey, arrays["class_bias"] == nil, let b = given[biasKey] { arrays["class_bias"] = b }
    }
    var weights: [Float]?
    if let w = arrays["class_weights"] {
      guard w.shape.count == 2 else { throw fail("class_weights", "has shape \(w.shape); expected [C, \(d)]") }
      var values = try floats(w, array: "class_weights", path: path)
      if w.shape[1] != d && w.shape[0] == d {
        let c = w.shape[1]
        values = (0..<c).flatMap { j in (0..<d).map { k in values[k * c + j] } }
        notes.append("class weights of shape [\(d), \(c)] read as [D, C] and transposed to [C, D] = [\(c), \(d)]")
      } else {
        guard w.shape[1] == d else {
          throw fail(
            "class_weights",
            "has shape \(w.shape), but the features have D = \(d); expected [C, \(d)] (or [\(d), C], which is transposed)"
          )
        }
      }
      if !values.allSatisfy(\.isFinite) { throw fail("class_weights", "holds NaN or infinite values") }
      weights = values
    }
    let weightRows = weights.map { $0.count / d }
    var names: [String]
    if let given = mappedNames ?? givenNames {
      names = given
      if let rows = weightRows, rows != names.count {
        if givenNames != nil {
          throw fail("class_names", "has \(names.count) names but the class weights have \(rows) rows")
        }
        throw fail(
          raw[0].labelsArray,
          "holds \(names.count) distinct string labels but the class weights have \(rows) rows; give the classes in weight-row order with --class-names"
        )
      }
    } else {
      let maxLabel = splits.flatMap(\.labels).max() ?? 0
      names = (0..<(weightRows ?? (maxLabel + 1))).map(String.init)
    }
    guard names.count <= maximumClassCount else {
      throw fail(
        givenNames != nil ? "class_names" : weightRows != nil ? "class_weights" : raw[0].labelsArray,
        "names \(names.count) classes; at most \(maximumClassCount) are read")
    }
    for s in splits {
      if let bad = s.labels.first(where: { $0 < 0 || $0 >= names.count }) {
        let what = givenNames != nil ? "\(names.count) class names" : "\(names.count) class weight rows"
        throw fail(raw.first { $0.name == s.name }!.labelsArray, "holds label \(bad), but there are \(what)")
      }
    }
    var bias: [Float]?
    if let b = arrays["class_bias"] {
      guard b.shape == [names.count] else {
        throw fail("class_bias", "has shape \(b.shape); expected [\(names.count)]")
      }
      bias = try floats(b, array: "class_bias", path: path)
      if bias?.allSatisfy(\.isFinite) == false { throw fail("class_bias", "holds NaN or infinite values") }
    }
    let alpha = try arrays["alpha"].map { try floats($0, array: "alpha", path: path).first ?? 0 }
    if let alpha, !alpha.isFinite { throw fail("alpha", "is \(alpha); expected a finite number") }

    // Loss, epoch, iteration: from the metadata, or from scalar arrays.
    var loss: Embeddings.Loss?
    var epoch: Int?, iteration: Int?
    if let m = metadata {
      loss = Embeddings.Loss(kind: m.loss, parameters: m.lossParameters, lambda: m.lambda, marginInForce: m.margin)
      epoch = m.epoch
      iteration = m.iteration
    } else {
      epoch = try arrays["epoch"].map { try scalarInteger($0, array: "epoch", path: path) }
      iteration = try arrays["iteration"].map { try scalarInteger($0, array: "iteration", path: path) }
      if let kindArray = arrays["loss"] {
        guard let text = kindArray.strings?.first, let kind = LossKind(rawValue: text) else {
          throw fail("loss", "expected one of \(LossKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var parameters = LossParameters.defaults(for: kind)
        if let p = arrays["loss_parameters"] {
          guard let json = p.strings?.first else {
            throw fail("loss_parameters", "expected a JSON string such as {\"m\": 0.5, \"s\": 10}")
          }
          do {
            parameters = try JSONDecoder().decode(LossParameters.self, from: Data(json.utf8))
          } catch {
            throw fail(
              "loss_parameters",
              "'\(json.prefix(80))' is not a JSON object of loss parameters such as {\"m\": 0.5, \"s\": 10}")
          }
        }
        let lambda = try arrays["lambda"].map { Double(try floats($0, array: "lambda", path: path).first ?? 0) }
        let margin = try arrays["margin"].map { Double(try floats($0, array: "margin", path: path).first ?? 0) }
        if let lambda, !(lambda.isFinite && lambda >= 0) {
          throw fail("lambda", "is \(lambda); expected a finite number >= 0")
        }
        if let margin, !margin.isFinite { throw fail("margin", "is \(margin); expected a finite number") }
        loss = Embeddings.Loss(kind: kind, parameters: parameters, lambda: lambda, marginInForce: margin)
      }
    }
    if let loss {
      // What the trainer refuses is refused here too: the sector and margin geometry of such
      // parameters is meaningless (s <= 0, an infinite margin) or costly to draw (an L-Softmax m of 1e9).
      let errors = loss.parameters.issues(for: loss.kind, classCount: names.count, featureDimension: d).filter {
        $0.severity == .error
      }
      if !errors.isEmpty {
        throw fail(
          metadata == nil ? "loss_parameters" : nil,
          "the \(loss.kind.rawValue) parameters are ones training refuses: "
            + errors.map(\.description).joined(separator: "; "))
      }
    }
    return Embeddings(
      path: path, dimension: d, splits: splits, classWeights: weights, classBias: bias, alpha: alpha, classNames: names,
      epoch: epoch, iteration: iteration, loss: loss, droppedNonfinite: dropped, metadata: metadata, notes: notes)
  }

  /// The first items of a long list, then how many more.
  public static func listing(_ items: [String], limit: Int = 12) -> String {
    items.count <= limit
      ? items.joined(separator: ", ")
      : items.prefix(limit).joined(separator: ", ") + ", … (\(items.count - limit) more)"
  }

  private static func floats(_ a: NumpyArray, array: String, path: String) throws -> [Float] {
    switch a.values {
    case .float32(let v): return v
    case .float64(let v): return v.map(Float.init)
    case .int32(let v): return v.map(Float.init)
    case .int64(let v): return v.map(Float.init)
    case .uint8(let v): return v.map(Float.init)
    case .strings:
      throw EmbeddingError(path: path, array: array, reason: "holds strings (\(a.descriptor)); expected numbers")
    }
  }

  private static func integers(_ a: NumpyArray, array: String, path: String) throws -> [Int] {
    switch a.values {
    case .uint8(let v): return v.map(Int.init)
    case .int32(let v): return v.map(Int.init)
    case .int64(let v): return v.map(Int.init)
    case .float32, .float64:
      let v = try floats(a, array: array, path: path)
      let limit = Float(largestLabel)
      guard let bad = v.firstIndex(where: { !$0.isFinite || $0 != $0.rounded() || abs($0) > limit }) else {
        return v.map { Int($0) }
      }
      throw EmbeddingError(
        path: path, array: array,
        reason: "holds \(v[bad]) at row \(bad); labels must be integers of at most 2^53 in magnitude")
    case .strings:
      throw EmbeddingError(path: path, array: array, reason: "holds strings (\(a.descriptor)); expected integer labels")
    }
  }

  private static func scalarInteger(_ a: NumpyArray, array: String, path: String) throws -> Int {
    let v = try integers(a, array: array, path: path)
    guard v.count == 1 else {
      throw EmbeddingError(path: path, array: array, reason: "has shape \(a.shape); expected a scalar")
    }
    return v[0]
  }

  private static func rowSplitNames(_ a: NumpyArray, path: String) throws -> [String] {
    if let given = a.strings {
      // Read as the CSV reader reads its split column: either case, and a row in neither split is
      // refused rather than left out of every figure without a word.
      let s = given.map { $0.lowercased() }
      if let row = s.firstIndex(where: { $0 != "train" && $0 != "test" }) {
        throw EmbeddingError(
          path: path, array: "split",
          reason: "holds '\(given[row].prefix(40))' at row \(row); expected 'train' or 'test'")
      }
      return s
    }
    return try integers(a, array: "split", path: path).enumerated().map { row, v in
      guard v == 0 || v == 1 else {
        throw EmbeddingError(
          path: path, array: "split", reason: "holds \(v) at row \(row); expected 0 (train) or 1 (test)")
      }
      return v == 0 ? "train" : "test"
    }
  }

  private static func select(_ a: NumpyArray, rows: [Int]) throws -> NumpyArray {
    let width = a.shape.dropFirst().reduce(1, *)
    func pick<T>(_ v: [T]) -> [T] { rows.flatMap { r in v[(r * width)..<((r + 1) * width)] } }
    let shape = [rows.count] + a.shape.dropFirst()
    switch a.values {
    case .float32(let v): return NumpyArray(shape: shape, values: .float32(pick(v)))
    case .float64(let v): return NumpyArray(shape: shape, values: .float64(pick(v)))
    case .uint8(let v): return NumpyArray(shape: shape, values: .uint8(pick(v)))
    case .int32(let v): return NumpyArray(shape: shape, values: .int32(pick(v)))
    case .int64(let v): return NumpyArray(shape: shape, values: .int64(pick(v)))
    case .strings(let v): return NumpyArray(shape: shape, values: .strings(pick(v)))
    }
  }
}
