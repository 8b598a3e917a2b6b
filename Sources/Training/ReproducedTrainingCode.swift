import Engine

extension TrainingCode {
  /// Stamps of earlier training code whose runs this code reproduces bit for bit, with the change
  /// and the evidence. A run recorded under one of them is neither stale nor refused on resume, so a
  /// change that only reorganises how the same numbers are computed (a faster kernel schedule, say)
  /// does not force hours of retraining for identical bytes.
  ///
  /// Add an entry only when `scripts/check-reproduction.sh OLD_BINARY NEW_BINARY` reports every
  /// array identical for every network the shipped results train (it trains each on a subset with
  /// both binaries), and tests pin the changed code paths bit for bit. Any change to what is
  /// computed gets no entry: the results are retrained. This file is outside the stamp (it changes
  /// no arithmetic).
  ///
  /// Code before the fix that creates oneDNN primitives under the kernel thread count (Engine
  /// README, "Primitives are created under the kernel thread count too") could, under load, build a
  /// backward-weights primitive for OpenMP's default thread count and so give a 2-worker run other
  /// bits. What the entries below reproduce are the runs that were not hit, which is what such a
  /// binary computes with `OMP_NUM_THREADS=1` and what `scripts/check-reproduction.sh` (which pins
  /// it) compares against.
  ///
  /// An entry names the networks it does not cover: their runs were computed differently (the
  /// mlp's 256-wide layers now split their weight gradient by output feature; no shipped run uses
  /// the mlp) and stay stale.
  public static let reproduced: [String: Reproduction] = [
    "0f2ba5f86cac7ae0":
      Reproduction(
        evidence:
          "trained by commit 7675c75; reproduced by the engine that runs convolutions in chunks of 16 images, evaluates "
          + "convolution runs in the blocked layout and steps SGD in one pass (2026-12-01, avx512_core_amx: "
          + "scripts/check-reproduction.sh lenetpp and compact byte-identical; ConvolutionTests."
          + "chunkingKeepsForwardAndInputGradientBits, BlockedEvaluationTests)",
        except: [.mlp]),
    "910aabcf100d2ac3":
      Reproduction(
        evidence:
          "trained by commit 3c0b7a1 (the paper profile from m1's epoch 17 on); reproduced once the blocked evaluation "
          + "also releases the layers' training inputs (2026-12-01, avx512_core_amx: scripts/check-reproduction.sh "
          + "against the binary of 7675c75 byte-identical, as it was for 3c0b7a1's); and by the engine that creates "
          + "primitives under the kernel thread count and adds weight-gradient partials split over the workers "
          + "(2026-12-01, avx512_core_amx: scripts/check-reproduction.sh against the binary of 3c0b7a1 byte-identical; "
          + "PrimitiveThreadTests)",
        except: [.mlp]),
    "ed2bbd26cbdfeec2":
      Reproduction(
        evidence:
          "trained by commit 4b5228c (the paper profile's m4); reproduced once the stamp leaves out the benchmark-only "
          + "files (Engine/Benchmark.swift, Engine/GemmBound.swift) and the benchmark trims the heap before measuring "
          + "a peak (2026-12-01, avx512_core_amx: scripts/check-reproduction.sh against the binary of 4b5228c "
          + "byte-identical)",
        except: [.mlp]),
    "bb77c6ab9a099e21":
      Reproduction(
        evidence:
          "the code of commits 7a04f8f to 9ff4436 (no shipped run); reproduced by the engine that runs a Linear and "
          + "the PReLU after it as one pass, steps SGD and clears gradients split over the workers and splits the "
          + "weight gradient of layers at least 128 features per worker wide by output feature (2026-12-01, "
          + "avx512_core_amx: scripts/check-reproduction.sh against the binary of 4b5228c byte-identical; "
          + "FusedLinearTests.fusedPassKeepsTheBitsOfTheTwoLayers, OptimizerTests.splitUpdateKeepsTheBits); "
          + "not for the mlp, whose 256-wide layers are split by output feature now",
        except: [.mlp]),
    "c6dcbd6a5684428d":
      Reproduction(
        evidence:
          "the code of commits 009224d to 1156f4c (no shipped run); reproduced by the engine that runs parallelFor's "
          + "parts on long-lived helper threads and a wide layer's fused PReLU backward by output feature inside its "
          + "weight-gradient pass (2026-12-02, avx512_core_amx: NETWORKS=\"lenetpp compact mlp\" "
          + "scripts/check-reproduction.sh against the binary of 1156f4c byte-identical; "
          + "FusedLinearTests.wideFusedPassKeepsTheBitsOfTheTwoLayers, WorkerPoolTests)",
        except: []),
    "2380091f4b719ef1":
      Reproduction(
        evidence:
          "the code of commits 9168e33 to 75e4723 (no shipped run); reproduced once the trainer, not only the "
          + "benchmark, clears large gradients split over the workers (Parameter.zeroGradient(workers:)) "
          + "(2026-12-02, avx512_core_amx: NETWORKS=\"lenetpp compact mlp\" scripts/check-reproduction.sh "
          + "against the binary of 9168e33 byte-identical)",
        except: []),
  ]

  /// What a listed stamp's runs have in common with this code's.
  public struct Reproduction: Sendable {
    /// The change since that code and the evidence that it keeps the bits.
    public let evidence: String
    /// The networks whose runs this code computes differently: theirs stay stale.
    public let except: Set<Architecture>
  }

  /// Whether `stamp` is a listed earlier stamp whose runs of `network` this code reproduces.
  public static func reproduces(_ stamp: String, for network: Architecture) -> Bool {
    reproduced[stamp].map { !$0.except.contains(network) } ?? false
  }
}
