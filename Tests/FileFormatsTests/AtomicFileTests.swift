import _TestSupport
import Foundation
import Testing

@testable import FileFormats

@Suite(.timeLimit(.minutes(1))) struct AtomicFileTests {
  @Test func writesReplacesAndCreatesParents() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try AtomicFile.write(Data("one".utf8), to: directory + "/sub/file")
    #expect(FileManager.default.contents(atPath: directory + "/sub/file") == Data("one".utf8))
    try AtomicFile.write(Array("two".utf8), to: directory + "/sub/file")
    #expect(FileManager.default.contents(atPath: directory + "/sub/file") == Data("two".utf8))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/sub") == ["file"])
    #expect(!TemporaryFiles.live.contains { $0.hasPrefix(directory) })
  }

  @Test func failuresAreSentencesNamingThePathAndLeaveNothing() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try AtomicFile.write(Data("x".utf8), to: directory + "/file")
    // Under a regular file nothing can be created.
    #expect(
      throws: FileFormatError.cannotWrite(
        path: directory + "/file", reason: "cannot create the directory: a file of that name is in the way")
    ) { try AtomicFile.write(Data(), to: directory + "/file/inner") }
    // Without creating parents, the open fails with ENOTDIR, told in words.
    #expect {
      try AtomicFile.write(Data(), to: directory + "/file/inner", createDirectories: false)
    } throws: { error in
      let text = "\(error)"
      return text.hasPrefix(directory + "/file/inner: cannot be written") && text.contains("is a file, not a directory")
        && !text.contains("NSCocoaErrorDomain")
    }
    // The target is a directory.
    try FileManager.default.createDirectory(atPath: directory + "/dir", withIntermediateDirectories: false)
    #expect(throws: FileFormatError.cannotWrite(path: directory + "/dir", reason: "it is a directory")) {
      try AtomicFile.write(Data("y".utf8), to: directory + "/dir")
    }
    #expect(Set(try FileManager.default.contentsOfDirectory(atPath: directory)) == ["file", "dir"])
  }

  @Test(.enabled(if: getuid() != 0, "root may write anywhere"))
  func anUnwritableDirectorySaysPermissionDenied() throws {
    let directory = makeTemporaryDirectory()
    defer {
      chmod(directory, 0o755)
      try? FileManager.default.removeItem(atPath: directory)
    }
    chmod(directory, 0o555)
    #expect {
      try AtomicFile.write(Data(), to: directory + "/file")
    } throws: { error in "\(error)".contains("permission denied") }
  }

  @Test func concurrentWritersUseDistinctTemporaryFiles() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let names = (0..<50).map { _ in TemporaryFiles.temporaryPath(for: "f", in: directory) }
    #expect(Set(names).count == names.count)
    DispatchQueue.concurrentPerform(iterations: 16) { index in
      try? AtomicFile.write(Data(repeating: UInt8(index), count: 100_000), to: directory + "/shared")
    }
    let final = try #require(FileManager.default.contents(atPath: directory + "/shared"))
    #expect(final.count == 100_000 && Set(final).count == 1)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["shared"])
  }
}

@Suite(.timeLimit(.minutes(5))) struct TemporaryFilesTests {
  /// The pid of a process that has exited (and been reaped), so no process has it for now.
  static func deadPID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
  }

  @Test func staleFilesOfDeadWritersAreRemovedOthersKept() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let dead = try Self.deadPID()
    let names = [
      ".train-images-idx3-ubyte.gz.\(dead).tmp",  // the old Datasets naming, as kill -9 in `data fetch` left it
      ".epoch-001.npz.\(dead).3k2j9.tmp",  // the current naming
      ".epoch-002.npz.1.abc.tmp",  // pid 1 is alive (and started before this file)
      "notes.tmp", "epoch-001.npz",  // not ours
    ]
    for name in names { FileManager.default.createFile(atPath: directory + "/" + name, contents: Data()) }
    let mine = TemporaryFiles.temporaryPath(for: "live", in: directory)
    FileManager.default.createFile(atPath: mine, contents: Data())
    TemporaryFiles.register(mine)
    defer { TemporaryFiles.unregister(mine) }
    let removed = TemporaryFiles.removeStale(in: directory).map { ($0 as NSString).lastPathComponent }
    #expect(Set(removed) == Set(names.prefix(2)))
    let left = Set(try FileManager.default.contentsOfDirectory(atPath: directory))
    #expect(left == Set(names.suffix(3) + [(mine as NSString).lastPathComponent]))
  }

  @Test func ownerPIDIsReadFromBothNamings() {
    #expect(TemporaryFiles.ownerPID(ofTemporaryName: ".a.b.npz.1234.tmp") == 1234)
    #expect(TemporaryFiles.ownerPID(ofTemporaryName: ".a.npz.1234.zz9.tmp") == 1234)
    #expect(TemporaryFiles.ownerPID(ofTemporaryName: "a.1234.tmp") == nil)
    #expect(TemporaryFiles.ownerPID(ofTemporaryName: ".a.tmp") == nil)
  }

  @Test(arguments: [SIGINT, SIGTERM])
  func aSignalRemovesTheLiveTemporaryFiles(signalNumber: Int32) throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let probe = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
      "SignalProbe")
    try #require(FileManager.default.isExecutableFile(atPath: probe.path), "SignalProbe is built next to the tests")
    let temporary = directory + "/.out.npz.tmp"
    let log = directory + "/log"
    FileManager.default.createFile(atPath: log, contents: nil)
    let process = Process()
    process.executableURL = probe
    process.arguments = [temporary]
    process.standardOutput = FileHandle(forWritingAtPath: log)
    try process.run()
    let deadline = Date().addingTimeInterval(20)
    while String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self) != "ready\n" {
      try #require(Date() < deadline, "the probe never became ready")
      usleep(20_000)
    }
    #expect(FileManager.default.fileExists(atPath: temporary))
    kill(process.processIdentifier, signalNumber)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == signalNumber)
    #expect(!FileManager.default.fileExists(atPath: temporary))
  }
}

@Suite struct ProcessStartTimeTests {
  @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/stat"), "needs /proc"))
  func thisProcessStartedBeforeNowAndAfterBoot() throws {
    let started = try #require(TemporaryFiles.processStartTime(getpid()))
    let now = Date().timeIntervalSince1970
    #expect(started <= now + 1 && started > now - 86_400 * 365)
    // A live writer's fresh temporary file is not stale, however recently /proc was looked at.
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/.x.1.abc.tmp"
    FileManager.default.createFile(atPath: path, contents: Data())
    #expect(!TemporaryFiles.isStale(path, ownerPID: 1))
  }
}
