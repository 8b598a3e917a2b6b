import Engine
import Experiments

extension Architecture {
  /// The engine's network for the one an experiment names.
  public init(_ name: NetworkName) {
    switch name {
    case .lenetpp: self = .lenetpp
    case .compact: self = .compact
    case .anchorCNN: self = .anchorCNN
    case .mlp: self = .mlp
    }
  }
}

extension NetworkName {
  /// The experiment-file name of one of the engine's networks.
  public init(_ architecture: Architecture) {
    switch architecture {
    case .lenetpp: self = .lenetpp
    case .compact: self = .compact
    case .anchorCNN: self = .anchorCNN
    case .mlp: self = .mlp
    }
  }
}
