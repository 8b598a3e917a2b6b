import PlotKit

/// Text lines in the top-left corner of a panel's axes box, placed in axes coordinates (a fixed
/// offset from the box, whatever the data limits), so the frame label of an animation stays put.
public struct FrameLabelLayer: PlotLayer {
  public var lines: [String]
  public var size: Double

  public init(lines: [String], size: Double = 7) {
    self.lines = lines
    self.size = size
  }

  public var dataBounds: AxisLimits? { nil }
  public var legendEntries: [LegendEntry] { [] }

  public func draw(in canvas: PlotCanvas) throws {
    let box = canvas.mapping.box
    let font = Font(family: canvas.fontFamily, size: size)
    for (k, line) in lines.enumerated() {
      canvas.renderer.drawText(
        line, at: Point(x: box.minX + 0.4 * size, y: box.minY + size * (1.25 + 1.2 * Double(k))),
        style: TextStyle(font: font, color: .gray(0.15), halo: Stroke(color: .white, width: size * 0.3)),
        clip: canvas.clip)
    }
  }
}
