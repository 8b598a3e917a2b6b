import ArgumentParser
import Engine
import Foundation

/// `margins-bench engine`: training and inference throughput and peak memory per network, measured
/// in this run on this machine. Also answers to `bench`, the name the side-by-side comparison with
/// PyTorch calls (`compare.sh BINARY`: docs/benchmarks.md#commands).
struct EngineBenchmarkCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "engine",
    abstract: "Measure training/inference throughput and peak memory of the engine's networks.",
    aliases: ["bench"])

  @Option(help: "Network to measure, by name (case-insensitive).")
  var network: NetworkChoice = .all

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
      "What to time: training steps, inference passes or both (one alone keeps a kernel trace, "
        + "DNNL_VERBOSE=1, to that phase).", valueName: "phase"))
  var phase: Phase = .both

  @Option(
    help: ArgumentHelp(
      "Thread setting WORKERSxKERNEL, e.g. 2x1 (batch split over 2 workers, 1 oneDNN thread each) or 1x2; "
        + "default: the engine's fastest (\(ThreadSetting.fastest)).",
      valueName: "setting"))
  var threads: ThreadSetting = .fastest

  func validate() throws {
    if batchSize < 2 { throw ValidationError("--batch-size must be at least 2") }
    if let iterations, iterations < 1 { throw ValidationError("--iterations must be positive") }
    if warmup < 0 { throw ValidationError("--warmup must be non-negative") }
    if repeats < 1 { throw ValidationError("--repeats must be positive") }
  }

  func run() throws {
    Threading.configure(kernelThreads: threads.kernelThreads)
    print(EngineBenchmark.machine(workers: threads.workers) + ", batch \(batchSize)")
    var trainingRates: [Architecture: Double] = [:]
    var inferenceRates: [(Architecture, Double)] = []
    print(
      pad("network", 11) + pad("threads", 8, right: true) + pad("train img/s", 13, right: true)
        + pad("infer img/s", 13, right: true) + pad("peak MB", 9, right: true) + pad("iterations", 12, right: true))
    for architecture in network.architectures {
      let isolatedPeak = EngineBenchmark.resetPeakResident()
      let net = Network(
        configuration: NetworkConfiguration(architecture: architecture), seed: 1701, workers: threads.workers)
      let count = iterations ?? Self.defaultIterations(for: architecture)
      // Warm-up only before the first repetition: later ones run on warm caches and buffers.
      func best(_ rate: (_ warmup: Int) -> Double) -> Double {
        (0..<repeats).map { rate($0 == 0 ? warmup : 0) }.max() ?? 0
      }
      let train =
        phase.timesTraining
        ? best {
          EngineBenchmark.trainingThroughput(network: net, batchSize: batchSize, iterations: count, warmup: $0)
        } : nil
      let infer =
        phase.timesInference
        ? best {
          EngineBenchmark.inferenceThroughput(network: net, batchSize: batchSize, iterations: count, warmup: $0)
        } : nil
      let peak =
        EngineBenchmark.peakResidentBytes().map {
          String(format: "%.0f", Double($0) / 1_048_576) + (isolatedPeak ? "" : "*")
        }
        ?? "n/a"
      trainingRates[architecture] = train
      if let infer { inferenceRates.append((architecture, infer)) }
      let rate = { (value: Double?) in value.map { String(format: "%.0f", $0) } ?? "-" }
      print(
        pad(architecture.rawValue, 11) + pad(threads.description, 8, right: true)
          + pad(rate(train), 13, right: true) + pad(rate(infer), 13, right: true) + pad(peak, 9, right: true)
          + pad("\(count)", 12, right: true))
    }
    if phase.timesTraining { printTrainingLimits(trainingRates) }
    if phase.timesInference {
      for (architecture, rate) in inferenceRates { printGemmBound(of: architecture, measured: rate, inference: true) }
    }
    let timed = [
      phase.timesTraining ? "training = forward + backward + SGD momentum step" : nil,
      phase.timesInference ? "inference = evaluation-mode forward" : nil,
    ]
    print(
      "best of \(repeats) timed runs of the iterations shown per cell; "
        + timed.compactMap { $0 }.joined(separator: "; ") + ".")
    print("peak MB: VmHWM of the process, reset before each network (* = reset unsupported, cumulative).")
  }

  /// The machine's limit, measured in this run (sgemm on all cores the setting uses), and each
  /// network's training rate as a share of it.
  private func printTrainingLimits(_ trainingRates: [Architecture: Double]) {
    let threadCount = threads.workers * threads.kernelThreads
    let sgemm = EngineBenchmark.sgemmRate(threads: threadCount)
    print(
      String(
        format: "sgemm: %.1f GFLOPS (dnnl_sgemm 1024x1024x1024, %d threads, best of 5, this run)", sgemm / 1e9,
        threadCount))
    for architecture in network.architectures {
      guard let rate = trainingRates[architecture] else { continue }
      let work = EngineBenchmark.convolutionWork(
        of: Network(configuration: NetworkConfiguration(architecture: architecture), seed: 1701))
      let flops = work.flops
      print(
        String(
          format:
            "%@ training: %.1f MFLOP/img (conv + linear), so sgemm's rate allows %.0f img/s; measured %.0f = %.0f %%",
          architecture.rawValue, flops / 1e6, sgemm / flops, rate, 100 * rate * flops / sgemm)
          + (work.winograd == 0
            ? ""
            : " (\(work.winograd) of \(work.convolutions) convolutions ran Winograd's F(2x2, 5x5), which does 36 of"
              + " every 100 multiplications counted in the passes it runs)"))
      printGemmBound(of: architecture, measured: rate)
    }
    if let compact = trainingRates[.compact], let lenet = trainingRates[.lenetpp] {
      print("compact trains \(String(format: "%.1f", compact / lenet))x faster than lenetpp")
    }
  }

  /// For a network whose work is all `gemm`, the rate its own calls alone allow on this machine
  /// (a tighter ceiling than the 1024³ sgemm's for small shapes).
  private func printGemmBound(of architecture: Architecture, measured rate: Double, inference: Bool = false) {
    let net = Network(
      configuration: NetworkConfiguration(architecture: architecture), seed: 1701, workers: threads.workers)
    let count = iterations ?? Self.defaultIterations(for: architecture)
    guard
      let bound = EngineBenchmark.gemmBound(
        of: net, batchSize: batchSize, iterations: count, repeats: repeats, inference: inference)
    else {
      // No bound: convolutions, or (in inference) wide Linear layers that evaluated by the 1×1 kernel.
      let convolutionLayers = net.body.layers.compactMap { $0 as? Linear }.filter(\.evaluatesByConvolution)
      if inference && !convolutionLayers.isEmpty {
        let sizes = convolutionLayers.map { "\($0.inFeatures) -> \($0.outFeatures)" }.joined(separator: ", ")
        print(
          "\(architecture.rawValue) inference: its \(sizes) layers ran as oneDNN's 1x1 convolution kernel"
            + " (\(Kernels.isa); LinearConvolution), so no gemm bound is given")
      }
      return
    }
    guard !inference else {
      print(
        String(
          format: "%@ inference: its own gemm calls alone allow %.0f img/s in one pass per forward "
            + "(as the engine runs them; measured %.0f = %.0f %%)",
          architecture.rawValue, bound.joined, rate, 100 * rate / bound.joined))
      return
    }
    print(
      String(
        format: "%@ training: its own gemm calls alone allow %.0f img/s joined after every layer pass "
          + "(as the engine runs them; measured %.0f = %.0f %%), %.0f img/s free-running",
        architecture.rawValue, bound.joined, rate, 100 * rate / bound.joined, bound.freeRunning))
  }

  static func defaultIterations(for architecture: Architecture) -> Int {
    switch architecture {
    case .lenetpp: 3
    case .compact, .anchorCNN: 20
    case .mlp: 150
    }
  }

  private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return right ? fill + text : text + fill
  }
}

