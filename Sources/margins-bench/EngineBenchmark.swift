import CDNNL
import Engine
import Foundation
import Randomness

/// Throughput and memory measurements of the engine's networks (`margins-bench engine`).
enum EngineBenchmark {
  /// Images per second of `iterations` timed training steps (forward, a stand-in loss gradient,
  /// backward, SGD momentum step) after `warmup` untimed ones, on a random batch.
  static func trainingThroughput(
    network: Network, batchSize: Int, iterations: Int, warmup: Int, seed: UInt64 = 1701
  ) -> Double {
    let input = randomBatch(batchSize: batchSize, seed: seed)
    let optimizer = SGD(momentum: 0.9, weightDecay: 5e-4, workers: network.workers)
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
  static func inferenceThroughput(
    network: Network, batchSize: Int, iterations: Int, warmup: Int, seed: UInt64 = 1701
  ) -> Double {
    let input = randomBatch(batchSize: batchSize, seed: seed)
    for _ in 0..<warmup { _ = network.forward(input, mode: .evaluation) }
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<iterations { _ = network.forward(input, mode: .evaluation) }
    return Double(batchSize * iterations) / seconds(since: start)
  }

  /// Multiply-add FLOPs (2 per multiply-add) of one training step per image: the forward pass of
  /// every convolution and Linear layer, plus the same again for the weight gradient and, where
  /// the layer propagates it, for the input gradient. Counted from the layer shapes by running one
  /// evaluation forward on a single image.
  static func trainingFLOPsPerImage(of network: Network) -> Double {
    convolutionWork(of: network).flops
  }

  /// `trainingFLOPsPerImage`, and how many of the network's convolutions run as Winograd's
  /// F(2×2, 5×5) in this process (it does 36 of every 100 multiplications counted in the passes it
  /// runs, so the rate can pass what sgemm's rate allows).
  static func convolutionWork(of network: Network) -> (flops: Double, winograd: Int, convolutions: Int) {
    var x = Tensor(zeros: [1] + Network.itemShape)
    var flops = 0.0
    var (winograd, convolutions) = (0, 0)
    for layer in network.body.layers {
      let y = layer.forward(x, mode: .evaluation)
      let passes: (forward: Double, backward: Double)
      switch layer {
      case let conv as Conv2D:
        let multiplyAdds = Double(y.count * conv.inChannels * conv.kernel * conv.kernel)
        passes = (2 * multiplyAdds, 2 * multiplyAdds * (conv.propagatesInputGradient ? 2 : 1))
        convolutions += 1
        if conv.lastForwardRanWinograd { winograd += 1 }
      case let linear as Linear:
        let multiplyAdds = Double(linear.inFeatures * linear.outFeatures)
        passes = (2 * multiplyAdds, 2 * multiplyAdds * (linear.propagatesInputGradient ? 2 : 1))
      default:
        passes = (0, 0)
      }
      flops += passes.forward + passes.backward
      x = y
    }
    return (flops, winograd, convolutions)
  }

  /// The best sgemm rate (FLOP/s) of oneDNN's `dnnl_sgemm` on `threads` threads, for square
  /// `size`-wide matrices, best of `repeats` calls after one untimed call: the machine's limit
  /// that `margins-bench engine` relates the training rate to.
  static func sgemmRate(threads: Int, size: Int = 1024, repeats: Int = 5) -> Double {
    var generator = SeededGenerator(seed: 1703)
    let a = (0..<(size * size)).map { _ in generator.nextUniform() }
    let b = (0..<(size * size)).map { _ in generator.nextUniform() }
    var c = [Float](repeating: 0, count: size * size)
    omp_set_num_threads(Int32(threads))
    defer { omp_set_num_threads(Int32(Threading.kernelThreadCount)) }
    let n = Int64(size)
    var best = Double.infinity
    for repetition in 0...repeats {
      let start = DispatchTime.now().uptimeNanoseconds
      let status = dnnl_sgemm(78, 78, n, n, n, 1, a, n, b, n, 0, &c, n)
      precondition(status == dnnl_success, "dnnl_sgemm failed with status \(status.rawValue) in the sgemm benchmark")
      if repetition > 0 { best = min(best, seconds(since: start)) }
    }
    return 2 * Double(size * size * size) / best
  }

  /// The process's peak resident set size in bytes (`VmHWM` of `/proc/self/status`), or nil
  /// where that file does not exist.
  static func peakResidentBytes() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      if fields.count >= 2, let kilobytes = Int(fields[1]) { return kilobytes * 1024 }
    }
    return nil
  }

  /// Resets the peak resident set size to the current one (Linux ≥ 4.0: writing 5 to
  /// `/proc/self/clear_refs`), so the next `peakResidentBytes()` covers only what follows.
  ///
  /// The heap is trimmed first: the engine keeps freed activations in it (`Kernels`' malloc
  /// settings), so without the trim the previous network's buffers would count as resident in the
  /// next one's peak.
  /// - Returns: whether the kernel accepted the reset.
  @discardableResult
  static func resetPeakResident() -> Bool {
    malloc_trim(0)
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
  static func machine(workers: Int) -> String {
    "machine: \(Machine.description); kernel ISA \(Kernels.isa) (oneDNN \(Kernels.libraryVersion)), "
      + "\(workers) workers x \(Threading.kernelThreadCount) kernel threads"
  }

  private static func randomBatch(batchSize: Int, seed: UInt64) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    var input = Tensor(zeros: [batchSize] + Network.itemShape)
    for i in 0..<input.count { input[i] = generator.nextUniform() }
    return input
  }

  static func seconds(since start: UInt64) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  }
}
