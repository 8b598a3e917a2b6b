import Foundation
import Testing

@testable import FigureAnimation

/// The rendered frames of an animation are released as soon as they are encoded, so memory does not
/// grow with the frame count.
@Suite(.timeLimit(.minutes(5))) struct AnimationMemoryTests {
  final class Frame: Sendable {
    let pixels: [UInt8]
    init(_ k: Int) { pixels = [UInt8](repeating: UInt8(k % 256), count: 1024) }
  }

  struct Weak { weak var frame: Frame? }

  @Test func concurrentMapKeepsNoResultAliveAfterItsCallerDropsThem() throws {
    var tracked: [Weak] = []
    do {
      let frames = try concurrentMap(Array(0..<16)) { Frame($0) }
      #expect(frames.count == 16 && frames[3].pixels[0] == 3)
      tracked = frames.map { Weak(frame: $0) }
    }
    #expect(tracked.allSatisfy { $0.frame == nil })
  }
}
