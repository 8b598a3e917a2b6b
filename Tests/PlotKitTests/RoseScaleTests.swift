import Foundation
import Testing

@testable import PlotKit

@Suite("Rose views scaled to the data")
struct RoseScaleTests {
  static func rose(_ angles: [Double]) -> RoseLayer {
    let h = Histogram(values: angles, binCount: 36, range: 0...180)
    return RoseLayer(series: [HistogramSeries(name: "test", histogram: h, color: .black)])
  }

  @Test func anglesUnderFortyDegreesShowZeroToSixty() throws {
    let layer = Self.rose([2, 5, 11, 17, 23, 38])
    #expect(layer.span == 60)
    let b = try #require(layer.dataBounds)
    // A 60° wedge: nothing of the left half-plane or below the axis is asked for.
    #expect(b.x.lower > -0.1 && b.y.lower > -0.1 && b.y.upper < 1)
  }

  @Test func obtuseAnglesKeepTheHalfCircle() {
    #expect(Self.rose([10, 170]).span == 180)
  }
}
