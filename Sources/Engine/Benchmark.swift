import Foundation

/// Throughput and memory measurements for `margins bench`.
public enum Benchmark {
  /// Images per second of `iterations` timed training steps (forward, a stand-in loss gradient,
  /// backward, SGD momentum step) after `warmup` untimed ones, on a random batch.
  public static func trainingThroughput(
    network: Network, batchSize: Int, iterations: Int, warmup: Int, seed: UInt64 = 1701
  ) -> Double {
    let input = randomBatch(batchSize: batchSize, seed: seed)
    let optimizer = SGD(momentum: 0.9, weightDecay: 5e-4)
    let parameters = network.parameters
    func step() {
      network.zeroGradients()
      let features = network.forward(input, mode: .training)
      // dL/dfeatures of L = ½‖features‖² / N: a real gradient through every layer at no extra cost.
      var gradient = features
      let scale = 1 / Float(batchSize)
      gradient.withUnsafeMutablePointer { g in for i in 0..<features.count { g[i] *= scale } }
      _ = network.backward(gradient)
      optimizer.step(parameters, learningRate: 1e-4)
    }
    for _ in 0..<warmup { step() }
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<iterations { step() }
    return Double(batchSize * iterations) / seconds(since: start)
  }

  /// Images per second of evaluation-mode forward passes.
  public static func inferenceThroughput(
    network: Network, batchSize: Int, iterations: Int, warmup: Int, seed: UInt64 = 1701
  ) -> Double {
    let input = randomBatch(batchSize: batchSize, seed: seed)
    for _ in 0..<warmup { _ = network.forward(input, mode: .evaluation) }
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<iterations { _ = network.forward(input, mode: .evaluation) }
    return Double(batchSize * iterations) / seconds(since: start)
  }

  /// The process's peak resident set size in bytes (`VmHWM` of `/proc/self/status`), or nil
  /// where that file does not exist.
  public static func peakResidentBytes() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      if fields.count >= 2, let kilobytes = Int(fields[1]) { return kilobytes * 1024 }
    }
    return nil
  }

  /// Resets the peak resident set size to the current one (Linux ≥ 4.0: writing 5 to
  /// `/proc/self/clear_refs`), so the next `peakResidentBytes()` covers only what follows.
  /// - Returns: whether the kernel accepted the reset.
  @discardableResult
  public static func resetPeakResident() -> Bool {
    guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
    defer { try? handle.close() }
    do {
      try handle.write(contentsOf: Data("5".utf8))
      return true
    } catch {
      return false
    }
  }

  /// One line naming what a measurement ran on: CPU model, its widest vector ISA, cores, and the
  /// kernel ISA and thread setting the engine uses (from `/proc/cpuinfo`; "unknown" elsewhere).
  public static var machine: String {
    let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let lines = info.split(separator: "\n")
    func field(_ name: String) -> String? {
      lines.first { $0.hasPrefix(name) }.flatMap { $0.split(separator: ":", maxSplits: 1).last }
        .map { $0.trimmingCharacters(in: .whitespaces) }
    }
    let flags = Set((field("flags") ?? "").split(separator: " ").map(String.init))
    let cpuISA = ["amx_tile", "avx512f", "avx2", "avx", "sse4_1"].filter { flags.contains($0) }.joined(separator: "+")
    return "machine: \(field("model name") ?? "unknown CPU"), \(ProcessInfo.processInfo.activeProcessorCount) cores, "
      + "ISA: \(cpuISA.isEmpty ? "unknown" : cpuISA); kernel ISA \(Kernels.isa), "
      + "\(Threading.workerCount) workers x \(Threading.kernelThreadCount) kernel threads"
  }

  private static func randomBatch(batchSize: Int, seed: UInt64) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    var input = Tensor(zeros: [batchSize] + Network.itemShape)
    for i in 0..<input.count { input[i] = generator.nextUniform() }
    return input
  }

  private static func seconds(since start: UInt64) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  }
}
