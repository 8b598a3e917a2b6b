// libFuzzer entry point for loss parameters inside a user's .npz: the first byte picks the loss
// kind, the rest (up to a NUL) is the `loss_parameters` JSON, and eight more bytes, if present, give
// `lambda` and `margin`. What the reader accepts must be what training accepts, so its ψ curve is
// built; built by `make fuzz`.
import FileFormats
import Figures
import Foundation
import FuzzSupport
import MarginMath
import PlotKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLossParameters(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = fuzzData(start, count)
  guard let first = data.first else { return 0 }
  let kinds = LossKind.allCases
  let kind = kinds[Int(first) % kinds.count]
  let rest = data.dropFirst()
  let jsonBytes = rest.prefix { $0 != 0 }
  let tail = Array(rest.dropFirst(jsonBytes.count + 1))
  var arrays: [(name: String, array: NumpyArray)] = [
    ("features", NumpyArray(shape: [6, 2], values: .float32([1, 0, 0, 1, -1, 0, 0, -1, 0.7, 0.7, -0.7, 0.7]))),
    ("labels", NumpyArray(shape: [6], values: .int64([0, 1, 2, 3, 0, 1]))),
    ("class_weights", NumpyArray(shape: [4, 2], values: .float32([1, 0, 0, 1, -1, 0, 0, -1]))),
    ("loss", NumpyArray(shape: [], values: .strings([kind.rawValue]))),
    ("loss_parameters", NumpyArray(shape: [], values: .strings([String(decoding: jsonBytes, as: UTF8.self)]))),
  ]
  if tail.count >= 8 {
    let words = (0..<2).map { k in tail[(4 * k)..<(4 * k + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
    arrays.append(("lambda", NumpyArray(shape: [1], values: .float32([Float(bitPattern: words[0])]))))
    arrays.append(("margin", NumpyArray(shape: [1], values: .float32([Float(bitPattern: words[1])]))))
  }
  let path = EmbeddingFiles.scratchDirectory.appendingPathComponent("loss.npz").path
  guard let archive = try? NumpyArchive.data(arrays), (try? archive.write(to: URL(fileURLWithPath: path))) != nil else {
    return 0
  }
  if let embeddings = try? EmbeddingReader.read(path) {
    var options = CheckpointFigureOptions()
    options.splits = [.test]
    _ = try? Figure.checkpointFigure(.psi, embeddings: [embeddings], options: options)
    for split in embeddings.splits { _ = embeddings.metrics(of: split) }
  }
  return 0
}

// Built with -D FUZZING (`make fuzz`), `FuzzLossParameters_main` starts libFuzzer; otherwise the target replays
// the files named on the command line through the entry point.
#if FUZZING
  @_cdecl("FuzzLossParameters_main")
  public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, entry: fuzzLossParameters)
  }
#else
  @main struct Replay {
    static func main() { replayInputs(CommandLine.arguments.dropFirst(), through: fuzzLossParameters) }
  }
#endif
