import Datasets
import Foundation

/// A small 28x28 four-class dataset written as IDX files: each class is a bright square in
/// one quadrant plus seeded noise, so a network learns it in a few dozen steps.
enum TinyDataset {
  /// - Parameter testSize: the test images' rows and columns (28 x 28 unless a test wants them wrong).
  static func write(
    to directory: String, train: Int = 160, test: Int = 80, seed: UInt64 = 5, testSize: (Int, Int) = (28, 28)
  ) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var state = seed
    func noise() -> UInt8 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(truncatingIfNeeded: state >> 59)  // 0...31
    }
    for (split, count) in [(Split.train, train), (Split.test, test)] {
      var pixels: [UInt8] = []
      var labels: [UInt8] = []
      let (rows, columns) = split == .test ? testSize : (28, 28)
      for index in 0..<count {
        let label = index % 4
        let (top, left) = ((label / 2) * 14 + 3, (label % 2) * 14 + 3)
        for row in 0..<rows {
          for column in 0..<columns {
            let inside = (top..<(top + 8)).contains(row) && (left..<(left + 8)).contains(column)
            pixels.append(inside ? 200 + noise() : noise())
          }
        }
        labels.append(UInt8(label))
      }
      try IDXFile(dimensions: [count, rows, columns], bytes: pixels).encoded()
        .write(to: URL(fileURLWithPath: directory + "/" + split.imagesFileName))
      try IDXFile(dimensions: [count], bytes: labels).encoded()
        .write(to: URL(fileURLWithPath: directory + "/" + split.labelsFileName))
    }
    try "north-west\nnorth-east\nsouth-west\nsouth-east\n".write(
      toFile: directory + "/classes.txt", atomically: true, encoding: .utf8)
  }

  static func temporaryDirectory() -> String {
    NSTemporaryDirectory() + "margins-training-\(UUID().uuidString)"
  }

  /// An experiment over the tiny dataset at `data` with the MLP and a few epochs.
  static func experiment(
    data: String, loss: String = "softmax", parameters: String = "{}", extra: String = "", batchSize: Int = 40,
    network: String = "mlp"
  ) -> Data {
    Data(
      """
      { "name": "tiny", "dataset": { "name": "\(data)", "classes": [0, 1, 2, 3] },
        "settings": { "network": "\(network)", "epochs": 3, "batchSize": \(batchSize), "learningRate": 0.05,
                      "schedule": "constant", "seed": 11 \(extra) },
        "runs": [ { "name": "r", "loss": "\(loss)", "parameters": \(parameters) } ] }
      """.utf8)
  }
}
