import Graphics2D
import Foundation

/// Colours for classes 0, 1, 2, …; classes beyond the list get evenly spaced hues.
public struct Palette: Hashable, Sendable {
  public let name: String
  public let colors: [Color]
  /// Whether the colours are samples of a continuous map in class order (``forClasses(_:)`` above
  /// ``distinctClassLimit``), to be read with a colour bar rather than a legend.
  public let isContinuous: Bool

  public init(name: String, colors: [Color], isContinuous: Bool = false) {
    self.name = name
    self.colors = colors
    self.isContinuous = isContinuous
  }

  /// The colour of class `index`; past the named colours, a golden-angle hue wheel keeps
  /// successive extra classes far apart in hue. Figures of many classes use ``forClasses(_:)``,
  /// which does better.
  public func color(forClass index: Int) -> Color {
    if index >= 0, index < colors.count { return colors[index] }
    let k = Double(max(0, index - colors.count))
    let hue = (k * 0.381966).truncatingRemainder(dividingBy: 1)
    return Self.hsv(hue: hue, saturation: 0.65, value: 0.8)
  }

  /// The most classes a figure tells apart by colour alone. Up to this many, each class gets its
  /// own colour and the legend names it; above, colours follow a continuous map in class order and a
  /// colour bar replaces the legend (classes are then told apart by where they lie on the bar).
  public static let distinctClassLimit = 20

  /// The palette for a figure of `count` classes. Up to ``distinctClassLimit``: the palette's own
  /// colours, then colours chosen one at a time as far as possible (CIELAB distance) from every
  /// colour before them and from the white page, among readable ones (lightness 30–80, chroma
  /// 25–60), so the 20th class is as distinct as a 20th colour can be (with each built-in palette,
  /// every added colour lies at least 25 ΔE from all the others). Above the limit no palette keeps
  /// every pair apart, so the classes take evenly spaced colours of ``continuousMap`` in class order.
  public func forClasses(_ count: Int) -> Palette {
    if count > Self.distinctClassLimit {
      let colors = (0..<count).map { Self.continuousColor(at: count == 1 ? 0 : Double($0) / Double(count - 1)) }
      return Palette(name: name, colors: colors, isContinuous: true)
    }
    guard count > colors.count else { return self }
    return Palette(name: name, colors: colors + Self.distinctExtension(of: colors, count: count - colors.count))
  }

  /// `count` colours added to `base` by farthest-point selection in CIELAB (deterministic: ties go to
  /// the first candidate of a fixed grid). Cached per base palette: a figure asks once per class count.
  static func distinctExtension(of base: [Color], count: Int) -> [Color] {
    let key = base.map { "\($0.red),\($0.green),\($0.blue)" }.joined(separator: ";")
    if let cached = extensionCache.withLock({ $0[key] }), cached.count >= count { return Array(cached.prefix(count)) }
    var chosen = base.map(Lab.init) + [Lab(Color(red: 1, green: 1, blue: 1))]
    var nearest = candidates.map { c in chosen.map { c.lab.distance(to: $0) }.min() ?? .infinity }
    var added: [Color] = []
    let wanted = max(count, distinctClassLimit - base.count)
    for _ in 0..<wanted {
      guard let best = nearest.indices.max(by: { nearest[$0] < nearest[$1] || (nearest[$0] == nearest[$1] && $0 > $1) })
      else { break }
      let pick = candidates[best]
      added.append(pick.color)
      chosen.append(pick.lab)
      for i in candidates.indices { nearest[i] = min(nearest[i], candidates[i].lab.distance(to: pick.lab)) }
    }
    extensionCache.withLock { $0[key] = added }
    return Array(added.prefix(count))
  }

  private static let extensionCache = LockedDictionary<String, [Color]>()

  /// The sRGB grid (steps of 17 of 255) restricted to colours readable as points on white and of
  /// moderate chroma (the fully saturated corners clash with the muted palettes they extend, and
  /// ΔE 1976 overstates their distances).
  private static let candidates: [(color: Color, lab: Lab)] = {
    var out: [(Color, Lab)] = []
    for r in stride(from: 0, through: 255, by: 17) {
      for g in stride(from: 0, through: 255, by: 17) {
        for b in stride(from: 0, through: 255, by: 17) {
          let color = Color(red255: r, green255: g, blue255: b)
          let lab = Lab(color)
          if (30...80).contains(lab.l) && (25...60).contains((lab.a * lab.a + lab.b * lab.b).squareRoot()) {
            out.append((color, lab))
          }
        }
      }
    }
    return out
  }()

