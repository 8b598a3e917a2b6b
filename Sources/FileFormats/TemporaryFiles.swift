#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Foundation

/// The temporary files this process is writing right now, so an interrupted write leaves nothing.
///
/// `AtomicFile` registers each temporary file while it exists. `installSignalHandlers()` (called
/// once by the CLI at start) makes SIGINT, SIGTERM and SIGHUP unlink every registered file before
/// the process dies of the signal as it would have. A kill -9 cannot be caught; its leftovers carry
/// the dead process's id in their name (`.NAME.PID.RANDOM.tmp`), and `removeStale(in:)` deletes
/// them on the next run.
public enum TemporaryFiles {
  /// How many temporary files can be live at once and still be cleaned by a signal; more are
  /// still removed on failure and by `removeStale`, just not from a signal handler.
  static let capacity = 64

  /// C strings owned by the registry; the signal handler only reads them (no locks, no allocation).
  nonisolated(unsafe) private static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
    let slots = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
    slots.initialize(repeating: nil, count: capacity)
    return slots
  }()
  private static let lock = NSLock()

  /// A fresh temporary path for `name` in `directory` ("" for the current one).
  public static func temporaryPath(for name: String, in directory: String) -> String {
    let prefix = directory.isEmpty ? "" : (directory.hasSuffix("/") ? directory : directory + "/")
    let random = String(UInt64.random(in: 0...UInt64.max), radix: 36)
    return "\(prefix).\(name).\(getpid()).\(random).tmp"
  }

  /// Lists `path` for removal by the signal handlers.
  public static func register(_ path: String) {
    lock.lock()
    defer { lock.unlock() }
    _ = slots  // force initialisation before any handler can run
    for index in 0..<capacity where slots[index] == nil {
      slots[index] = strdup(path)
      return
    }
  }

  /// Takes `path` off the list (it was renamed into place or removed).
  public static func unregister(_ path: String) {
    lock.lock()
    defer { lock.unlock() }
    for index in 0..<capacity {
      guard let entry = slots[index], String(cString: entry) == path else { continue }
      slots[index] = nil
      free(entry)
      return
    }
  }

  /// The temporary files registered now (for tests and diagnostics).
  public static var live: [String] {
    lock.lock()
    defer { lock.unlock() }
    return (0..<capacity).compactMap { slots[$0].map { String(cString: $0) } }
  }

  /// The signals whose handlers remove the live temporary files.
  public static let handledSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

  /// Installs handlers for SIGINT, SIGTERM and SIGHUP that unlink every live temporary file, then
  /// re-raise the signal with its default action (so the exit status still says "killed by").
  /// Call once, early in `main`.
  public static func installSignalHandlers() {
    _ = slots
    for signalNumber in handledSignals {
      var action = sigaction()
      #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = removeLiveFilesAndDie
      #else
        action.__sigaction_u.__sa_handler = removeLiveFilesAndDie
      #endif
      sigemptyset(&action.sa_mask)
      action.sa_flags = 0
      sigaction(signalNumber, &action, nil)
    }
    // A process inherits its parent's blocked signals (a test runner or a shell script may block
    // them); unblock these so the handlers actually run.
    var set = sigset_t()
    sigemptyset(&set)
    for signalNumber in handledSignals { sigaddset(&set, signalNumber) }
    sigprocmask(SIG_UNBLOCK, &set, nil)
  }

  /// Removes leftovers of writers that no longer run: every `.NAME.PID[.RANDOM].tmp` in `directory`
  /// whose process is gone, or whose process id now belongs to a process started after the file was
  /// last written (the id was reused). Files of live writers are left alone.
  /// - Returns: the paths removed.
  @discardableResult
  public static func removeStale(in directory: String) -> [String] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
    let mine = Set(live)
    var removed: [String] = []
    for name in names {
      guard let pid = ownerPID(ofTemporaryName: name) else { continue }
      let path = (directory as NSString).appendingPathComponent(name)
      guard !mine.contains(path), isStale(path, ownerPID: pid) else { continue }
      if unlink(path) == 0 { removed.append(path) }
    }
    return removed
  }

  /// The process id in a temporary file's name (`.NAME.PID.tmp` or `.NAME.PID.RANDOM.tmp`).
  static func ownerPID(ofTemporaryName name: String) -> pid_t? {
    guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return nil }
    let parts = name.dropLast(4).split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count >= 3 else { return nil }
    // Either the last or the second-to-last part is the pid (the random part is base 36).
    if parts.count >= 4, let pid = pid_t(parts[parts.count - 2]), pid > 0 { return pid }
    if let pid = pid_t(parts[parts.count - 1]), pid > 0 { return pid }
    return nil
  }

  /// Whether a file written by process `pid` is a leftover.
  public static func isStale(_ path: String, ownerPID pid: pid_t) -> Bool {
    if pid == getpid() { return !live.contains(path) }
    if kill(pid, 0) != 0 && errno == ESRCH { return true }
    // The id is in use: the file is stale if that process started after the file's last write.
    var file = stat()
    guard stat(path, &file) == 0, let started = processStartTime(pid) else { return false }
    return started > Double(file.st_mtim.tv_sec) + 1
  }

  /// When process `pid` started, in seconds since 1970, from /proc (nil where there is no /proc).
  /// (/proc/PID's own time stamps are not the start: they are set when the entry is first looked at.)
  static func processStartTime(_ pid: pid_t) -> Double? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")"),
      let system = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
      let bootLine = system.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
      let boot = Double(bootLine.dropFirst(6).trimmingCharacters(in: .whitespaces))
    else { return nil }
    // Fields after the command name: state is field 3, starttime field 22 (clock ticks after boot).
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
    return boot + ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
  }
}

/// Async-signal-safe: reads the slots, unlinks, restores the default action and re-raises.
private func removeLiveFilesAndDie(_ signalNumber: Int32) {
  TemporaryFiles.unlinkAllFromSignalHandler()
  signal(signalNumber, SIG_DFL)
  raise(signalNumber)
}

extension TemporaryFiles {
  fileprivate static func unlinkAllFromSignalHandler() {
    for index in 0..<capacity {
      if let entry = slots[index] { unlink(entry) }
    }
  }
}
