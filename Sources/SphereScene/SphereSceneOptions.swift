import Graphics2D
import MarginMath

/// How a sphere scene looks. Sizes are in points of the finished figure; alphas in [0, 1].
public struct SphereSceneOptions: Sendable {
  /// Where the viewer sits: chosen to show the most classes, or from a given direction.
  public enum ViewChoice: Sendable, Equatable {
    case automatic
    case direction(Vector3)
  }

  public var view: ViewChoice = .automatic
  /// The world direction that points up in the image.
  public var upHint = Vector3(0, 0, 1)
  /// One colour per class (Okabe–Ito, then two of Tol's muted scheme, by default).
  public var classColors: [Color] = SphereSceneOptions.defaultClassColors
  /// Names for weight labels ("W0", "W1", ... by default).
  public var classNames: [String]?
  public var pointRadius = 1.2
  public var frontAlpha = 0.8
  /// Back-hemisphere points: dimmed and drawn first, under the translucent sphere.
  public var backAlpha = 0.22
  public var showBack = true
  public var showBoundaries = true
  public var showMarginZones = true
  public var showWeights = true
  /// Names at the weight arrows' tips. Off by default, as in the AM-Softmax paper's figure: with ten
  /// classes on a small sphere the names cover the clusters they name.
  public var showsWeightLabels = false
  public var sphereColor = Color(hex: 0xB8C4D6)
  /// The sphere's opacity at its lit centre; the shading fades to about half towards the rim.
  public var sphereAlpha = 0.35
  public var outlineColor = Color(hex: 0x4A4A4A)
  public var boundaryColor = Color(hex: 0x222222)
  /// Light, so a loss whose margin zones cover most of the sphere still shows its clusters.
  public var zoneColor = Color(hex: 0x808080, alpha: 0.16)
  public var lineWidth = 0.9
  public var labelSize = 8.0
  /// Scan density of boundaries and zones (see `SphereBoundaries` and `SphereRegions`).
  public var boundarySamples = 720
  public var zoneAzimuths = 180
  /// Radial march step of the zone search (radians) before bisection; animations use a coarser one.
  public var zoneRadialStep = Double.pi / 90
  /// Raw-feature view: the radius the plot spans, as a quantile of the feature norms (outliers left out).
  public var rawExtentQuantile = 0.99
  /// Raw-feature view: a fixed norm that maps to radius 1 (nil: the quantile above). Animations fix it
  /// over all frames so the axes do not jump.
  public var rawExtent: Double?

  public init() {}

  public static let defaultClassColors: [Color] = [
    0x0072B2, 0xE69F00, 0x009E73, 0xCC79A7, 0x56B4E9, 0xD55E00, 0xF0E442, 0x000000, 0x882255, 0x999933,
  ].map { Color(hex: $0) }

  func name(of k: Int) -> String {
    if let names = classNames, k < names.count { return names[k] }
    return "\(k)"
  }

  /// The view these options select for `input`.
  public func sphereView(for input: SphereSceneInput) throws -> SphereView {
    switch view {
    case .direction(let d):
      guard d.direction != nil else { throw SphereSceneError.viewDirection(d) }
      return SphereView(direction: d, upHint: upHint)
    case .automatic:
      return SphereView.showingMost(of: input.classDirections, upHint: upHint)
    }
  }
}
