import Engine
import Foundation
import Testing

/// The suite runs once per oneDNN ISA cap (`scripts/test-isa-caps.sh`): this checks that the cap
/// reached oneDNN, so a run that claims to have covered the AVX2 kernels did run them.
@Suite struct KernelISATests {
  /// oneDNN's ISAs from least to most capable, by their `Kernels.isa` names.
  static let order = [
    "sse41", "avx", "avx2", "avx2_vnni", "avx512_core", "avx512_core_vnni", "avx512_core_bf16", "avx512_core_amx",
  ]

  @Test func effectiveISAIsAtMostTheCap() throws {
    let effective = Kernels.isa
    // The summary of scripts/test-isa-caps.sh reads this line.
    print("kernel ISA under test: \(effective)")
    let rank = try #require(Self.order.firstIndex(of: effective), "unknown effective ISA \(effective)")
    guard let cap = ProcessInfo.processInfo.environment["DNNL_MAX_CPU_ISA"]?.lowercased(), cap != "all" else { return }
    let limit = try #require(Self.order.firstIndex(of: cap), "DNNL_MAX_CPU_ISA=\(cap) is not an ISA oneDNN knows")
    #expect(rank <= limit, "DNNL_MAX_CPU_ISA=\(cap) but oneDNN dispatches \(effective)")
  }
}
