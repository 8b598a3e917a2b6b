// libFuzzer entry point for checkpoint metadata JSON, built by `make fuzz`.
import Checkpoints
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpointMetadata(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  _ = try? CheckpointMetadata(decoding: Data(bytes: start, count: count), path: "fuzz.json")
  return 0
}

// Without -D FUZZING (a plain `swift build`), the target is a replayer: it runs the entry point on
// each file named on the command line, which is how a crash input is reproduced outside libFuzzer.
#if !FUZZING
  @main struct Replay {
    static func main() { replayInputs(CommandLine.arguments.dropFirst(), through: fuzzCheckpointMetadata) }
  }
#endif
