import Checkpoints

/// The verdict `make reproduce` can reach for shipped runs on this machine, said before hours of
/// training: byte-identical arrays need the kernels of the machine that trained them.
///
/// oneDNN JIT-compiles its kernels for an instruction set (AVX2, AVX-512, AMX, ...) and sizes
/// their blocking to the CPU's caches. Another ISA sums in another order from the first
/// convolution on, so only the summary numbers can agree (`ResultComparison.Tolerance`). The same
/// ISA on the same CPU model gives the same bits; on another CPU model it usually does, but the
/// cache-dependent blocking may differ, so the tolerance is what is promised there.
public struct ReproductionOutlook: Sendable, Equatable {
  public enum Verdict: String, Sendable {
    case byteIdentical = "arrays byte-identical"
    case likelyByteIdentical =
      "arrays byte-identical if oneDNN blocks the kernels as on the training CPU, otherwise within tolerance"
    case withinTolerance = "within tolerance"
  }

  /// What trained the shipped runs of one group.
  public var shippedISA: String?
  public var shippedCPU: String?
  public var shippedThreads: String
  public var verdict: Verdict
  public var reason: String

  /// - Parameters:
  ///   - metadata: the newest checkpoint of a shipped run.
  ///   - isa: the kernel ISA oneDNN dispatches here, under the cap in force.
  ///   - cpu: this CPU's model name.
  public init(shipped metadata: CheckpointMetadata, isa: String, cpu: String) {
    shippedISA = metadata.kernelISA
    shippedCPU = metadata.cpuModel
    shippedThreads = "\(metadata.threads)x\(metadata.kernelThreads)"
    guard let trainedISA = metadata.kernelISA else {
      verdict = .withinTolerance
      reason = "the shipped checkpoint does not record its kernel ISA"
      return
    }
    guard trainedISA == isa else {
      verdict = .withinTolerance
      reason = "trained with \(trainedISA) kernels, this machine runs \(isa) kernels: they sum in another order"
      return
    }
    switch metadata.cpuModel {
    case cpu?:
      verdict = .byteIdentical
      reason = "same CPU model and kernel ISA (\(isa))"
    case let other?:
      verdict = .likelyByteIdentical
      reason = "same kernel ISA (\(isa)) on another CPU model (\(other))"
    case nil:
      verdict = .likelyByteIdentical
      reason = "same kernel ISA (\(isa)); the shipped checkpoint does not record its CPU model"
    }
  }

  /// One line for a group of `count` runs.
  public func line(count: Int) -> String {
    let trainedOn =
      "\(shippedCPU ?? "CPU not recorded"), \(shippedISA ?? "ISA not recorded"), \(shippedThreads) threads"
    return "\(count) run(s) trained on \(trainedOn): expect \(verdict.rawValue) (\(reason))"
  }
}
