// libFuzzer entry point for the IDX reader (raw and gzip-compressed), built by `make fuzz`.
import Datasets
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = Data(bytes: start, count: count)
  for magic in [IDXFile.imageMagic, IDXFile.labelMagic] {
    _ = try? IDXFile(decoding: data, expectedMagic: magic, path: "fuzz")
    _ = try? IDXFile(gzipped: data, expectedMagic: magic, path: "fuzz.gz")
  }
  return 0
}

// Without -D FUZZING (a plain `swift build`), the target is a replayer: it runs the entry point on
// each file named on the command line, which is how a crash input is reproduced outside libFuzzer.
#if !FUZZING
  @main struct Replay {
    static func main() { replayInputs(CommandLine.arguments.dropFirst(), through: fuzzIDX) }
  }
#endif
