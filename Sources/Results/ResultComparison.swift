import Checkpoints
import Foundation

/// A shipped run against the same run retrained on this machine (`make reproduce`).
///
/// On the same CPU model, kernel ISA and thread setting the training is deterministic, so the
/// feature arrays must be identical bit for bit. Across ISAs the Float roundings differ from the
/// first convolution on, the trajectories part, and only the summary numbers can agree: within
/// `Tolerance.crossMachine`, which is as wide as the run-to-run spread of such trainings and no wider
/// than the 0.5-point distance to the papers that the default profile promises. Another CPU model
/// with the same ISA usually gives the same bits, but need not: oneDNN sizes its kernels' blocking
/// to the CPU's caches, which changes the order of some sums, so there the tolerance applies too.
public struct ResultComparison: Sendable {
  public struct Tolerance: Sendable {
    public var accuracyPoints: Double
    public var angleDegrees: Double
    public var marginDegrees: Double

    public static let crossMachine = Tolerance(accuracyPoints: 0.5, angleDegrees: 1.5, marginDegrees: 5)
  }

  public struct Numbers: Sendable {
    public var epoch: Int
    public var testAccuracy: Double
    public var angleToOwnWeight: Double
    public var achievedMargin: Double?
    public var kernel: String
    /// The CPU model that trained it (nil in checkpoints that predate recording it).
    public var cpuModel: String?

    init(_ metadata: CheckpointMetadata) {
      epoch = metadata.epoch
      testAccuracy = 100 * metadata.accuracy.test
      angleToOwnWeight = metadata.metrics["test"]?.meanAngleToOwnWeightDegrees ?? .nan
      achievedMargin = metadata.metrics["test"]?.achievedMarginDegrees
      kernel = "\(metadata.kernelISA ?? "unknown ISA"), \(metadata.threads)x\(metadata.kernelThreads) threads"
      cpuModel = metadata.cpuModel
    }
  }

  public let experiment: String
  public let run: String
  public let shipped: Numbers
  public let reproduced: Numbers
  /// Epochs whose feature arrays (train, test, class weights) are identical bit for bit.
  public let identicalEpochs: [Int]
  /// Epochs compared (those both runs saved).
  public let comparedEpochs: [Int]

  public var byteIdentical: Bool { !comparedEpochs.isEmpty && identicalEpochs == comparedEpochs }
  public var sameKernel: Bool { shipped.kernel == reproduced.kernel }
  /// Both runs name their CPU model and it is the same one.
  public var sameCPU: Bool { shipped.cpuModel != nil && shipped.cpuModel == reproduced.cpuModel }

  /// Why the reproduction does not confirm the shipped result (nil when it does).
  public func mismatch(tolerance: Tolerance = .crossMachine) -> String? {
    if shipped.epoch != reproduced.epoch {
      return "reproduced epoch \(reproduced.epoch), shipped \(shipped.epoch)"
    }
    if byteIdentical { return nil }
    if sameKernel && sameCPU { return "same CPU, ISA and threads, but the feature arrays differ" }
    var problems: [String] = []
    if abs(shipped.testAccuracy - reproduced.testAccuracy) > tolerance.accuracyPoints {
      problems.append(
        String(format: "test accuracy differs by %.2f points", abs(shipped.testAccuracy - reproduced.testAccuracy)))
    }
    if !(abs(shipped.angleToOwnWeight - reproduced.angleToOwnWeight) <= tolerance.angleDegrees) {
      problems.append(
        String(format: "angle differs by %.2f°", abs(shipped.angleToOwnWeight - reproduced.angleToOwnWeight)))
    }
    if let a = shipped.achievedMargin, let b = reproduced.achievedMargin, abs(a - b) > tolerance.marginDegrees {
      problems.append(String(format: "achieved margin differs by %.1f°", abs(a - b)))
    }
    return problems.isEmpty ? nil : problems.joined(separator: "; ")
  }

  /// Compares the newest checkpoints of two run directories and every epoch both saved.
  public init(shipped: RunDirectory, reproduced: RunDirectory, experiment: String, run: String) throws {
    self.experiment = experiment
    self.run = run
    guard let shippedLast = shipped.savedEpochs().last else {
      throw CheckpointError.missing(path: shipped.path, hint: "Nothing is shipped for this run.")
    }
    guard let reproducedLast = reproduced.savedEpochs().last else {
      throw CheckpointError.missing(path: reproduced.path, hint: "It was not reproduced: run `make reproduce`.")
    }
    self.shipped = Numbers(try shipped.readMetadata(epoch: shippedLast))
    self.reproduced = Numbers(try reproduced.readMetadata(epoch: reproducedLast))
    let common = Set(shipped.savedEpochs()).intersection(reproduced.savedEpochs()).sorted()
    comparedEpochs = common
    identicalEpochs = try common.filter { epoch in
      let a = try shipped.readCheckpoint(epoch: epoch)
      let b = try reproduced.readCheckpoint(epoch: epoch)
      return Self.sameBits(a.trainFeatures, b.trainFeatures) && Self.sameBits(a.testFeatures, b.testFeatures)
        && Self.sameBits(a.classWeights, b.classWeights) && a.trainLabels == b.trainLabels
        && a.testLabels == b.testLabels
    }
  }

  static func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
  }

  /// One table row: shipped against reproduced.
  public var row: String {
    func margin(_ value: Double?) -> String { value.map { String(format: "%5.1f°", $0) } ?? "    —" }
    let verdict =
      mismatch().map { "MISMATCH: \($0)" }
      ?? (byteIdentical
        ? "ok, arrays byte-identical" : "ok, within tolerance (\(sameKernel ? "same ISA, other CPU" : "other ISA"))")
    func padded(_ text: String, _ width: Int) -> String {
      text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0)
    }
    return padded(experiment, 16) + " " + padded(run, 18)
      + String(
        format: " %6.2f%% %6.2f%%   %5.2f° %5.2f°   %@ %@   %@", shipped.testAccuracy, reproduced.testAccuracy,
        shipped.angleToOwnWeight,
        reproduced.angleToOwnWeight, margin(shipped.achievedMargin), margin(reproduced.achievedMargin), verdict)
  }

  public static let header =
    "experiment       run                 test acc. shipped/repro.   angle to own W   achieved margin   verdict"
}
