// The animation goal of issue 13, end to end: `swift run -c release gif-bench [options]`.
// Writes synthetic snapshot runs (untimed), then times what `margins plot RUN --animate` does for the
// plane view and the sphere view: read the snapshots, build the frame figures, render, quantise, encode.
import FigureAnimation
import Figures
import Foundation

let usage = """
  usage: gif-bench [--frames N] [--points N] [--size PX] [--view plane|sphere|both] [--kind scatter|circle|sectors|rose]
                   [--repeats N] [--out DIR]
  defaults: 40 frames, 10000 points, 600 x 600 px, both views, plane kind scatter, 1 repeat (the fastest is printed)
  """

var frames = 40, points = 10_000, side = 600, repeats = 1
var views = ["plane", "sphere"], kind = CheckpointFigureKind.scatter
var out: String?
var arguments = CommandLine.arguments.dropFirst()[...]
func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("gif-bench: \(message)\n\(usage)\n".utf8))
  exit(1)
}
func positive(_ text: String?, _ name: String) -> Int {
  guard let text, let n = Int(text), n > 0 else { fail("\(name) needs a positive integer") }
  return n
}
while let argument = arguments.popFirst() {
  switch argument {
  case "--frames": frames = positive(arguments.popFirst(), argument)
  case "--points": points = positive(arguments.popFirst(), argument)
  case "--size": side = positive(arguments.popFirst(), argument)
  case "--repeats": repeats = positive(arguments.popFirst(), argument)
  case "--view":
    switch arguments.popFirst() {
    case "plane": views = ["plane"]
    case "sphere": views = ["sphere"]
    case "both": views = ["plane", "sphere"]
    default: fail("--view takes plane, sphere or both")
    }
  case "--kind":
    guard let k = arguments.popFirst().flatMap(CheckpointFigureKind.init(rawValue:)),
      [.scatter, .circle, .sectors, .rose].contains(k)
    else {
      fail("--kind takes scatter, circle, sectors or rose")
    }
    kind = k
  case "--out":
    guard let directory = arguments.popFirst() else { fail("--out needs a directory") }
    out = directory
  case "-h", "--help":
    print(usage)
    exit(0)
  default: fail("unknown argument \(argument)")
  }
}

func cpuModel() -> String {
  let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
  let model = info.split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":", maxSplits: 1).last
  let flags = info.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
  let isa =
    flags.contains("amx_tile")
    ? ", AMX" : flags.contains("avx512f") ? ", AVX-512" : flags.contains("avx2") ? ", AVX2" : ""
  return (model.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU") + isa
}
func loadAverage() -> String {
  ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(
    separator: " ")
}

let directory = out ?? NSTemporaryDirectory() + "gif-bench-\(getpid())"
do {
  print("gif-bench: \(frames) frames of \(points) test points, \(side) x \(side) px, 10 classes, arcface snapshots")
  print(
    "machine: \(cpuModel()), \(ProcessInfo.processInfo.activeProcessorCount) cores online; load average \(loadAverage()) at start"
  )
  print(
    "timed: reading the snapshots, building the frame figures, rendering + quantising + encoding the GIF (snapshot synthesis untimed)"
  )
  for view in views {
    let run = (directory as NSString).appendingPathComponent("\(view)-run")
    try AnimationBenchmark.writeSnapshots(
      into: run, frames: frames, points: points, dimension: view == "sphere" ? 3 : 2)
    var settings = AnimationSettings()
    settings.content = view == "sphere" ? .sphere : .plane(kind)
    settings.dpi = 100
    let gif = (directory as NSString).appendingPathComponent("\(view).gif")
    var best: AnimationBenchmark.Result?
    for _ in 0..<repeats {
      let r = try AnimationBenchmark.measure(run: run, settings: settings, width: side, height: side, path: gif)
      if best == nil || r.seconds < best!.seconds { best = r }
    }
    let r = best!
    let phases = r.phases.map { String(format: "%@ %.2f s (%.2f CPU)", $0.name, $0.seconds, $0.cpuSeconds) }.joined(
      separator: ", ")
    let verdict = r.seconds <= 3 && r.bytes <= 5_000_000 ? "goal met" : "goal MISSED"
    print(
      r.view.padding(toLength: 17, withPad: " ", startingAt: 0)
        + String(
          format: " %d frames, %d x %d px: %.2f s wall, %.2f s CPU, %.2f MB", r.frames, r.width, r.height, r.seconds,
          r.cpuSeconds, Double(r.bytes) / 1e6)
        + "  [\(phases)]  \(verdict)")
  }
  print("load average \(loadAverage()) at end; files in \(directory)")
} catch {
  FileHandle.standardError.write(Data("gif-bench: \(error)\n".utf8))
  exit(1)
}
