// libFuzzer entry point for the .npy parser and the .npz (zip) reader, built by `make fuzz`.
import FileFormats
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNumpy(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = Data(bytes: start, count: count)
  _ = try? NumpyArray(npyData: data, name: "fuzz.npy")
  _ = try? NumpyArchive.read(data, path: "fuzz.npz")
  return 0
}

// Without -D FUZZING (a plain `swift build`), the target is a replayer: it runs the entry point on
// each file named on the command line, which is how a crash input is reproduced outside libFuzzer.
#if !FUZZING
  @main struct Replay {
    static func main() { replayInputs(CommandLine.arguments.dropFirst(), through: fuzzNumpy) }
  }
#endif
