import PlotKit

/// A renderer that implements only what the protocol requires, so every marker, image and string
/// reaches it through the default implementations, as paths. Text is measured as 0.6 em per
/// character, with ascent 0.75 em: enough for layout arithmetic.
final class RecordingRenderer: Renderer {
  struct Call {
    let path: Path
    let style: PathStyle
    let clip: [Path]
  }

  private(set) var calls: [Call] = []

  func drawPath(_ path: Path, style: PathStyle, clip: [Path]) {
    calls.append(Call(path: path, style: style, clip: clip))
  }

  func measureText(_ text: String, font: Font) -> TextMetrics {
    let w = 0.6 * font.size * Double(text.count)
    return TextMetrics(advance: w, inkLeft: 0, inkTop: -0.75 * font.size, inkWidth: w, inkHeight: 0.75 * font.size)
  }

  /// Calls whose fill is `color` (ignoring alpha).
  func fills(_ color: Color) -> [Call] {
    calls.filter { c in
      c.style.fill.map { $0.red == color.red && $0.green == color.green && $0.blue == color.blue } ?? false
    }
  }
}
