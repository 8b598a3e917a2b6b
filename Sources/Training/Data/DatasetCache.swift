import Datasets

/// Keeps each dataset loaded once while several runs train on it.
public final class DatasetCache: @unchecked Sendable {
  // Only used from the training thread; `@unchecked` because the trainer hands it around by reference.
  private var loaded: [String: LoadedDataset] = [:]

  public init() {}

  func dataset(_ name: String, dataRoot: String) throws -> LoadedDataset {
    let key = "\(dataRoot)|\(name)"
    if let dataset = loaded[key] { return dataset }
    let dataset = try DatasetLoader.load(DatasetCatalog.descriptor(for: name, dataRoot: dataRoot))
    loaded[key] = dataset
    return dataset
  }
}
