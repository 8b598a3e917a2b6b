import FigureAnimation
import Figures
import Testing

/// The one list of named figures the command line and the report ask: every still figure, then
/// every animation, each name once.
@Suite struct PaperFigureCatalogTests {
  @Test func listsEveryStillThenEveryAnimationOnce() {
    let names = PaperFigureCatalog.names
    #expect(names == PaperFigure.all.map(\.name) + PaperAnimation.all.map(\.name))
    #expect(Set(names).count == names.count, "a name is used twice: \(names)")
    for name in names { #expect(PaperFigureCatalog.named(name)?.name == name) }
    #expect(PaperFigureCatalog.named("no-such-figure") == nil)
  }

  @Test func animationsAreEmbeddedAsGIFsAndStillsAsPNGs() {
    for entry in PaperFigureCatalog.all {
      switch entry {
      case .still: #expect(entry.embeddedExtension == "png" && !entry.reportItem.isAnimation)
      case .animation: #expect(entry.embeddedExtension == "gif" && entry.reportItem.isAnimation)
      }
    }
  }
}
