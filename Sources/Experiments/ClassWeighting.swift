/// How per-class loss weights are chosen for `weighted-softmax`.
public enum ClassWeighting: Codable, Equatable, Sendable {
  case explicit([Double])
  /// w_c = N / (C · n_c) from the training split's class counts.
  case balanced
  /// w_c = 1 − n_c / N (HED's rule generalised to C classes).
  case complement
}
