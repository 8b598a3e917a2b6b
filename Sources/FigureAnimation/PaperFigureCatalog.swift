import Experiments
import Figures

/// Every named output `margins render --figure NAME|all` and `make figures` draw, in the report's
/// order: the still figures (PNG, SVG, PDF) and then the animations (GIF). The one list the command
/// line and the report ask; it lives here because the animations build on the still figures.
public enum PaperFigureCatalog {
  /// A still figure or an animation, by its name.
  public enum Entry: Sendable {
    case still(PaperFigure)
    case animation(PaperAnimation)

    public var name: String {
      switch self {
      case .still(let figure): figure.name
      case .animation(let animation): animation.name
      }
    }

    public var summary: String {
      switch self {
      case .still(let figure): figure.summary
      case .animation(let animation): animation.summary
      }
    }

    /// The file extension of the drawn file the report embeds.
    public var embeddedExtension: String {
      if case .animation = self { return "gif" }
      return "png"
    }

    /// The runs it draws, resolved against the experiment files.
    public func runs(in source: CheckpointSource) throws -> [RunReference] {
      switch self {
      case .still(let figure): try figure.runs(in: source)
      case .animation(let animation): try animation.runs(in: source)
      }
    }

    /// The report's entry for it.
    public var reportItem: ResultsReport.Item {
      ResultsReport.Item(name: name, summary: summary, isAnimation: embeddedExtension == "gif")
    }
  }

  public static let all: [Entry] = PaperFigure.all.map(Entry.still) + PaperAnimation.all.map(Entry.animation)

  public static var names: [String] { all.map(\.name) }

  public static func named(_ name: String) -> Entry? { all.first { $0.name == name } }
}
