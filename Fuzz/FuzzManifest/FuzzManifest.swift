// libFuzzer entry point for the shipped-results manifest (SHA256SUMS) parser; built by `make fuzz`.
import Foundation
import FuzzSupport
import Results

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = fuzzData(start, count)
  if let entries = try? ShippedResults.parseManifest(data, path: "SHA256SUMS") {
    // What is accepted names files inside a run, with a digest of 64 hex digits.
    for (path, digest) in entries {
      precondition(
        digest.count == 64 && !path.hasPrefix("/") && !path.split(separator: "/").contains(".."), "accepted \(path)")
    }
  }
  return 0
}

// Built with -D FUZZING (`make fuzz`), `FuzzManifest_main` starts libFuzzer; otherwise the target replays
// the files named on the command line through the entry point.
#if FUZZING
  @_cdecl("FuzzManifest_main")
  public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, entry: fuzzManifest)
  }
#else
  @main struct Replay {
    static func main() { replayInputs(CommandLine.arguments.dropFirst(), through: fuzzManifest) }
  }
#endif
