import Dispatch
import Checkpoints
import Foundation
import MarginMath
import PlotKit

/// Turns embeddings (from any file, this tool's checkpoints included) into the kit's plain
/// inputs: clouds, class directions, angular sectors from the shared margin math, and truthful
/// labels: accuracies computed from the arrays, the margin and λ in force at the checkpoint.
public enum CheckpointViews {
  public enum SplitChoice: String, CaseIterable, Sendable {
    case train
    case test
  }

  /// The split named `name`, or (for files with one unnamed split) the only one.
  public static func split(_ e: Embeddings, _ name: String) -> Embeddings.Split? {
    e.split(name) ?? (e.splits.count == 1 && !["train", "test"].contains(e.splits[0].name) ? e.splits[0] : nil)
  }

  public static func cloud(_ split: Embeddings.Split, classNames: [String], dimension: Int) -> FeatureCloud {
    let xs = stride(from: 0, to: split.features.count, by: dimension).map { split.features[$0] }
    let ys = stride(from: 1, to: split.features.count, by: dimension).map { split.features[$0] }
    return FeatureCloud(
      xs: xs, ys: ys, labels: split.labels.map { UInt8(truncatingIfNeeded: $0) }, classNames: classNames)
  }

  public static func cloud(_ e: Embeddings, split: Embeddings.Split) -> FeatureCloud {
    cloud(split, classNames: e.classNames, dimension: e.dimension)
  }

  /// The class weight vectors as directions; empty without class weights.
  public static func directions(_ e: Embeddings) -> [Point] {
    (e.directions ?? []).map { Point(x: $0.x, y: $0.y) }
  }

  /// Label-free decision regions and margin zones of every class under the rule in force (for an
  /// unknown loss: argmax W x + b, no margin zones). Empty without class weights.
  public static func sectors(_ e: Embeddings, includingMarginZones: Bool = true) -> [AngularSector] {
    guard e.dimension == 2, let dirs = e.directions else { return [] }
    let weights = dirs.map { Point2(x: $0.x, y: $0.y) }
    let biases = e.classBias.map { $0.map(Double.init) }
    let rule = e.rule ?? MarginRule(kind: .softmax, parameters: LossParameters(), iteration: 0)
    // With a bias the regions depend on ‖x‖; draw them at the test features' mean norm.
    let reference = split(e, "test") ?? e.splits[0]
    let norm = meanNorm(reference, dimension: e.dimension)
    let classes = classSectors(weights: weights, biases: biases, rule: rule, featureNorm: max(norm, 1e-6))
    var sectors: [AngularSector] = []
    for entry in classes {
      sectors += entry.decision.map {
        AngularSector(start: $0.start, end: $0.end, classIndex: entry.classIndex, kind: .decisionRegion)
      }
      if includingMarginZones {
        sectors += entry.marginZones.map {
          AngularSector(start: $0.start, end: $0.end, classIndex: entry.classIndex, kind: .marginZone)
        }
      }
    }
    return sectors
  }

