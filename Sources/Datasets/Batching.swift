import Randomness

/// Per-pixel normalisation applied when images become network inputs:
/// `x = (p / 255 - mean) / std`.
public struct PixelNormalization: Codable, Equatable, Sendable {
  public var mean: Float
  public var standardDeviation: Float

  public init(mean: Float, standardDeviation: Float) {
    precondition(standardDeviation > 0, "standard deviation must be positive, got \(standardDeviation)")
    self.mean = mean
    self.standardDeviation = standardDeviation
  }

  /// The mean and standard deviation of `images`' pixels scaled to [0, 1]
  /// (for MNIST's training split: 0.1307 and 0.3081).
  public init(fitting images: LabeledImages) {
    var sum = 0.0
    var sumOfSquares = 0.0
    for pixel in images.pixels {
      let value = Double(pixel) / 255
      sum += value
      sumOfSquares += value * value
    }
    let n = Double(max(1, images.pixels.count))
    let mean = sum / n
    let variance = max(sumOfSquares / n - mean * mean, 1e-12)
    self.init(mean: Float(mean), standardDeviation: Float(variance.squareRoot()))
  }
}

extension LabeledImages {
  /// Network inputs for the images at `indices`: `[indices.count, 1, rows, columns]` scalars
  /// (NCHW, one channel) and their labels as `Int`s.
  public func batch(_ indices: some Collection<Int>, normalization: PixelNormalization) -> (
    inputs: [Float], labels: [Int]
  ) {
    let scale = 1 / (255 * normalization.standardDeviation)
    let offset = -normalization.mean / normalization.standardDeviation
    var inputs = [Float](repeating: 0, count: indices.count * imageSize)
    var labels: [Int] = []
    labels.reserveCapacity(indices.count)
    inputs.withUnsafeMutableBufferPointer { out in
      pixels.withUnsafeBufferPointer { source in
        var position = 0
        for index in indices {
          let base = index * imageSize
          for k in 0..<imageSize { out[position + k] = Float(source[base + k]) * scale + offset }
          position += imageSize
        }
      }
    }
    for index in indices { labels.append(Int(self.labels[index])) }
    return (inputs, labels)
  }
}

/// The order in which one epoch visits a split: a seeded permutation that depends only on
/// (seed, epoch), so a run resumed at any iteration sees exactly the batches it would have seen.
public struct EpochSchedule: Sendable {
  public let count: Int
  public let batchSize: Int
  /// Whether a last, smaller batch is dropped (keeps BatchNorm statistics well conditioned).
  public let dropsLastPartialBatch: Bool

  public init(count: Int, batchSize: Int, dropsLastPartialBatch: Bool = true) {
    precondition(batchSize > 0, "batch size must be positive, got \(batchSize)")
    self.count = count
    self.batchSize = batchSize
    self.dropsLastPartialBatch = dropsLastPartialBatch && count >= batchSize
  }

  /// Batches per epoch.
  public var batchesPerEpoch: Int {
    dropsLastPartialBatch ? count / batchSize : (count + batchSize - 1) / batchSize
  }

  /// The permutation of 0..<count visited in `epoch` (0-based) for `seed`.
  public func order(epoch: Int, seed: UInt64) -> [Int] {
    // Mix the epoch into the seed through one SplitMix step so neighbouring epochs are unrelated.
    var mixer = SeededGenerator(seed: seed ^ (0xD1B5_4A32_D192_ED03 &* UInt64(epoch + 1)))
    var generator = SeededGenerator(seed: mixer.next())
    return seededPermutation(count: count, using: &generator)
  }

  /// The indices of batch `batch` (0-based) in an epoch's `order`.
  public func indices(ofBatch batch: Int, in order: [Int]) -> ArraySlice<Int> {
    precondition(batch >= 0 && batch < batchesPerEpoch, "batch \(batch) outside 0..<\(batchesPerEpoch)")
    let start = batch * batchSize
    return order[start..<min(start + batchSize, count)]
  }
}
