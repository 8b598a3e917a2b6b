import FileFormats

/// Writes finished images and documents through the project's one atomic writer (temporary file in
/// the destination directory, fsync, rename; no parent directory is created), reporting failures as
/// ``CairoError`` like every other step of the wrapper, so a caller never sees a partial file.
public enum FileOutput {
  public static func write(_ bytes: [UInt8], to path: String) throws(CairoError) {
    do {
      try AtomicFile.write(bytes, to: path, createDirectories: false)
    } catch {
      throw CairoError(code: .writeError, operation: "write file", path: path, detail: error.description)
    }
  }
}
