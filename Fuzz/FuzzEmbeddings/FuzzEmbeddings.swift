// libFuzzer entry point for `margins plot`'s inputs (EmbeddingReader: .npz, .npy + labels, CSV), for a
// fuzzed .npz as the arrays of a checkpoint (what `margins render` reads), and for the figures built
// from what they accept (layout only, no rendering), built by `make fuzz`.
import Checkpoints
import FileFormats
import Figures
import Foundation
import FuzzSupport
import PlotKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEmbeddings(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = fuzzData(start, count)
  guard let files = try? EmbeddingFiles(data, in: EmbeddingFiles.scratchDirectory) else { return 0 }
  for dropNonfinite in [false, true] {
    let options = EmbeddingReader.Options(dropNonfinite: dropNonfinite, labelsPath: files.labelsPath)
    if let embeddings = try? EmbeddingReader.read(files.path, options: options) { buildFigures(embeddings) }
    // The same arrays as a checkpoint's, checked against metadata: shapes, labels, class names.
    if files.path.hasSuffix(".npz"), let arrays = try? NumpyArchive.read(data, path: files.path),
      let checkpoint = try? FeatureCheckpoint(metadata: checkpointMetadata, arrays: arrays, path: files.path),
      let embeddings = try? EmbeddingReader.embeddings(checkpoint: checkpoint, path: files.path, options: options)
    {
      buildFigures(embeddings)
    }
  }
  return 0
}

/// Metadata to pair with fuzzed checkpoint arrays: the committed sample (l-softmax, 3 classes, D = 2);
/// Tests/FuzzCorpus/Embeddings/checkpoint-arrays.npz holds arrays that fit it.
let checkpointMetadata: CheckpointMetadata = {
  let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../Tests/FuzzCorpus/CheckpointMetadata/sample.json").standardized.path
  guard let data = try? FileBytes.read(sample), let metadata = try? CheckpointMetadata(decoding: data, path: sample)
  else {
    fatalError("FuzzEmbeddings needs the checkpoint metadata sample \(sample)")
  }
  return metadata
}()

/// Builds the kinds drawn from the arrays alone, over every split the file has. Not `log` (it needs a
/// run's log.csv), `sectors` or `sphere`: their margin geometry takes seconds per input under the
/// sanitizers whatever the input, and depends on the loss alone, which MarginMath's tests cover.
func buildFigures(_ embeddings: Embeddings) {
  var options = CheckpointFigureOptions()
  options.splits = CheckpointViews.SplitChoice.allCases.filter { embeddings.split($0.rawValue) != nil }
  if options.splits.isEmpty { options.splits = [.test] }
  for kind in [CheckpointFigureKind.scatter, .circle, .hist, .rose, .psi] {
    _ = try? Figure.checkpointFigure(kind, embeddings: [embeddings], options: options)
  }
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
