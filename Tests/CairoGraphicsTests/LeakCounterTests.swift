import CairoGraphics
import Testing

@Suite("Live-handle counter")
struct LeakCounterTests {
  @Test func countsObjectsThatEscapeAndReleasesThemLater() throws {
    let (escaped, leaked) = try CairoHandles.trackingLeaks {
      let image = try ImageSurface(width: 2, height: 2)
      _ = try Context(surface: image)
      return image
    }
    #expect(leaked == 1, "the returned surface is still alive; its context is gone")
    withExtendedLifetime(escaped) {}
  }

  @Test func contextKeepsItsSurfaceAlive() throws {
    let ((), leaked) = try CairoHandles.trackingLeaks {
      var context: Context? = try Context(surface: ImageSurface(width: 2, height: 2))
      #expect(context?.surface is ImageSurface)
      context = nil
    }
    #expect(leaked == 0)
  }

  @Test func failedCreationLeavesNothingAlive() {
    let ((), leaked) = CairoHandles.trackingLeaks {
      _ = try? ImageSurface(contentsOfPNG: "/nonexistent/a.png")
      _ = try? ImageSurface(width: 0, height: 1)
    }
    #expect(leaked == 0)
  }
}
