// libFuzzer entry point for experiment files (parsed by Experiments), built by `make fuzz`.
import Foundation
import FuzzSupport
import Experiments

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExperiment(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  if let experiment = try? Experiment(data: fuzzData(start, count), file: "fuzz.json") {
    _ = try? experiment.plans(profile: "default")
  }
  return 0
}

// Built with -D FUZZING (`make fuzz`), `FuzzExperiment_main` (what SwiftPM links as `main`) starts
// libFuzzer; otherwise the target is a replayer that runs the entry point on each file named on the
// command line, which is how a crash input is reproduced outside libFuzzer.
#if FUZZING
  @_cdecl("FuzzExperiment_main")
  public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, entry: fuzzExperiment)
  }
#else
  @main struct Replay {
    static func main() { replayInputs(CommandLine.arguments.dropFirst(), through: fuzzExperiment) }
  }
#endif
