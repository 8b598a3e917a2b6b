// A helper for the signal tests: installs the temporary-file signal handlers, creates and
// registers the temporary file named by its argument, says "ready", and waits to be killed.
import FileFormats
import Foundation

@main
struct SignalProbe {
  static func main() {
    let path = CommandLine.arguments[1]
    TemporaryFiles.installSignalHandlers()
    FileManager.default.createFile(atPath: path, contents: Data("partial".utf8))
    TemporaryFiles.register(path)
    FileHandle.standardOutput.write(Data("ready\n".utf8))
    while true { sleep(1) }
  }
}
