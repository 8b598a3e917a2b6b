// libFuzzer entry point for checkpoint metadata JSON, built by `make fuzz`.
import Checkpoints
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpointMetadata(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  _ = try? CheckpointMetadata(decoding: fuzzData(start, count), path: "fuzz.json")
  return 0
}

// Built with -D FUZZING (`make fuzz`), `FuzzCheckpointMetadata_main` (what SwiftPM links as `main`) starts
// libFuzzer; otherwise the target is a replayer that runs the entry point on each file named on the
// command line, which is how a crash input is reproduced outside libFuzzer.
#if FUZZING
  @_cdecl("FuzzCheckpointMetadata_main")
  public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, entry: fuzzCheckpointMetadata)
  }
#else
  @main struct Replay {
    static func main() { replayInputs(CommandLine.arguments.dropFirst(), through: fuzzCheckpointMetadata) }
  }
#endif
