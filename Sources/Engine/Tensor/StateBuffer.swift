/// A non-learnable tensor a layer keeps across steps (BatchNorm's running statistics).
///
/// A class for the same reason as `Parameter`: the layer updates it in place and a
/// checkpoint reader can write it back without knowing which layer owns it.
public final class StateBuffer {
  /// A name unique within its network (`bn1.runningMean`).
  public let name: String
  public var value: Tensor

  public init(name: String, value: Tensor) {
    self.name = name
    self.value = value
  }
}

/// A tensor with the name it is saved under.
public struct NamedTensor: Sendable, Equatable {
  public var name: String
  public var tensor: Tensor

  public init(name: String, tensor: Tensor) {
    self.name = name
    self.tensor = tensor
  }
}

/// Why a saved state could not be restored.
public enum StateError: Error, Equatable, CustomStringConvertible {
  case missing(name: String)
  case unexpected(name: String)
  case shapeMismatch(name: String, expected: [Int], found: [Int])

  public var description: String {
    switch self {
    case .missing(let name): "saved state has no tensor named \(name)"
    case .unexpected(let name): "saved state has a tensor \(name) that the target does not have"
    case .shapeMismatch(let name, let expected, let found): "\(name): expected shape \(expected), found \(found)"
    }
  }
}

/// Layers that keep non-learnable state; every other layer has none.
public protocol StatefulLayer: Layer {
  /// The non-learnable state, in a fixed order with stable names.
  var buffers: [StateBuffer] { get }
}

extension Layer {
  /// This layer's non-learnable state (empty unless it is a `StatefulLayer`).
  public var stateBuffers: [StateBuffer] { (self as? any StatefulLayer)?.buffers ?? [] }
}

/// Restores `saved` into `targets` by name, checking that the sets and shapes agree exactly.
func restore(_ saved: [NamedTensor], into targets: [(name: String, shape: [Int], set: (Tensor) -> Void)])
  throws(StateError)
{
  var byName: [String: Tensor] = [:]
  for entry in saved { byName[entry.name] = entry.tensor }
  for target in targets {
    guard let tensor = byName.removeValue(forKey: target.name) else { throw .missing(name: target.name) }
    guard tensor.shape == target.shape else {
      throw .shapeMismatch(name: target.name, expected: target.shape, found: tensor.shape)
    }
  }
  if let extra = byName.keys.sorted().first { throw .unexpected(name: extra) }
  let lookup = Dictionary(saved.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
  for target in targets {
    if let tensor = lookup[target.name] { target.set(tensor) }
  }
}
