import Engine
import MarginMath

/// Builds the head of any loss kind, so the trainer can go from a user's `--loss` name to a head.
public enum HeadFactory {
  /// A validated head for `kind`.
  ///
  /// - Throws: `LossParameterError` naming each parameter that is impossible for `kind` with C classes in D dimensions.
  ///   Advisory problems do not throw; they are in the head's `warnings`.
  public static func makeHead(
    kind: LossKind, parameters: LossParameters? = nil, classCount: Int, featureDimension: Int, seed: UInt64 = 1701,
    name: String = "head"
  ) throws -> any ClassificationHead {
    let parameters = parameters ?? LossParameters.defaults(for: kind)
    return try MarginHead(
      kind: kind, configuration: parameters, classCount: classCount, featureDimension: featureDimension, seed: seed,
      name: name)
  }
}
