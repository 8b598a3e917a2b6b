import Foundation

/// Per-class loss weights computed from class counts, generalising HED's class balancing to C classes.
///
/// HED (Xie & Tu, ICCV 2015) weighs each of its two classes by the other's frequency, `β = |Y−|/|Y|`, so both
/// classes contribute equally in total. For C > 2 two generalisations exist:
/// - `balanced(counts:)`, w_c = N / (C·n_c): every class contributes equally (n_c·w_c = N/C), exactly
///   HED's property. The default, because it is the one that actually rebalances a skewed MNIST.
/// - `complement(counts:)`, w_c = 1 − n_c/N: the literal extension of β. On real MNIST it is nearly
///   uniform (0.888…0.910, docs/references/papers.md#hed-class-balanced-cross-entropy), and for C > 2
///   it no longer equalises class totals.
/// For C = 2 both give the same ratio w_1/w_2 = n_2/n_1 as HED. Absent classes (n_c = 0) get weight 0.
public enum ClassWeights {
  public static func balanced(counts: [Int]) -> [Double] {
    let total = Double(counts.reduce(0, +))
    let classes = Double(counts.count)
    return counts.map { $0 > 0 ? total / (classes * Double($0)) : 0 }
  }

  public static func complement(counts: [Int]) -> [Double] {
    let total = Double(counts.reduce(0, +))
    return counts.map { $0 > 0 && total > 0 ? 1 - Double($0) / total : 0 }
  }
}
