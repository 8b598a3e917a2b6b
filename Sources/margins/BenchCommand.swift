import ArgumentParser
import Engine
import Foundation

/// `margins bench`: training and inference throughput and peak memory per network, beside the
/// PyTorch anchor measured on the same 2-core machine.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Measure training/inference throughput and peak memory of the engine's networks.")

  @Option(help: "Network to measure (\(Architecture.allCases.map(\.rawValue).joined(separator: ", ")), or all).")
  var network: String = "all"

  @Option(help: "Images per batch.")
  var batchSize: Int = 256

  @Option(help: "Timed iterations per repetition (default: 3 for lenetpp, 20 for compact and anchor-cnn, 150 for mlp).")
  var iterations: Int?

  @Option(help: "Untimed iterations before timing.")
  var warmup: Int = 2

  @Option(help: "Timed repetitions per measurement; the best is reported (other processes only ever slow a run down).")
  var repeats: Int = 3

  @Option(
    help: ArgumentHelp(
      "Thread setting: 'auto' (each network's measured best), or WORKERSxBLAS, "
        + "e.g. 2x1 (batch split over 2 workers, 1 BLAS thread) or 1x2.",
      valueName: "setting"))
  var threads: String = "auto"

  func validate() throws {
    if network != "all" && Architecture(rawValue: network) == nil {
      throw ValidationError("unknown network '\(network)'")
    }
    if batchSize < 2 { throw ValidationError("--batch-size must be at least 2") }
    if let iterations, iterations < 1 { throw ValidationError("--iterations must be positive") }
    if warmup < 0 { throw ValidationError("--warmup must be non-negative") }
    if repeats < 1 { throw ValidationError("--repeats must be positive") }
    if threads != "auto" && ThreadSetting(threads) == nil {
      throw ValidationError("--threads must be 'auto' or WORKERSxBLAS like 2x1")
    }
  }

  func run() throws {
    let architectures =
      network == "all" ? Architecture.allCases : Architecture.allCases.filter { $0.rawValue == network }
    print("OpenBLAS core: \(BLAS.coreName) (set OPENBLAS_CORETYPE to override), batch \(batchSize)")
    if BLAS.coreName == "Haswell" || BLAS.coreName == "Zen", Self.cpuHasAVX512 {
      print("note: this CPU has AVX-512; OPENBLAS_CORETYPE=SkylakeX about doubles sgemm speed")
    }
    var trainingRates: [Architecture: Double] = [:]
    print(
      pad("network", 11) + pad("threads", 8, right: true) + pad("train img/s", 13, right: true)
        + pad("infer img/s", 13, right: true) + pad("peak MB", 9, right: true) + pad("PyTorch", 9, right: true)
        + pad("ratio", 7, right: true))
    for architecture in architectures {
      let setting = threads == "auto" ? ThreadSetting.best(for: architecture) : ThreadSetting(threads)
      guard let setting else { continue }
      Threading.configure(workers: setting.workers, blasThreads: setting.blasThreads)
      let isolatedPeak = Benchmark.resetPeakResident()
      let net = Network(configuration: NetworkConfiguration(architecture: architecture), seed: 1701)
      let count = iterations ?? ThreadSetting.defaultIterations(for: architecture)
      // Warm-up only before the first repetition: later ones run on warm caches and buffers.
      let train =
        (0..<repeats).map { repetition in
          Benchmark.trainingThroughput(
            network: net, batchSize: batchSize, iterations: count, warmup: repetition == 0 ? warmup : 0)
        }.max() ?? 0
      let infer =
        (0..<repeats).map { repetition in
          Benchmark.inferenceThroughput(
            network: net, batchSize: batchSize, iterations: count, warmup: repetition == 0 ? warmup : 0)
        }.max() ?? 0
      let peak =
        Benchmark.peakResidentBytes().map { String(format: "%.0f", Double($0) / 1_048_576) + (isolatedPeak ? "" : "*") }
        ?? "n/a"
      trainingRates[architecture] = train
      let anchor = ThreadSetting.pyTorchAnchor(for: architecture)
      print(
        pad(architecture.rawValue, 11) + pad(setting.description, 8, right: true)
          + pad(String(format: "%.0f", train), 13, right: true) + pad(String(format: "%.0f", infer), 13, right: true)
          + pad(peak, 9, right: true) + pad(anchor.map { String(format: "%.0f", $0) } ?? "-", 9, right: true)
          + pad(anchor.map { String(format: "%.2fx", train / $0) } ?? "-", 7, right: true))
    }
    if let compact = trainingRates[.compact], let lenet = trainingRates[.lenetpp] {
      print("compact trains \(String(format: "%.1f", compact / lenet))x faster than lenetpp")
    }
    print("best of \(repeats) timed runs per cell; training = forward + backward + SGD momentum step.")
    print("peak MB: VmHWM of the process, reset before each network (* = reset unsupported, cumulative).")
  }

  /// Whether /proc/cpuinfo lists the avx512f flag (false where the file does not exist).
  private static var cpuHasAVX512: Bool {
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
    return info.split(separator: "\n").contains { $0.hasPrefix("flags") && $0.contains(" avx512f ") }
  }

  private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return right ? fill + text : text + fill
  }
}

/// A batch-split worker count and an OpenBLAS thread count.
struct ThreadSetting: CustomStringConvertible {
  var workers: Int
  var blasThreads: Int

  init(workers: Int, blasThreads: Int) {
    self.workers = workers
    self.blasThreads = blasThreads
  }

  /// Parses `WORKERSxBLAS`.
  init?(_ text: String) {
    let parts = text.split(separator: "x")
    guard parts.count == 2, let workers = Int(parts[0]), let blas = Int(parts[1]), workers >= 1, blas >= 1 else {
      return nil
    }
    self.init(workers: workers, blasThreads: blas)
  }

  var description: String { "\(workers)x\(blasThreads)" }

  /// The setting that measured fastest for training on the 2-core machine: splitting the batch
  /// over 2 workers with single-threaded BLAS beat one worker with 2 BLAS threads for every
  /// network, by 1.3x (LeNet++) to 1.6x (compact) (see Sources/Engine/README.md).
  static func best(for architecture: Architecture) -> ThreadSetting {
    ThreadSetting(workers: 2, blasThreads: 1)
  }

  static func defaultIterations(for architecture: Architecture) -> Int {
    switch architecture {
    case .lenetpp: 3
    case .compact, .anchorCNN: 20
    case .mlp: 150
    }
  }

  /// PyTorch's training throughput on the same machine, batch 256, SGD with momentum (issue 3).
  static func pyTorchAnchor(for architecture: Architecture) -> Double? {
    switch architecture {
    case .lenetpp: 205
    case .anchorCNN: 2_000
    case .mlp: 40_000
    case .compact: nil
    }
  }
}
