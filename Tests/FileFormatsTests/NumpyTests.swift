import _TestSupport
import Foundation
import Testing

@testable import FileFormats

@Suite(.timeLimit(.minutes(5))) struct NumpyTests {
  static let sample: [(name: String, array: NumpyArray)] = [
    ("train_features", NumpyArray(shape: [3, 2], values: .float32([1.5, -2, 0, 3.25, -0.125, 1e6]))),
    ("train_labels", NumpyArray(shape: [3], values: .uint8([0, 9, 4]))),
    ("class_names", NumpyArray(shape: [3], values: .strings(["0", "Ankle boot", "é"]))),
    ("iterations", NumpyArray(shape: [2], values: .int64([1, -7]))),
    ("scalar_grid", NumpyArray(shape: [1, 1, 2], values: .float64([0.5, 2]))),
  ]

  @Test func roundTripsEveryDtype() throws {
    let data = try NumpyArchive.data(Self.sample)
    let read = try NumpyArchive.read(data, path: "s.npz")
    #expect(read.count == Self.sample.count)
    for (name, array) in Self.sample { #expect(read[name] == array) }
  }

  @Test func theSameArraysGiveTheSameBytes() throws {
    #expect(try NumpyArchive.data(Self.sample) == NumpyArchive.data(Self.sample))
  }

  @Test func headersAlignDataTo64Bytes() {
    for (_, array) in Self.sample {
      let npy = array.npyData()
      let headerLength = Int(npy[8]) | Int(npy[9]) << 8
      #expect((10 + headerLength) % 64 == 0)
    }
  }

  @Test(arguments: [0.3, 0.7, 0.99])
  func truncatedArchivesAreNamedErrors(fraction: Double) throws {
    let data = try NumpyArchive.data(Self.sample)
    let cut = data.prefix(Int(Double(data.count) * fraction))
    #expect {
      try NumpyArchive.read(Data(cut), path: "cut.npz")
    } throws: { error in
      (error as? FileFormatError)?.description.hasPrefix("cut.npz") == true
    }
  }

  @Test func corruptedPayloadFailsTheCRC() throws {
    var data = try NumpyArchive.data(Self.sample)
    // Flip a byte inside the first array's data (after the zip header, name and the 64-byte .npy header).
    let offset = try #require(data.firstRange(of: Data([0x93]) + Data("NUMPY".utf8))).lowerBound + 64 + 2
    data[offset] ^= 0xff
    #expect {
      try NumpyArchive.read(data, path: "bad.npz")
    } throws: { error in
      (error as? FileFormatError)?.description.contains("CRC-32") == true
    }
  }

  /// A `.npy` file with the given header dictionary and payload.
  static func npy(_ header: String, payload: [UInt8] = []) -> Data {
    var text = header
    text += String(repeating: " ", count: (64 - (10 + text.utf8.count + 1) % 64) % 64) + "\n"
    let length = UInt16(text.utf8.count)
    return Data([0x93]) + Data("NUMPY".utf8) + Data([1, 0, UInt8(length & 0xff), UInt8(length >> 8)]) + Data(text.utf8)
      + Data(payload)
  }

  @Test(arguments: [
    // The shape of the reported SIGILL: 2^62 x 2^62 floats.
    ("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4611686018427387904), }", "too large"),
    ("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904,), }", "too large"),
    ("{'descr': '<U4611686018427387904', 'fortran_order': False, 'shape': (1,), }", "longer than 2^20"),
    ("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 2), }", "non-negative integer"),
    ("{'descr': '<f4', 'fortran_order': False, 'shape': (two, 2), }", "non-negative integer"),
    ("{'descr': '<f4', 'fortran_order': False, 'shape': 7, }", "not a tuple"),
    ("{'descr': '<f4', 'fortran_order': maybe, 'shape': (1,), }", "fortran_order"),
    ("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", "object array"),
    ("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", "complex"),
    ("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", "structured"),
    ("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", "expected 12 bytes"),
  ])
  func hostileHeadersAreErrorsNotCrashes(header: String, expected: String) {
    // Every case is malformed, so the payload's length never matters.
    #expect {
      try NumpyArray(npyData: Self.npy(header, payload: [1, 2, 3, 4]), name: "x.npz!a")
    } throws: { error in
      let text = (error as? FileFormatError)?.description ?? ""
      return text.hasPrefix("x.npz!a") && text.contains(expected)
    }
  }

  @Test func moreDataThanTheShapeSaysIsAnError() throws {
    let header = "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }"
    #expect(throws: FileFormatError.self) { try NumpyArray(npyData: Self.npy(header, payload: [1, 2, 3]), name: "a") }
    #expect(try NumpyArray(npyData: Self.npy(header, payload: [1, 2]), name: "a").bytes == [1, 2])
    let scalar = "{'descr': '|u1', 'fortran_order': False, 'shape': (), }"
    #expect(try NumpyArray(npyData: Self.npy(scalar, payload: [7]), name: "a").shape == [])
  }

  @Test(.enabled(if: Python.hasNumpy, "needs python3 with numpy"))
  func numpyLoadsTheArchiveAndWeReadNumpys() throws {
    let directory = makeTemporaryDirectory("npz")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/s.npz"
    try AtomicFile.write(NumpyArchive.data(Self.sample), to: path)
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
      np.savez_compressed('\(directory)/packed.npz', b=np.arange(1000, dtype=np.int64))
      print('ok')
      """
    #expect(try Python.shared.run(script) == "ok")
    let back = try NumpyArchive.read(contentsOf: directory + "/back.npz")
    #expect(back["a"] == NumpyArray(shape: [2, 3], values: .float32([0, 1, 2, 3, 4, 5])))
    #expect(back["names"]?.strings == ["x", "yz"])
    // Deflated members (savez_compressed) are read too.
    #expect(
      try NumpyArchive.read(contentsOf: directory + "/packed.npz")["b"]
        == NumpyArray(shape: [1000], values: .int64((0..<1000).map(Int64.init))))
  }

  /// What numpy writes beyond the checkpoints' dtypes, converted on read (issue 27).
  @Test func everyNumericDtypeByteOrderAndFortranOrderIsConverted() throws {
    func read(_ descr: String, _ shape: String, fortran: Bool = false, _ payload: [UInt8]) throws -> NumpyArray {
      try NumpyArray(
        npyData: Self.npy(
          "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }", payload: payload
        ), name: "t")
    }
    // float16 1.0, -2.0, 0.5 (little-endian), a subnormal and infinity.
    #expect(
      try read("<f2", "(5,)", [0x00, 0x3c, 0x00, 0xc0, 0x00, 0x38, 0x01, 0x00, 0x00, 0x7c]).floats
        == [1, -2, 0.5, Float(sign: .plus, exponent: -24, significand: 1), .infinity])
    #expect(try read(">f4", "(1,)", [0x3f, 0x80, 0x00, 0x00]).floats == [1])
    #expect(try read(">i2", "(2,)", [0xff, 0xfe, 0x01, 0x00]).values == .int64([-2, 256]))
    #expect(try read("|i1", "(2,)", [0xff, 0x05]).values == .int64([-1, 5]))
    #expect(try read("<u4", "(1,)", [0xff, 0xff, 0xff, 0xff]).values == .int64([4_294_967_295]))
    #expect(try read("|b1", "(3,)", [0, 1, 1]).values == .uint8([0, 1, 1]))
    #expect(try read("|S3", "(2,)", Array("ab\0cat".utf8)).strings == ["ab", "cat"])
    #expect(try read(">U1", "(1,)", [0, 0, 0, 0x41]).strings == ["A"])
    // [[1, 2, 3], [4, 5, 6]] stored column by column.
    #expect(try read("|u1", "(2, 3)", fortran: true, [1, 4, 2, 5, 3, 6]).bytes == [1, 2, 3, 4, 5, 6])
    #expect(throws: FileFormatError.self) { try read("<u8", "(1,)", [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) }
  }
}
