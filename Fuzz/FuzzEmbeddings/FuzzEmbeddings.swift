// libFuzzer entry point for `margins plot`'s inputs (EmbeddingReader: .npz, .npy + labels, CSV) and the
// figures built from what it accepts (layout only, no rendering), built by `make fuzz`.
import Figures
import Foundation
import FuzzSupport
import PlotKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEmbeddings(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  guard let files = try? EmbeddingFiles(fuzzData(start, count), in: EmbeddingFiles.scratchDirectory) else { return 0 }
  for dropNonfinite in [false, true] {
    let options = EmbeddingReader.Options(dropNonfinite: dropNonfinite, labelsPath: files.labelsPath)
    guard let embeddings = try? EmbeddingReader.read(files.path, options: options) else { continue }
    // The kinds drawn from the arrays alone, over every split the file has. Not `log` (it needs a run's
    // log.csv), `sectors` or `sphere`: their margin geometry takes seconds per input under the sanitizers
    // whatever the input, and depends on the loss alone, which MarginMath's tests cover.
    var figureOptions = CheckpointFigureOptions()
    figureOptions.splits = CheckpointViews.SplitChoice.allCases.filter { embeddings.split($0.rawValue) != nil }
    if figureOptions.splits.isEmpty { figureOptions.splits = [.test] }
    for kind in [CheckpointFigureKind.scatter, .circle, .hist, .rose, .psi] {
      _ = try? Figure.checkpointFigure(kind, embeddings: [embeddings], options: figureOptions)
    }
  }
  return 0
}

// Built with -D FUZZING (`make fuzz`), `FuzzEmbeddings_main` (what SwiftPM links as `main`) starts
// libFuzzer; otherwise the target is a replayer that runs the entry point on each file named on the
// command line, which is how a crash input is reproduced outside libFuzzer.
#if FUZZING
  @_cdecl("FuzzEmbeddings_main")
  public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, entry: fuzzEmbeddings)
  }
#else
  @main struct Replay {
    static func main() { replayInputs(CommandLine.arguments.dropFirst(), through: fuzzEmbeddings) }
  }
#endif
