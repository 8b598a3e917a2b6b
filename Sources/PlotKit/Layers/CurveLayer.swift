import Graphics2D

/// Lines through data points: ψ(θ) curves, λ schedules, training logs, decision boundaries.
public struct CurveLayer: PlotLayer {
  public var curves: [Polyline]

  public init(curves: [Polyline]) {
    self.curves = curves
  }

  public var dataBounds: AxisLimits? {
    AxisLimits(bounding: curves.flatMap(\.points))
  }

  public var legendEntries: [LegendEntry] {
    curves.compactMap { c in c.name.map { LegendEntry(label: $0, color: c.color, symbol: .line(dash: c.dash)) } }
  }

  public func draw(in canvas: PlotCanvas) throws {
    for curve in curves {
      // NaN gaps (missing log values) split the line instead of drawing through them.
      var run = [Point]()
      for p in curve.points {
        if p.x.isFinite && p.y.isFinite && (canvas.mapping.yScale == .linear || p.y > 0) {
          run.append(p)
        } else if !run.isEmpty {
          canvas.strokePolyline(run, color: curve.color, width: curve.lineWidth, dash: curve.dash)
          run = []
        }
      }
      if !run.isEmpty {
        canvas.strokePolyline(run, color: curve.color, width: curve.lineWidth, dash: curve.dash)
      }
    }
  }
}

/// Filled polygons: margin regions of decision-boundary diagrams (grey, as the papers draw them).
public struct RegionLayer: PlotLayer {
  public var regions: [Polygon]

  public init(regions: [Polygon]) {
    self.regions = regions
  }

  public var dataBounds: AxisLimits? { AxisLimits(bounding: regions.flatMap(\.points)) }

  public var legendEntries: [LegendEntry] {
    regions.compactMap { r in r.name.map { LegendEntry(label: $0, color: r.fill, symbol: .patch) } }
  }

  public func draw(in canvas: PlotCanvas) throws {
    for region in regions where region.points.count >= 3 {
      canvas.fillPolygon(region.points, color: region.fill)
    }
  }
}
