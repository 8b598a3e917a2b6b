/// Why an animated GIF was not written. Every case that concerns a file names it; no partial file is left.
public enum GIFEncodingError: Error, Equatable, CustomStringConvertible {
  case palette(String)
  case emptyAnimation(file: String)
  case tooManyFrames(file: String, limit: Int)
  case frameTooLarge(file: String, width: Int, height: Int, limit: Int)
  case sizeMismatch(file: String, frame: Int, expected: String, found: String)
  case pixelCount(file: String, frame: Int, expectedBytes: Int, foundBytes: Int)
  case badOption(String)
  case giflib(file: String, step: String, message: String)
  case finished(file: String)

  public var description: String {
    switch self {
    case .palette(let message):
      return "GIF palette: \(message)"
    case .emptyAnimation(let file):
      return "\(file): an animation needs at least one frame"
    case .tooManyFrames(let file, let limit):
      return "\(file): more than \(limit) frames (the documented limit; use fewer snapshots or a coarser step)"
    case .frameTooLarge(let file, let width, let height, let limit):
      return "\(file): frame of \(width) × \(height) px; each side must lie in 1...\(limit) px"
    case .sizeMismatch(let file, let frame, let expected, let found):
      return
        "\(file): frame \(frame) is \(found) px, but the animation is \(expected) px (every frame must have the same size)"
    case .pixelCount(let file, let frame, let expectedBytes, let foundBytes):
      return "\(file): frame \(frame) holds \(foundBytes) bytes of RGBA, expected \(expectedBytes) (width × height × 4)"
    case .badOption(let message):
      return "GIF option: \(message)"
    case .giflib(let file, let step, let message):
      return "\(file): giflib failed to \(step): \(message)"
    case .finished(let file):
      return "\(file): the animation is already finished"
    }
  }
}
