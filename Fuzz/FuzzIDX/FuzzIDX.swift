// libFuzzer entry point for the IDX reader (raw and gzip-compressed), built by `make fuzz`.
import Datasets
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = fuzzData(start, count)
  for magic in [IDXFile.imageMagic, IDXFile.labelMagic] {
    _ = try? IDXFile(decoding: data, expectedMagic: magic, path: "fuzz")
    _ = try? IDXFile(gzipped: data, expectedMagic: magic, path: "fuzz.gz")
  }
  return 0
}

// Built with -D FUZZING (`make fuzz`), `FuzzIDX_main` (what SwiftPM links as `main`) starts
// libFuzzer; otherwise the target is a replayer that runs the entry point on each file named on the
// command line, which is how a crash input is reproduced outside libFuzzer.
#if FUZZING
  @_cdecl("FuzzIDX_main")
  public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, entry: fuzzIDX)
  }
#else
  @main struct Replay {
    static func main() { replayInputs(CommandLine.arguments.dropFirst(), through: fuzzIDX) }
  }
#endif
