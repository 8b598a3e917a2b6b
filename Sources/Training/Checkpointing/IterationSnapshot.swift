import Checkpoints
import Engine
import Experiments
import FileFormats
import Foundation
import Losses

/// The arrays of one iteration snapshot (`snapshots/iter-NNNNNNN.npz`), in the embedding format the
/// renderer reads (`EmbeddingReader`, README "Animations"): the chosen split's features in evaluation
/// mode, the class weights, and the loss, epoch, iteration, λ and margin in force.
enum IterationSnapshot {
  /// Evaluates `split` of `session`'s data after `iteration` iterations of `epoch`.
  /// - Parameter trainingLoss: the mean training loss since the previous snapshot.
  static func arrays(
    session: TrainingSession, head: any ClassificationHead, epoch: Int, split: RunSettings.SnapshotSplit,
    trainingLoss: Double
  ) throws -> [(name: String, array: NumpyArray)] {
    let data = session.data
    let d = session.plan.featureDimension
    var arrays: [(name: String, array: NumpyArray)] = []
    let images = [("train", data.train, split != .test), ("test", data.test, split != .train)]
    for (name, images, included) in images where included {
      let features = FeatureExtraction.features(of: images, network: session.network, normalization: data.normalization)
      arrays.append(("\(name)_features", NumpyArray(shape: [images.count, d], values: .float32(features.scalars))))
      arrays.append(("\(name)_labels", NumpyArray(shape: [images.count], values: .uint8(images.labels))))
    }
    let weight = head.weight.value
    arrays.append(("class_weights", NumpyArray(shape: weight.shape, values: .float32(weight.scalars))))
    if let bias = head.bias?.value {
      arrays.append(("class_bias", NumpyArray(shape: [bias.scalars.count], values: .float32(bias.scalars))))
    }
    if let alpha = head.alphaValue {
      arrays.append(("alpha", NumpyArray(shape: [1], values: .float32([Float(alpha)]))))
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let parameters = String(decoding: try encoder.encode(head.configuration), as: UTF8.self)
    let iteration = session.iteration
    arrays += [
      ("epoch", NumpyArray(shape: [], values: .int64([Int64(epoch)]))),
      ("iteration", NumpyArray(shape: [], values: .int64([Int64(iteration)]))),
      ("loss", NumpyArray(shape: [], values: .strings([head.kind.rawValue]))),
      ("loss_parameters", NumpyArray(shape: [], values: .strings([parameters]))),
      ("lambda", NumpyArray(shape: [], values: .float64([head.lambda(at: iteration)]))),
      ("margin", NumpyArray(shape: [], values: .float64([head.margin(at: iteration)]))),
      ("train_loss", NumpyArray(shape: [], values: .float64([trainingLoss]))),
    ]
    return arrays
  }
}