/// Which phases `margins-bench engine` times.
enum Phase: String, ExpressibleByArgument, CaseIterable {
  case both, training, inference

  var timesTraining: Bool { self != .inference }
  var timesInference: Bool { self != .training }
}

/// Which networks `margins-bench engine` measures: one by name (case-insensitive) or all.
enum NetworkChoice: ExpressibleByArgument, Equatable {
  case all
  case one(Architecture)

  init?(argument: String) {
    let name = argument.lowercased()
    if name == "all" {
      self = .all
    } else if let architecture = Architecture.allCases.first(where: { $0.rawValue.lowercased() == name }) {
      self = .one(architecture)
    } else {
      return nil
    }
  }

  static var allValueStrings: [String] { Architecture.allCases.map(\.rawValue) + ["all"] }

  var defaultValueDescription: String { self == .all ? "all" : architectures[0].rawValue }

  var architectures: [Architecture] {
    switch self {
    case .all: Architecture.allCases
    case .one(let architecture): [architecture]
    }
  }
}

/// A batch-split worker count and a per-call oneDNN thread count, written `WORKERSxKERNEL`.
struct ThreadSetting: ExpressibleByArgument, CustomStringConvertible {
  var workers: Int
  var kernelThreads: Int

  /// The engine's default, the setting that measured fastest (`Threading.fastest`).
  static let fastest = ThreadSetting(workers: Threading.fastest.workers, kernelThreads: Threading.fastest.kernelThreads)

  init(workers: Int, kernelThreads: Int) {
    self.workers = workers
    self.kernelThreads = kernelThreads
  }

  init?(argument: String) {
    let parts = argument.lowercased().split(separator: "x")
    guard parts.count == 2, let workers = Int(parts[0]), let kernel = Int(parts[1]),
      (1...64).contains(workers), (1...64).contains(kernel)
    else { return nil }
    self.init(workers: workers, kernelThreads: kernel)
  }

  var description: String { "\(workers)x\(kernelThreads)" }
  var defaultValueDescription: String { description }
}
