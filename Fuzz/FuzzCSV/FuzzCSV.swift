// libFuzzer entry point for the CSV/TSV embedding reader (pandas' to_csv and its variants: index
// columns, quoted headers, TSV, string labels, split columns, --features-key/--labels-key), with the
// metrics of whatever it accepts; built by `make fuzz`.
import Figures
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = fuzzData(start, count)
  let variants: [(String, EmbeddingReader.Options)] = [
    ("input.csv", EmbeddingReader.Options()),
    ("input.tsv", EmbeddingReader.Options()),
    ("input.csv", EmbeddingReader.Options(dropNonfinite: true)),
    ("input.csv", EmbeddingReader.Options(featuresKey: "x,y", labelsKey: "label")),
  ]
  for (name, options) in variants {
    let path = EmbeddingFiles.scratchDirectory.appendingPathComponent(name).path
    guard (try? data.write(to: URL(fileURLWithPath: path))) != nil else { return 0 }
    if let embeddings = try? EmbeddingReader.read(path, options: options) {
      for split in embeddings.splits { _ = embeddings.metrics(of: split) }
    }
  }
  return 0
}

// Built with -D FUZZING (`make fuzz`), `FuzzCSV_main` starts libFuzzer; otherwise the target replays
// the files named on the command line through the entry point.
#if FUZZING
  @_cdecl("FuzzCSV_main")
  public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, entry: fuzzCSV)
  }
#else
  @main struct Replay {
    static func main() { replayInputs(CommandLine.arguments.dropFirst(), through: fuzzCSV) }
  }
#endif
