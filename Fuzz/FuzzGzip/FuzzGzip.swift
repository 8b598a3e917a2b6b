// libFuzzer entry point for the gzip decoder (whole-stream and incremental), built by `make fuzz`.
import FileFormats
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzip(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = Data(bytes: start, count: count)
  _ = try? Gzip.decompress(data, limit: 1 << 20, path: "fuzz.gz")
  if let stream = try? GzipStream(data, path: "fuzz.gz") {
    // Odd piece sizes exercise resuming mid-stream and across concatenated members.
    for piece in [1, 3, 4096, 65_537] { _ = try? stream.read(upTo: piece) }
  }
  return 0
}

// Without -D FUZZING (a plain `swift build`), the target is a replayer: it runs the entry point on
// each file named on the command line, which is how a crash input is reproduced outside libFuzzer.
#if !FUZZING
  @main struct Replay {
    static func main() { replayInputs(CommandLine.arguments.dropFirst(), through: fuzzGzip) }
  }
#endif
