import FileFormats

/// The array type of checkpoints and training state, so code that imports only `Checkpoints`
/// (the trainer's state files) names it without importing the file-formats module.
public typealias NumpyArray = FileFormats.NumpyArray

extension CheckpointError {
  /// A file-format failure of a checkpoint file, as a checkpoint error naming the same path.
  init(_ error: FileFormatError) {
    switch error {
    case .missing(let path): self = .missing(path: path, hint: "")
    case .cannotRead(let path, let reason): self = .unreadable(path: path, reason: reason)
    case .cannotWrite(let path, let reason): self = .unwritable(path: path, reason: reason)
    case .malformed(let path, _, _), .tooLarge(let path, _): self = .malformed(path: path, reason: error.reason)
    }
  }
}