  /// `SectorGeometry.sectors` (the same scan, the same bisection, the same logits, so the same
  /// bits), in time linear in the class count rather than quadratic: at the scan angles every
  /// class's label-free logit is computed once, with the largest and second-largest per angle, so a
  /// class's gap there is one subtraction; only the bisection steps evaluate every class. Classes
  /// are split across two threads. 100 classes took 6.2 s through `SectorGeometry.sectors`.
  static func classSectors(
    weights: [Point2], biases: [Double]?, rule: MarginRule, featureNorm: Double,
    samples: Int = SectorGeometry.defaultSamples
  ) -> [(classIndex: Int, decision: [AngularInterval], marginZones: [AngularInterval])] {
    let c = weights.count
    let rows = weights.map { [$0.x, $0.y] }
    let weightNorms = rows.map(Norms.guarded)
    func feature(_ phi: Double) -> [Double] { [featureNorm * cos(phi), featureNorm * sin(phi)] }
    // MarginRule.logit term by term: the dot product summed in the same order from 0.
    func logit(_ x: [Double], _ xNorm: Double, _ j: Int, target: Bool) -> Double {
      let dot = zip(x, rows[j]).reduce(0) { $0 + $1.0 * $1.1 }
      return rule.logitTerms(
        dot: dot, featureNorm: xNorm, weightNorm: weightNorms[j], bias: biases?[j] ?? 0, isTarget: target
      ).value
    }
    // The scan angles exactly as `SectorGeometry.intervals` computes them.
    let step = 2 * Double.pi / Double(samples)
    let angles = (0..<samples).map { -Double.pi + Double($0) * step }
    var table = [Double](repeating: 0, count: samples * c)
    var top = [Double](repeating: -.infinity, count: samples), second = top
    var topIndex = [Int](repeating: -1, count: samples)
    for i in 0..<samples {
      let x = feature(angles[i]), xNorm = Norms.guarded(x)
      for j in 0..<c {
        let z = logit(x, xNorm, j, target: false)
        table[i * c + j] = z
        if z > top[i] {
          second[i] = top[i]
          top[i] = z
          topIndex[i] = j
        } else if z > second[i] {
          second[i] = z
        }
      }
    }
    func scanIndex(_ phi: Double) -> Int? {
      let i = Int(((phi + Double.pi) / step).rounded())
      return i >= 0 && i < samples && angles[i] == phi ? i : nil
    }
    /// z_y (or the margin logit f_y) minus the largest other label-free logit.
    func gap(_ phi: Double, _ y: Int, margin: Bool) -> Double {
      let x = feature(phi), xNorm = Norms.guarded(x)
      if let i = scanIndex(phi), topIndex[i] >= 0 {
        let best = topIndex[i] == y ? second[i] : top[i]
        return (margin ? logit(x, xNorm, y, target: true) : table[i * c + y]) - best
      }
      var best = -Double.infinity
      for j in 0..<c where j != y { best = max(best, logit(x, xNorm, j, target: false)) }
      return logit(x, xNorm, y, target: margin) - best
    }
    typealias Entry = (classIndex: Int, decision: [AngularInterval], marginZones: [AngularInterval])
    struct Slots: @unchecked Sendable {
      // Unchecked: each class's slot is written by exactly one thread, and read after both finish.
      let base: UnsafeMutablePointer<Entry>
    }
    let slots = Slots(base: .allocate(capacity: c))
    slots.base.initialize(repeating: (0, [], []), count: c)
    defer {
      slots.base.deinitialize(count: c)
      slots.base.deallocate()
    }
    let parts = c >= 8 ? 2 : 1
    nonisolated(unsafe) let scan = gap
    DispatchQueue.concurrentPerform(iterations: parts) { k in
      for y in stride(from: k, to: c, by: parts) {
        let decision = SectorGeometry.intervals(where: { scan($0, y, false) }, samples: samples)
        let zones = SectorGeometry.intervals(
          where: { min(scan($0, y, false), -scan($0, y, true)) }, samples: samples)
        slots.base[y] = (y, decision, zones)
      }
    }
    return Array(UnsafeBufferPointer(start: slots.base, count: c))
  }

  static func meanNorm(_ split: Embeddings.Split, dimension d: Int) -> Double {
    guard split.count > 0 else { return 0 }
    var sum = 0.0
    for i in 0..<split.count {
      var s = 0.0
      for k in 0..<d { s += Double(split.features[i * d + k]) * Double(split.features[i * d + k]) }
      sum += s.squareRoot()
    }
    return sum / Double(split.count)
  }

  static func number(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e6 ? String(Int(x)) : String(format: "%.3g", x)
  }

