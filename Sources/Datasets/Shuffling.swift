import Randomness

/// A Fisher–Yates permutation of 0..<count that depends only on the generator's state.
/// (The standard library's `shuffled(using:)` does not promise a stable algorithm across versions.)
func seededPermutation(count: Int, using generator: inout SeededGenerator) -> [Int] {
  var order = Array(0..<count)
  guard count > 1 else { return order }
  for i in stride(from: count - 1, to: 0, by: -1) {
    let j = Int(generator.next() % UInt64(i + 1))
    order.swapAt(i, j)
  }
  return order
}
