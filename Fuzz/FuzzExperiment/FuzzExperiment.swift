// libFuzzer entry point for experiment files (parsed by Training), built by `make fuzz`.
import Foundation
import FuzzSupport
import Training

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExperiment(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  if let experiment = try? Experiment(data: Data(bytes: start, count: count), file: "fuzz.json") {
    _ = try? experiment.plans(profile: "default")
  }
  return 0
}

// Without -D FUZZING (a plain `swift build`), the target is a replayer: it runs the entry point on
// each file named on the command line, which is how a crash input is reproduced outside libFuzzer.
#if !FUZZING
  @main struct Replay {
    static func main() { replayInputs(CommandLine.arguments.dropFirst(), through: fuzzExperiment) }
  }
#endif
