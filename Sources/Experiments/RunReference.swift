/// A run of an experiment file by its two names (`runs/<experiment>/<run>/` once trained).
public struct RunReference: Hashable, Sendable, CustomStringConvertible {
  public let experiment: String
  public let run: String

  public init(_ experiment: String, _ run: String) {
    self.experiment = experiment
    self.run = run
  }

  public var description: String { "\(experiment)/\(run)" }
}