  /// The continuous map of many-class figures: viridis (perceptually uniform, readable in grey and
  /// under colour-vision deficiencies), stopped short of its last, pale yellow, which vanishes on
  /// white. `t` runs from 0 (class 0) to 1 (the last class).
  public static func continuousColor(at t: Double) -> Color {
    let stops: [(Double, Double, Double)] = [
      (0.267, 0.005, 0.329), (0.283, 0.141, 0.458), (0.254, 0.265, 0.530), (0.207, 0.372, 0.553),
      (0.164, 0.471, 0.558), (0.128, 0.567, 0.551), (0.135, 0.659, 0.518), (0.267, 0.749, 0.441),
      (0.478, 0.821, 0.318), (0.741, 0.873, 0.150),
    ]
    let x = max(0, min(1, t.isFinite ? t : 0)) * Double(stops.count - 1)
    let i = min(stops.count - 2, Int(x))
    let f = x - Double(i)
    let a = stops[i], b = stops[i + 1]
    return Color(red: a.0 + (b.0 - a.0) * f, green: a.1 + (b.1 - a.1) * f, blue: a.2 + (b.2 - a.2) * f)
  }

  /// The default: Paul Tol's "muted" qualitative scheme (9 colours designed to stay distinct
  /// under the common colour-vision deficiencies and all dark enough to read on white), with
  /// black as a tenth in place of Tol's pale grey, which vanishes on a white page.
  public static let colorBlindSafe = Palette(
    name: "tol-muted",
    colors: [0xCC6677, 0x332288, 0xDDCC77, 0x117733, 0x88CCEE, 0x882255, 0x44AA99, 0x999933, 0xAA4499, 0x000000]
      .map { Color(hex: $0) })

  /// seaborn's "colorblind" palette (10 colours derived from Okabe–Ito; its yellow is faint on white).
  public static let seabornColorblind = Palette(
    name: "colorblind",
    colors: [0x0173B2, 0xDE8F05, 0x029E73, 0xD55E00, 0xCC78BC, 0xCA9161, 0xFBAFE4, 0x949494, 0xECE133, 0x56B4E9]
      .map { Color(hex: $0) })

  /// Okabe & Ito (2008), 8 colours (black last, so it is used only when 8 classes are present).
  public static let okabeIto = Palette(
    name: "okabe-ito",
    colors: [0xE69F00, 0x56B4E9, 0x009E73, 0xF0E442, 0x0072B2, 0xD55E00, 0xCC79A7, 0x000000].map { Color(hex: $0) })

  /// The digit colours of Figure 2 of L-Softmax (Liu et al., ICML 2016), sampled from the legend of
  /// the figure's image in the authors' released code (github.com/wy1iu/LargeMargin_Softmax_Loss;
  /// docs/references/papers.md#l-softmax): magenta 0, MATLAB orange 1, olive 2, … Not colour-blind
  /// safe (2 and 9 nearly coincide under deuteranopia): only for figures that copy the paper's look.
  public static let lSoftmaxPaper = Palette(
    name: "l-softmax-paper",
    colors: [
      (255, 0, 255), (217, 82, 24), (190, 190, 0), (125, 46, 142), (119, 172, 47),
      (77, 189, 237), (161, 19, 46), (0, 113, 188), (0, 126, 0), (236, 176, 31),
    ].map { Color(red255: $0.0, green255: $0.1, blue255: $0.2) })

  /// Palettes by name, for command-line selection.
  public static let all: [Palette] = [.colorBlindSafe, .seabornColorblind, .okabeIto, .lSoftmaxPaper]

  static func hsv(hue: Double, saturation s: Double, value v: Double) -> Color {
    let h = hue * 6
    let i = Int(floor(h)) % 6
    let f = h - floor(h)
    let p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f))
    switch i {
    case 0: return Color(red: v, green: t, blue: p)
    case 1: return Color(red: q, green: v, blue: p)
    case 2: return Color(red: p, green: v, blue: t)
    case 3: return Color(red: p, green: q, blue: v)
    case 4: return Color(red: t, green: p, blue: v)
    default: return Color(red: v, green: p, blue: q)
    }
  }
}

/// A colour in CIELAB (D65), where Euclidean distance (ΔE 1976) approximates perceived difference.
struct Lab {
  let l: Double
  let a: Double
  let b: Double

  init(_ color: Color) {
    func linear(_ v: Double) -> Double { v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4) }
    let r = linear(color.red), g = linear(color.green), bl = linear(color.blue)
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * bl
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883
    func f(_ t: Double) -> Double { t > 0.008856 ? cbrt(t) : 7.787 * t + 16 / 116 }
    l = 116 * f(y) - 16
    a = 500 * (f(x) - f(y))
    b = 200 * (f(y) - f(z))
  }

  func distance(to other: Lab) -> Double {
    let dl = l - other.l, da = a - other.a, db = b - other.b
    return (dl * dl + da * da + db * db).squareRoot()
  }
}

/// A dictionary behind a lock, for caches shared by threads that lay figures out.
final class LockedDictionary<Key: Hashable, Value>: @unchecked Sendable {
  // Unchecked: every access holds the lock.
  private let lock = NSLock()
  private var storage: [Key: Value] = [:]

  func withLock<T>(_ body: (inout [Key: Value]) -> T) -> T {
    lock.lock()
    defer { lock.unlock() }
    return body(&storage)
  }
}
