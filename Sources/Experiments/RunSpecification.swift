import MarginMath

/// One run of an experiment as written in the file (before a profile is applied).
public struct RunSpecification: Equatable, Sendable {
  public var name: String
  public var loss: LossKind
  public var parameters: LossParameters
  public var classWeighting: ClassWeighting?
  public var dataset: DatasetSelection?
  public var settings: RunSettings
  public var profiles: [String: RunSettings]
  /// Loss parameters that differ per profile (a λ schedule sized to the profile's iterations, say).
  public var profileParameters: [String: LossParameters]

  /// The loss parameters the run trains with under `profile`.
  public func lossParameters(profile: String) -> LossParameters {
    profileParameters[profile] ?? parameters
  }
}
