import Foundation

#if FUZZING
  import CFuzzer
#endif

/// What every fuzz target's entry function looks like (libFuzzer's `LLVMFuzzerTestOneInput`).
public typealias FuzzEntry = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// The input bytes libFuzzer hands over (it may pass no pointer for an empty input).
public func fuzzData(_ start: UnsafePointer<UInt8>?, _ count: Int) -> Data {
  guard let start, count > 0 else { return Data() }
  return Data(bytes: start, count: count)
}

/// Runs `entry` once on the bytes of each file in `paths` (a crash reproduces as a crash),
/// printing one line per input. This is what a fuzz target does when built without -D FUZZING.
public func replayInputs(_ paths: some Sequence<String>, through entry: FuzzEntry) {
  for path in paths {
    guard let data = FileManager.default.contents(atPath: path) else {
      FileHandle.standardError.write(Data("\(path): cannot be read\n".utf8))
      exit(1)
    }
    _ = data.withUnsafeBytes { entry($0.bindMemory(to: UInt8.self).baseAddress, data.count) }
    print("\(path): \(data.count) bytes, no crash")
  }
}

#if FUZZING
  /// Hands control to libFuzzer. SwiftPM links an executable's `main` to `<Target>_main`, so each
  /// target defines that symbol and calls this instead of relying on libFuzzer's own `main`.
  public func runLibFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, entry: FuzzEntry
  ) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, entry)
  }
#endif
