import PlotKit

/// Text lines in the top-left corner of a panel's axes box, placed in axes coordinates (a fixed
/// offset from the box, whatever the data limits), so the frame label of an animation stays put.
/// Lines wider than the box shrink (down to ``minimumSize``) and then break at their " · "
/// separators, so a narrow panel (a 3.25 in column) shows the whole label instead of clipping it.
public struct FrameLabelLayer: PlotLayer {
  public var lines: [String]
  public var size: Double
  /// The smallest font size a line shrinks to before it breaks.
  public var minimumSize: Double

  public init(lines: [String], size: Double = 7, minimumSize: Double = 5) {
    self.lines = lines
    self.size = size
    self.minimumSize = min(minimumSize, size)
  }

  public var dataBounds: AxisLimits? { nil }
  public var legendEntries: [LegendEntry] { [] }

  /// The lines as drawn in a box `width` points wide, and their font size.
  func fitted(width: Double, measure: (String, Double) -> Double) -> (lines: [String], size: Double) {
    func widest(_ lines: [String], _ size: Double) -> Double {
      lines.map { measure($0, size) + 0.8 * size }.max() ?? 0
    }
    let whole = widest(lines, size)
    if whole <= width { return (lines, size) }
    let shrunk = max(minimumSize, size * width / whole)
    if widest(lines, shrunk) <= width { return (lines, shrunk) }
    let broken = lines.flatMap { $0.components(separatedBy: " · ") }
    let brokenWidth = widest(broken, size)
    return (broken, brokenWidth <= width ? size : max(minimumSize, size * width / brokenWidth))
  }

  public func draw(in canvas: PlotCanvas) throws {
    let box = canvas.mapping.box
    let fit = fitted(width: box.width) { line, size in
      let m = canvas.renderer.measureText(line, font: Font(family: canvas.fontFamily, size: size))
      return m.inkLeft + m.inkWidth
    }
    let font = Font(family: canvas.fontFamily, size: fit.size)
    for (k, line) in fit.lines.enumerated() {
      canvas.renderer.drawText(
        line, at: Point(x: box.minX + 0.4 * fit.size, y: box.minY + fit.size * (1.25 + 1.2 * Double(k))),
        style: TextStyle(font: font, color: .gray(0.15), halo: Stroke(color: .white, width: fit.size * 0.3)),
        clip: canvas.clip)
    }
  }
}
