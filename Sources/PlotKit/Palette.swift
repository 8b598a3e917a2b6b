import Graphics2D
import Foundation

/// Colours for classes 0, 1, 2, …; classes beyond the list get evenly spaced hues.
public struct Palette: Hashable, Sendable {
  public let name: String
  public let colors: [Color]

  public init(name: String, colors: [Color]) {
    self.name = name
    self.colors = colors
  }

  /// The colour of class `index`; past the named colours, a golden-angle hue wheel keeps
  /// successive extra classes far apart in hue.
  public func color(forClass index: Int) -> Color {
    if index >= 0, index < colors.count { return colors[index] }
    let k = Double(max(0, index - colors.count))
    let hue = (k * 0.381966).truncatingRemainder(dividingBy: 1)
    return Self.hsv(hue: hue, saturation: 0.65, value: 0.8)
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

  /// The digit colours of the L-Softmax paper's Figure 2, sampled from the legend of the
  /// official image (papers.md §1.1): magenta 0, MATLAB orange 1, olive 2, … Not colour-blind
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