  /// The loss and its margin, as in force at the checkpoint: "m=1, Softmax", "m=3",
  /// "ArcFace, m=0.0465 (configured 0.5)". CosFace and AM-Softmax are one loss (cos θ − m) and
  /// are labelled alike. `nil` when the file names no loss.
  public static func lossLabel(_ e: Embeddings) -> String? {
    guard let loss = e.loss else { return nil }
    let p = loss.parameters
    func margin(_ configured: Double) -> String {
      guard let now = loss.marginInForce, abs(now - configured) > 1e-9 * max(1, abs(configured)) else {
        return "m=\(number(configured))"
      }
      return "m=\(number(now)) (configured \(number(configured)))"
    }
    switch loss.kind {
    case .lSoftmax: return p.m == 1 ? "m=1, Softmax" : "m=\(number(p.m))"
    case .aSoftmax: return "A-Softmax, m=\(number(p.m))"
    case .softmax: return "Softmax"
    case .weightedSoftmax: return "Weighted Softmax"
    case .modifiedSoftmax: return "Modified Softmax"
    case .l2Softmax: return "L2-Softmax, α=\(number(e.alpha.map(Double.init) ?? p.alpha))"
    case .normFace: return "NormFace, s=\(number(p.s))"
    case .amSoftmax, .cosFace: return "CosFace/AM, \(margin(p.m))"
    case .arcFace: return "ArcFace, \(margin(p.m))"
    case .combined: return "Combined (\(number(p.m1)), \(number(p.m2)), \(number(p.m3)))"
    }
  }

  /// "λ=12.3" for losses that anneal λ (the stored value; the schedule's floor, where it ends,
  /// beside it when it differs), `nil` otherwise.
  public static func lambdaNote(_ e: Embeddings) -> String? {
    guard let loss = e.loss, loss.kind.usesLambda, let rule = e.rule, rule.transform != .identity else { return nil }
    let final = loss.parameters.lambda.minimum
    let now = rule.lambda
    // A disabled schedule (λ = 0 throughout) says nothing worth a label.
    if now == 0 && loss.parameters.lambda == .disabled { return nil }
    return abs(now - final) > 1e-9 * max(1, final) ? "λ=\(number(now)) (→ \(number(final)))" : "λ=\(number(now))"
  }

  /// The loss label with λ, or the file's name when no loss is given.
  public static func panelLabel(_ e: Embeddings) -> String {
    [lossLabel(e) ?? e.label, lambdaNote(e)].compactMap { $0 }.joined(separator: ", ")
  }

  /// "Testing Accuracy: 98.45%" computed from the arrays, or why it cannot be.
  public static func accuracyLine(_ e: Embeddings, split: Embeddings.Split) -> String {
    let name = split.name == "train" ? "Training " : split.name == "test" ? "Testing " : ""
    guard let a = e.recordedAccuracy(of: split) else { return "\(name)Accuracy: none (no class weights)" }
    let among = e.selectedFromClassCount.map { " (among the \(e.classCount) of \($0) classes drawn)" } ?? ""
    return String(format: "%@Accuracy: %.2f%%", name, 100 * a) + among
  }

  /// "epoch 3" when the file gives one.
  public static func epochNote(_ e: Embeddings) -> String? { e.epoch.map { "epoch \($0)" } }

  /// Whether the epochs differ across `all`, so each panel title must name its own.
  public static func epochsDiffer(_ all: [Embeddings]) -> Bool { Set(all.map(\.epoch)).count > 1 }

  /// Caption lines naming what a figure was drawn from.
  /// The palette a figure of `classNames` draws its classes with (``Palette/forClasses(_:)``), and,
  /// above ``Palette/distinctClassLimit`` classes, the colour bar that replaces the legend and the
  /// caption line that says why.
  public static func classColors(_ palette: Palette, classNames: [String]) -> (
    palette: Palette, colorBar: ColorBar?, note: (key: String, value: String)?
  ) {
    let resolved = palette.forClasses(classNames.count)
    guard resolved.isContinuous else { return (resolved, nil, nil) }
    return (
      resolved, ColorBar(colors: resolved.colors, labels: classNames),
      (
        "colours",
        "\(classNames.count) classes on a continuous map in class order, read on the colour bar (past \(Palette.distinctClassLimit), colours alone cannot tell classes apart)"
      )
    )
  }

