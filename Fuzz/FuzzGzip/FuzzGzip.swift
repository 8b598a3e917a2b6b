// libFuzzer entry point for the gzip decoder (whole-stream and incremental), built by `make fuzz`.
import FileFormats
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzip(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = fuzzData(start, count)
  _ = try? Gzip.decompress(data, limit: 1 << 16, path: "fuzz.gz")
  if let stream = try? GzipStream(data, path: "fuzz.gz") {
    // Odd piece sizes exercise resuming mid-stream and across concatenated members.
    for piece in [1, 3, 4096, 65_537] { _ = try? stream.read(upTo: piece) }
  }
  return 0
}

// Built with -D FUZZING (`make fuzz`), `FuzzGzip_main` (what SwiftPM links as `main`) starts
// libFuzzer; otherwise the target is a replayer that runs the entry point on each file named on the
// command line, which is how a crash input is reproduced outside libFuzzer.
#if FUZZING
  @_cdecl("FuzzGzip_main")
  public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, entry: fuzzGzip)
  }
#else
  @main struct Replay {
    static func main() { replayInputs(CommandLine.arguments.dropFirst(), through: fuzzGzip) }
  }
#endif
