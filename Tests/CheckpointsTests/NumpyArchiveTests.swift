import Foundation
import Testing
@testable import Checkpoints

@Suite struct NumpyArchiveTests {
  static let sample: [(name: String, array: NumpyArray)] = [
    ("train_features", NumpyArray(shape: [3, 2], values: .float32([1.5, -2, 0, 3.25, -0.125, 1e6]))),
    ("train_labels", NumpyArray(shape: [3], values: .uint8([0, 9, 4]))),
    ("class_names", NumpyArray(shape: [3], values: .strings(["0", "Ankle boot", "é"]))),
    ("iterations", NumpyArray(shape: [2], values: .int64([1, -7]))),
    ("scalar_grid", NumpyArray(shape: [1, 1, 2], values: .float64([0.5, 2]))),
  ]

  @Test func roundTripsEveryDtype() throws {
    let data = NumpyArchive.data(Self.sample)
    let read = try NumpyArchive.read(data, path: "s.npz")
    #expect(read.count == Self.sample.count)
    for (name, array) in Self.sample { #expect(read[name] == array) }
  }

  @Test func headersAlignDataTo64Bytes() {
    for (_, array) in Self.sample {
      let npy = array.npyData()
      let headerLength = Int(npy[8]) | Int(npy[9]) << 8
      #expect((10 + headerLength) % 64 == 0)
    }
  }

  @Test(arguments: [0.3, 0.7, 0.99])
  func truncatedArchivesAreNamedErrors(fraction: Double) {
    let data = NumpyArchive.data(Self.sample)
    let cut = data.prefix(Int(Double(data.count) * fraction))
    do {
      _ = try NumpyArchive.read(Data(cut), path: "cut.npz")
      Issue.record("a truncated archive was read")
    } catch let error as CheckpointError {
      #expect(error.description.hasPrefix("cut.npz"))
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  @Test func corruptedPayloadFailsTheCRC() throws {
    var data = NumpyArchive.data(Self.sample)
    // Flip a byte inside the first array's payload (after its 30-byte header, name and .npy header).
    data[30 + "train_features.npy".utf8.count + 64 + 2] ^= 0xff
    #expect(throws: CheckpointError.self) { try NumpyArchive.read(data, path: "bad.npz") }
  }

  @Test func numpyLoadsTheArchive() throws {
    guard let python = Python.withNumpy() else {
      print("skipped: python3 with numpy is not available")
      return
    }
    let directory = NSTemporaryDirectory() + "npz-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/s.npz"
    try NumpyArchive.data(Self.sample).write(to: URL(fileURLWithPath: path))
    let script = """
      import numpy as np
      z = np.load('\(path)')
      f = z['train_features']
      assert f.dtype == np.float32 and f.shape == (3, 2), (f.dtype, f.shape)
      assert f[1, 1] == 3.25 and f[2, 1] == 1e6
      l = z['train_labels']; assert l.dtype == np.uint8 and list(l) == [0, 9, 4]
      assert list(z['class_names']) == ['0', 'Ankle boot', 'é']
      assert z['iterations'].dtype == np.int64 and list(z['iterations']) == [1, -7]
      assert z['scalar_grid'].shape == (1, 1, 2)
      np.savez('\(directory)/back.npz', a=np.arange(6, dtype=np.float32).reshape(2, 3), names=np.array(['x', 'yz']))
      print('ok')
      """
    #expect(try python.run(script) == "ok")
    // And what numpy writes, we read.
    let back = try NumpyArchive.read(contentsOf: directory + "/back.npz")
    #expect(back["a"] == NumpyArray(shape: [2, 3], values: .float32([0, 1, 2, 3, 4, 5])))
    #expect(back["names"]?.strings == ["x", "yz"])
  }
}

/// Runs python3 scripts for the tests that prove numpy reads what we write.
struct Python {
  let executable: String

  /// python3 if it exists and imports numpy; nil otherwise (the caller skips with a message).
  static func withNumpy() -> Python? {
    let python = Python(executable: "/usr/bin/env")
    return (try? python.run("import numpy; print('ok')")) == "ok" ? python : nil
  }

  func run(_ script: String) throws -> String {
    // Output goes through a file, not a Pipe: Foundation's pipe reads crash on EINTR
    // when another test's child process exits meanwhile.
    let log = NSTemporaryDirectory() + "python-\(UUID().uuidString).log"
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: log) }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = ["python3", "-c", script]
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    process.waitUntilExit()
    try handle.close()
    let data = FileManager.default.contents(atPath: log) ?? Data()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
