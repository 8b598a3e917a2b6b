import CairoGraphics
import PlotKit

/// The kit's ``Renderer`` over a CairoGraphics ``Context`` (user space in points), with fast
/// paths for markers (one stroked path of round dots), images (one surface, nearest filter) and
/// text (Cairo's toy font API).
///
/// Cairo errors are sticky; drawing calls cannot throw, so the first failure is kept and
/// ``finish(_:)`` throws it.
public final class CairoRenderer: Renderer {
  public let context: Context
  private var firstError: CairoError?

  public init(context: Context) {
    self.context = context
  }

  /// A renderer that only measures text (on a 1 × 1 image).
  public static func measuring() throws(CairoError) -> CairoRenderer {
    CairoRenderer(context: try Context(surface: ImageSurface(width: 1, height: 1)))
  }

  /// Throws the first error met while drawing, or Cairo's own status.
  public func finish(_ operation: String) throws(CairoError) {
    if let firstError { throw firstError }
    try context.checkStatus(operation)
  }

  private func clipped(_ clip: [Path], _ body: () -> Void) {
    context.withSavedState {
      for path in clip {
        add(path)
        context.clip()
      }
      body()
    }
  }

  private func add(_ path: Path) {
    context.newPath()
    for element in path.elements {
      switch element {
      case .move(let p): context.move(to: p)
      case .line(let p): context.line(to: p)
      case .curve(let p, let c1, let c2): context.curve(to: p, control1: c1, control2: c2)
      case .close: context.closePath()
      }
    }
  }

  private func apply(_ stroke: Stroke) {
    context.setSource(stroke.color)
    context.lineWidth = stroke.width
    context.setDash(stroke.dash)
    context.lineCap =
      switch stroke.cap {
      case .butt: .butt
      case .round: .round
      case .square: .square
      }
    context.lineJoin =
      switch stroke.join {
      case .miter: .miter
      case .round: .round
      case .bevel: .bevel
      }
  }

  public func drawPath(_ path: Path, style: PathStyle, clip: [Path]) {
    guard !path.isEmpty else { return }
    clipped(clip) {
      add(path)
      if let fill = style.fill {
        context.setSource(fill)
        context.fill(preserve: style.stroke != nil)
      }
      if let stroke = style.stroke {
        apply(stroke)
        context.stroke()
      }
    }
  }

  public func drawMarkers(at centers: [Point], diameter: Double, color: Color, clip: [Path]) {
    guard !centers.isEmpty else { return }
    clipped(clip) {
      context.newPath()
      // Zero-length round-capped segments: one path for the whole class, one <path> in SVG.
      for c in centers { context.addDot(at: c) }
      apply(Stroke(color: color, width: diameter, cap: .round))
      context.stroke()
    }
  }

  public func drawImage(_ image: RasterImage, in frame: Rect, clip: [Path]) {
    guard image.width > 0, image.height > 0 else { return }
    let surface: ImageSurface
    do {
      surface = try ImageSurface(width: image.width, height: image.height, premultipliedARGB: image.premultipliedARGB)
    } catch {
      firstError = firstError ?? error
      return
    }
    clipped(clip) {
      context.translate(x: frame.minX, y: frame.minY)
      context.scale(x: frame.width / Double(image.width), y: frame.height / Double(image.height))
      context.setSource(surface, at: .zero, filter: .nearest)
      context.paint()
    }
  }

  public func drawText(_ text: String, at origin: Point, style: TextStyle, clip: [Path]) {
    clipped(clip) {
      context.setFont(style.font)
      context.translate(x: origin.x, y: origin.y)
      if style.rotation != 0 { context.rotate(by: -style.rotation) }
      if let halo = style.halo {
        context.newPath()
        context.addTextPath(text, at: .zero)
        apply(halo)
        context.stroke(preserve: true)
        context.setSource(style.color)
        context.fill()
      } else {
        context.setSource(style.color)
        context.showText(text, at: .zero)
      }
    }
  }

  public func measureText(_ text: String, font: Font) -> TextMetrics {
    context.setFont(font)
    let e = context.textExtents(text)
    return TextMetrics(
      advance: e.advanceX, inkLeft: e.bearingX, inkTop: e.bearingY, inkWidth: e.width, inkHeight: e.height)
  }
}
