/// What trained a run: the training-code fingerprint of this build and the ledger of earlier
/// fingerprints whose runs it reproduces bit for bit.
///
/// `stamp` and `reproduced` are generated at build time (ProvenancePlugin runs the
/// `training-fingerprint` tool over the training modules' sources and
/// `ReproducedTrainingCode.json`), so they always describe the code this binary was built from.
/// Each checkpoint records the stamp in its configuration: a shipped result trained by other
/// training code is stale, unless the ledger lists that code's stamp for the run's network.
public enum TrainingCode {
  /// One ledger entry: what changed since that code and the evidence that the bits did not.
  public struct Reproduction: Sendable {
    public let evidence: String
    /// The networks (by their experiment-file names) whose runs this code computes differently.
    public let except: Set<String>

    public init(evidence: String, except: Set<String>) {
      self.evidence = evidence
      self.except = except
    }
  }

  /// Whether the ledger lists `stamp` as earlier code whose runs of `network` this code reproduces.
  public static func reproduces(_ stamp: String, network: String) -> Bool {
    reproduced[stamp].map { !$0.except.contains(network) } ?? false
  }
}
