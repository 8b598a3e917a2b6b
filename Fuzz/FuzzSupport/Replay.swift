import Foundation

/// Runs a libFuzzer entry point once on the bytes of each file in `paths` (a crash reproduces as a
/// crash), printing one line per input.
public func replayInputs(
  _ paths: some Sequence<String>, through entry: (UnsafePointer<UInt8>, Int) -> CInt
) {
  for path in paths {
    guard let data = FileManager.default.contents(atPath: path) else {
      FileHandle.standardError.write(Data("\(path): cannot be read\n".utf8))
      exit(1)
    }
    // An empty input still needs a valid pointer.
    let bytes = [UInt8](data) + [0]
    _ = bytes.withUnsafeBufferPointer { entry($0.baseAddress!, data.count) }
    print("\(path): \(data.count) bytes, no crash")
  }
}
