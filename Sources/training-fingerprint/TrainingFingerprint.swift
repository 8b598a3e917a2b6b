import Foundation
import ProvenanceCore

// The one implementation of the training-code fingerprint, run by the build (ProvenancePlugin
// generates the `TrainingCode` constants with it) and by `make stamp`:
//   training-fingerprint --sources DIR                                   prints the fingerprint
//   training-fingerprint --sources DIR --ledger JSON --output SWIFT      writes the constants

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("training-fingerprint: \(message)\n".utf8))
  exit(2)
}

// A type with `main` rather than top-level code, so builds that pass -parse-as-library to every
// target (the fuzz builds) can still build this tool.
@main struct TrainingFingerprint {
  static func main() {
    var options: [String: String] = [:]
    var arguments = CommandLine.arguments.dropFirst()
    while let flag = arguments.popFirst() {
      guard ["--sources", "--ledger", "--output"].contains(flag), let value = arguments.popFirst() else {
        fail("usage: training-fingerprint --sources DIR [--ledger JSON --output SWIFT]")
      }
      options[flag] = value
    }
    guard let sources = options["--sources"] else { fail("--sources DIR is required") }
    let stamp: String
    do {
      stamp = try SourceFingerprint.fingerprint(of: SourceFingerprint.trainingFiles(in: URL(fileURLWithPath: sources)))
    } catch {
      fail("cannot read the training sources in \(sources): \(error.localizedDescription)")
    }
    guard let output = options["--output"] else {
      print(stamp)
      exit(0)
    }
    guard let ledgerPath = options["--ledger"] else { fail("--output needs --ledger JSON") }
    let ledger: ReproductionLedger
    do {
      ledger = try ReproductionLedger(data: Data(contentsOf: URL(fileURLWithPath: ledgerPath)), path: ledgerPath)
    } catch {
      fail("\(error)")
    }
    let text = ledger.swiftSource(currentStamp: stamp)
    // Rewritten only when it changes, so an unchanged fingerprint recompiles nothing.
    if (try? String(contentsOfFile: output, encoding: .utf8)) != text {
      do {
        try text.write(toFile: output, atomically: true, encoding: .utf8)
      } catch {
        fail("cannot write \(output): \(error.localizedDescription)")
      }
    }
  }
}
