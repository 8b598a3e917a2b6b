// libFuzzer entry point for the .npy parser and the .npz (zip) reader, built by `make fuzz`.
import FileFormats
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNumpy(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = fuzzData(start, count)
  _ = try? NumpyArray(npyData: data, name: "fuzz.npy")
  _ = try? NumpyArchive.read(data, path: "fuzz.npz")
  return 0
}

// Built with -D FUZZING (`make fuzz`), `FuzzNumpy_main` (what SwiftPM links as `main`) starts
// libFuzzer; otherwise the target is a replayer that runs the entry point on each file named on the
// command line, which is how a crash input is reproduced outside libFuzzer.
#if FUZZING
  @_cdecl("FuzzNumpy_main")
  public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, entry: fuzzNumpy)
  }
#else
  @main struct Replay {
    static func main() { replayInputs(CommandLine.arguments.dropFirst(), through: fuzzNumpy) }
  }
#endif
