import FileFormats

/// Writes a finished image or document through the project's one atomic writer (temporary file in
/// the destination directory, fsync, rename), reporting failures as ``CairoError`` like every other
/// step of the wrapper, so a caller never sees a partial file.
func writeAtomically(_ bytes: [UInt8], to path: String) throws(CairoError) {
  do {
    try AtomicFile.write(bytes, to: path)
  } catch {
    throw CairoError(code: .writeError, operation: "write file", path: path, detail: error.description)
  }
}
