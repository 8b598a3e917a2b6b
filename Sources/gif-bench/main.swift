// Encoding benchmark for issue 13's animation goal: `swift run -c release gif-bench [frames points side path]`.
import Foundation
import GIFEncoding

let arguments = CommandLine.arguments.dropFirst().map { $0 }
let frames = arguments.count > 0 ? Int(arguments[0]) ?? 40 : 40
let points = arguments.count > 1 ? Int(arguments[1]) ?? 10_000 : 10_000
let side = arguments.count > 2 ? Int(arguments[2]) ?? 600 : 600
let path = arguments.count > 3 ? arguments[3] : NSTemporaryDirectory() + "gif-bench.gif"
let colors: [GIFColor] = [
  (0, 114, 178), (230, 159, 0), (0, 158, 115), (204, 121, 167), (86, 180, 233),
  (213, 94, 0), (240, 228, 66), (102, 17, 0), (51, 34, 136), (136, 204, 238),
].map { GIFColor(red: $0.0, green: $0.1, blue: $0.2) }
let synthetic = GIFBenchmark.syntheticFrames(count: frames, points: points, side: side, classColors: colors)
do {
  let r = try GIFBenchmark.measure(frames: synthetic, points: points, classColors: colors, path: path)
  print(String(format: "gif-bench: %d frames of %d points at %d x %d px: %.2f s (%.2f s CPU), %.2f MB -> %@", r.frames, r.points, r.side, r.side, r.seconds, r.cpuSeconds, Double(r.bytes) / 1_000_000, path))
} catch {
  FileHandle.standardError.write(Data("gif-bench: \(error)\n".utf8))
  exit(1)
}
