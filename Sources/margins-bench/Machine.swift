import Engine
import Foundation

/// What a measurement ran on, printed by every benchmark so a number never travels without it.
enum Machine {
  /// CPU model, its widest vector ISA and the cores online (from `/proc/cpuinfo`; "unknown" elsewhere).
  static var description: String {
    let isa = Kernels.cpuVectorExtensions.joined(separator: "+")
    return "\(Kernels.cpuModel), \(ProcessInfo.processInfo.activeProcessorCount) cores, "
      + "ISA: \(isa.isEmpty ? "unknown" : isa)"
  }

  /// The 1-, 5- and 15-minute load averages (`/proc/loadavg`), "?" where that file does not exist:
  /// on a shared machine they say how much of it a measurement had.
  static var loadAverage: String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?"
    return text.split(separator: " ").prefix(3).joined(separator: " ")
  }
}
