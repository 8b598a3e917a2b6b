import Datasets
import Experiments
import Foundation

/// A dataset with a run's selection applied (class subset, training caps) and the
/// normalisation fitted on its training split: what the trainer iterates over.
public struct PreparedData: Sendable {
  public let name: String
  public let checksum: String
  public let train: LabeledImages
  public let test: LabeledImages
  public let normalization: PixelNormalization
  /// The class count of the dataset before a subset was taken (what `trainCaps` keys refer to).
  public let originalClassCount: Int

  /// Loads `selection.name` under `dataRoot` and applies the selection.
  /// - Parameter seed: chooses which images a training cap keeps.
  public static func load(_ selection: DatasetSelection, dataRoot: String, seed: UInt64, cache: DatasetCache) throws
    -> PreparedData
  {
    let dataset = try cache.dataset(selection.name, dataRoot: dataRoot)
    var train = dataset.train
    var test = dataset.test
    if let classes = selection.classes {
      train = try train.restricted(to: classes)
      test = try test.restricted(to: classes)
    }
    if let caps = selection.trainCaps {
      // Caps name original labels; after a subset the labels are positions in `classes`.
      var mapped: [Int: Int] = [:]
      // Caps on classes outside the subset or the dataset are refused by `RunPlan.validate(against:)`.
      for (label, cap) in caps where label < dataset.train.classCount {
        if let position = selection.classes.map({ $0.firstIndex(of: label) }) ?? label { mapped[position] = cap }
      }
      train = try train.capped(perClass: mapped, seed: seed)
    }
    return PreparedData(
      name: dataset.descriptor.name, checksum: dataset.checksum, train: train, test: test,
      normalization: PixelNormalization(fitting: train), originalClassCount: dataset.train.classCount)
  }
}
