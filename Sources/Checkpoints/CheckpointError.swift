/// What can be wrong with a checkpoint on disk; every case names the file.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
  case missing(path: String, hint: String)
  case malformed(path: String, reason: String)
  case missingArray(path: String, name: String)
  case mismatch(path: String, reason: String)
  case unsupportedVersion(path: String, found: Int, supported: Int)
  case unwritable(path: String, reason: String)
  case unreadable(path: String, reason: String)

  public var description: String {
    switch self {
    case .missing(let path, let hint): "\(path): no such checkpoint" + (hint.isEmpty ? "" : ". \(hint)")
    case .malformed(let path, let reason): "\(path): malformed checkpoint: \(reason)"
    case .missingArray(let path, let name): "\(path): checkpoint has no array '\(name)'"
    case .mismatch(let path, let reason): "\(path): checkpoint does not match its metadata: \(reason)"
    case .unwritable(let path, let reason): "\(path): cannot be written: \(reason)"
    case .unreadable(let path, let reason): "\(path): cannot be read: \(reason)"
    case .unsupportedVersion(let path, let found, let supported):
      "\(path): checkpoint format version \(found) is not supported (this tool reads version \(supported))"
    }
  }
}
