import Foundation

/// The committed fuzz inputs of one target: its seeds (`Tests/FuzzCorpus/NAME`) and the inputs that
/// once crashed it (`Tests/FuzzRegressions/NAME`), so the test suite replays both through the readers.
public enum FuzzInputs {
  static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

  /// (file name, bytes) of every seed and regression input of `target` (`IDX`, `Gzip`, ...).
  public static func all(_ target: String) -> [(name: String, data: Data)] {
    ["FuzzCorpus", "FuzzRegressions"].flatMap { folder -> [(name: String, data: Data)] in
      let directory = testsDirectory.appendingPathComponent(folder).appendingPathComponent(target)
      let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
      return names.sorted().filter { $0 != "README" }.compactMap { name in
        FileManager.default.contents(atPath: directory.appendingPathComponent(name).path).map {
          ("\(folder)/\(target)/\(name)", $0)
        }
      }
    }
  }
}
