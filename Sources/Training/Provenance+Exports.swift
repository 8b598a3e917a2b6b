// Training's callers name the code version and the training-code fingerprint through Training,
// whose runs record them: one module (Provenance) owns both.
@_exported import Provenance
