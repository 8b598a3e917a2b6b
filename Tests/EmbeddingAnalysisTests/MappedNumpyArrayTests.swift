import FileFormats
import _TestSupport
import Foundation
import Testing

/// The mapped `.npy` reader against files numpy wrote.
@Suite(.timeLimit(.minutes(5)), .enabled(if: Python.hasNumpy, "needs python3 with numpy"))
struct MappedNumpyArrayTests {
  @Test func floatsOfEveryWidthReadAsNumpyWroteThem() throws {
    let dir = makeTemporaryDirectory("mapped")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    _ = try Python.shared.run(
      """
      import numpy as np
      v = np.array([[0.5, -2.25, 65504.0], [1e-3, 3.0, -0.0]])
      for t in ('f2', 'f4', 'f8'): np.save('\(dir)/' + t + '.npy', v.astype('<' + t))
      np.save('\(dir)/i8.npy', np.array([3, -1, 7], dtype='<i8'))
      np.save('\(dir)/big.npy', v.astype('>f4'))
      np.save('\(dir)/fortran.npy', np.asfortranarray(v.astype('<f4')))
      open('\(dir)/short.npy', 'wb').write(open('\(dir)/f4.npy', 'rb').read()[:-4])
      """)
    for type in ["f2", "f4", "f8"] {
      let a = try MappedNumpyArray(path: "\(dir)/\(type).npy")
      #expect(a.shape == [2, 3])
      var out = [Float](repeating: 0, count: 6)
      out.withUnsafeMutableBufferPointer { a.copyFloats(0..<6, into: $0.baseAddress!) }
      // float16's nearest value to 1e-3 is 0.0010004043579101562.
      let expected: [Float] =
        type == "f2" ? [0.5, -2.25, 65504, 0.0010004043579101562, 3, 0] : [0.5, -2.25, 65504, 1e-3, 3, 0]
      #expect(out == expected, "\(type): \(out)")
    }
    #expect(try MappedNumpyArray(path: "\(dir)/f4.npy").float32Values?.count == 6)
    #expect(try MappedNumpyArray(path: "\(dir)/i8.npy").integers() == [3, -1, 7])
    for (file, words) in [("big", "big-endian"), ("fortran", "Fortran"), ("short", "truncated")] {
      #expect {
        _ = try MappedNumpyArray(path: "\(dir)/\(file).npy")
      } throws: { error in
        "\(error)".contains(words) && "\(error)".contains("\(file).npy")
      }
    }
  }
}