  public static func caption(_ all: [Embeddings]) -> [(key: String, value: String)] {
    let runs = all.map(\.label)
    var lines: [(key: String, value: String)] = [
      ("data", runs.count > 3 ? "\(runs[0]) … \(runs[runs.count - 1]) (\(runs.count))" : runs.joined(separator: ", "))
    ]
    let epochs = Set(all.compactMap(\.epoch)).sorted().map(String.init)
    if !epochs.isEmpty { lines.append(("epoch", epochs.joined(separator: ","))) }
    let metadata = all.compactMap(\.metadata)
    if !metadata.isEmpty {
      // Every distinct value, in panel order: runs trained by different code versions (or on
      // different data) must say so under the figure, not only in its provenance file.
      func distinct(_ values: [String]) -> String {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }.joined(separator: ",")
      }
      lines.append(("seed", Set(metadata.map(\.seed)).sorted().map(String.init).joined(separator: ",")))
      lines += [
        ("profile", distinct(metadata.map(\.profile))),
        ("dataset", distinct(metadata.map { "\($0.dataset.name) \($0.dataset.checksum.prefix(12))" })),
        ("code", distinct(metadata.map(\.codeVersion))),
      ]
    }
    if all.contains(where: { $0.classWeights == nil }) {
      lines.append(("note", "no class weights: no accuracy, no sectors"))
    }
    let dropped = all.map(\.droppedNonfinite).reduce(0, +)
    if dropped > 0 { lines.append(("dropped", "\(dropped) non-finite rows")) }
    return lines
  }

  /// What is written next to every figure: where each panel's data came from, what was computed
  /// from it, and every option the figure was drawn with.
  public static func provenance(_ all: [Embeddings], options: [String: JSONValue] = [:]) -> Data {
    let entries: [JSONValue] = all.map { e in
      var object: [String: JSONValue] = ["file": .string(e.path), "dimension": .number(Double(e.dimension))]
      if let train = e.pairedTrainPath { object["trainFile"] = .string(train) }
      object["classNames"] = .array(e.classNames.map(JSONValue.string))
      if !e.notes.isEmpty { object["notes"] = .array(e.notes.map(JSONValue.string)) }
      if let epoch = e.epoch { object["epoch"] = .number(Double(epoch)) }
      if let iteration = e.iteration { object["iteration"] = .number(Double(iteration)) }
      if let loss = e.loss { object["loss"] = .string(loss.kind.rawValue) }
      if let rule = e.rule, e.loss?.kind.usesLambda == true { object["lambdaInForce"] = .number(rule.lambda) }
      if let margin = e.loss?.marginInForce { object["marginInForce"] = .number(margin) }
      var computed: [String: JSONValue] = [:]
      for s in e.splits {
        computed[s.name] = .object([
          "count": .number(Double(s.count)),
          "accuracy": e.recordedAccuracy(of: s).map(JSONValue.number) ?? .null,
        ])
      }
      object["computed"] = .object(computed)
      if e.droppedNonfinite > 0 { object["droppedNonfiniteRows"] = .number(Double(e.droppedNonfinite)) }
      if let m = e.metadata {
        object["experiment"] = .string(m.experiment)
        object["run"] = .string(m.run)
        object["profile"] = .string(m.profile)
        object["seed"] = .number(Double(m.seed))
        object["datasetChecksum"] = .string(m.dataset.checksum)
        object["codeVersion"] = .string(m.codeVersion)
        object["configuration"] = m.configuration
      }
      return .object(object)
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return (try? encoder.encode(JSONValue.object(["panels": .array(entries), "options": .object(options)]))) ?? Data()
  }
}
