import ArgumentParser
import Figures
import Foundation

/// How `plot` and `metrics` read users' files: the same options, the same notes.
struct EmbeddingInputOptions: ParsableArguments {
  @Option(parsing: .singleValue, help: "Labels (.npy [N]) for each .npy features file, in order.")
  var labels: [String] = []

  @Option(
    help: "Class weights (.npy [C, D]; [D, C] is transposed with a note) for every file (overrides the files' own).")
  var classWeights: String?

  @Option(
    help: ArgumentHelp(
      "The array holding the features (a CSV: comma-separated columns), when it is not features/embeddings/feats/X/arr_0.",
      valueName: "key"))
  var featuresKey: String?

  @Option(
    help: ArgumentHelp(
      "The array (or CSV column) holding the labels, when it is not labels/y/targets/class/arr_1.", valueName: "key"))
  var labelsKey: String?

  @Option(
    help: ArgumentHelp("The array holding the class weights, e.g. fc.weight of a saved state_dict.", valueName: "key"))
  var weightsKey: String?

  @Option(help: ArgumentHelp("A text file with one class name per line (class 0 first).", valueName: "file"))
  var classNames: String?

  @Flag(help: "Drop rows with NaN or infinite features (the count is printed and captioned) instead of failing.")
  var dropNonfinite = false

  func validate(_ files: [String]) throws {
    guard !files.isEmpty else { throw ValidationError("give at least one embedding file") }
    let npy = files.filter { $0.lowercased().hasSuffix(".npy") }.count
    guard labels.count == npy else {
      throw ValidationError("\(npy) .npy feature file(s) need as many --labels files, got \(labels.count)")
    }
  }

  /// The side files these options name (labels, class weights, class names), for the writers to spare.
  var files: [String] { labels + [classWeights, classNames].compactMap { $0 } }

  var readOptions: EmbeddingReader.Options {
    EmbeddingReader.Options(
      dropNonfinite: dropNonfinite, classWeightsPath: classWeights, featuresKey: featuresKey, labelsKey: labelsKey,
      weightsKey: weightsKey,
      classNamesPath: classNames)
  }

  /// Reads every file; what the reader did on the user's behalf goes to standard error (as
  /// matplotlib's warnings do), so standard output stays the figure list or the JSON.
  func read(_ files: [String]) throws -> [Embeddings] {
    var remainingLabels = labels[...]
    return try files.map { path in
      var options = readOptions
      if path.lowercased().hasSuffix(".npy") { options.labelsPath = remainingLabels.popFirst() }
      let e = try EmbeddingReader.read(path, options: options)
      for note in e.notes { Diagnostics.note("\(path): \(note)") }
      if e.droppedNonfinite > 0 {
        Diagnostics.note("\(path): dropped \(e.droppedNonfinite) rows with NaN or infinite features")
      }
      return e
    }
  }
}

enum Diagnostics {
  static func note(_ text: String) { FileHandle.standardError.write(Data("note: \(text)\n".utf8)) }
  static func warning(_ text: String) { FileHandle.standardError.write(Data("warning: \(text)\n".utf8)) }
}
