import Foundation

/// A scratch directory holding a tiny two-class dataset as IDX files (written byte by byte here, so
/// the CLI tests depend on nothing but the executable) and an experiment file to train on it.
struct TinyIDXData {
  let root: String
  var data: String { root + "/data" }
  var runs: String { root + "/runs" }

  /// - Parameter testSize: rows and columns of the test images (28 x 28 unless a test wants them wrong).
  init(testSize: (rows: Int, columns: Int) = (28, 28)) throws {
    root = NSTemporaryDirectory() + "margins-cli-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
    try write(count: 40, stem: "train", size: (28, 28))
    try write(count: 20, stem: "t10k", size: testSize)
    try "left\nright\n".write(toFile: data + "/classes.txt", atomically: true, encoding: .utf8)
  }

  func remove() { try? FileManager.default.removeItem(atPath: root) }

  /// Class c is a bright 28 x 28 half (left or right) with a little seeded noise.
  private func write(count: Int, stem: String, size: (rows: Int, columns: Int)) throws {
    var pixels: [UInt8] = []
    var labels: [UInt8] = []
    var state: UInt32 = 7
    for index in 0..<count {
      let label = index % 2
      for _ in 0..<size.rows {
        for column in 0..<size.columns {
          state = state &* 1_664_525 &+ 1_013_904_223
          let bright = (column < size.columns / 2) == (label == 0)
          pixels.append((bright ? 200 : 0) &+ UInt8(state >> 27))
        }
      }
      labels.append(UInt8(label))
    }
    try Self.idx(type: 3, dimensions: [count, size.rows, size.columns], bytes: pixels).write(
      to: URL(fileURLWithPath: "\(data)/\(stem)-images-idx3-ubyte"))
    try Self.idx(type: 1, dimensions: [count], bytes: labels).write(
      to: URL(fileURLWithPath: "\(data)/\(stem)-labels-idx1-ubyte"))
  }

  /// The IDX layout: two zero bytes, 0x08 (unsigned bytes), the dimension count, big-endian sizes, the data.
  private static func idx(type: UInt8, dimensions: [Int], bytes: [UInt8]) -> Data {
    var data = Data([0, 0, 0x08, type])
    for dimension in dimensions {
      withUnsafeBytes(of: UInt32(dimension).bigEndian) { data.append(contentsOf: $0) }
    }
    data.append(contentsOf: bytes)
    return data
  }

  /// Writes an experiment over this data (one MLP epoch) and returns its path.
  @discardableResult
  func experiment(
    name: String = "tiny", runs: [String] = ["r"], file: String = "tiny.json", epochs: Int = 1, batchSize: Int = 20,
    text: String? = nil
  ) throws -> String {
    let runList = runs.map { #"{ "name": "\#($0)", "loss": "softmax" }"# }.joined(separator: ", ")
    let body =
      text ?? """
        { "name": "\(name)", "dataset": { "name": "\(data)" },
          "settings": { "network": "mlp", "epochs": \(epochs), "batchSize": \(batchSize), "learningRate": 0.05, "schedule": "constant" },
          "runs": [ \(runList) ] }
        """
    let path = root + "/" + file
    try body.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }
}
