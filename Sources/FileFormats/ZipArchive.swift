#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Foundation
import ZIPFoundation

/// Reading and writing zip archives (Python wheels, `.npz` files) through ZIPFoundation, with
/// this project's error sentences and size limits.
public struct ZipArchive {
  /// One member: its name and declared sizes.
  public struct Member: Sendable, Equatable {
    public let name: String
    public let uncompressedSize: Int
    public let compressedSize: Int
  }

  public let path: String
  private let archive: Archive
  private let entries: [Entry]
  /// Member name → its first entry: a lookup per member must not scan the list (quadratic in the
  /// member count).
  private let entryIndex: [String: Int]

  /// The most members a reader lists: far above any `.npz` or wheel this project reads, and a
  /// bound on the work a hostile central directory can ask for.
  public static let maximumMembers = 10_000

  /// Opens the archive at `path` (read only), in place: nothing is copied.
  /// - Throws: `FileFormatError` naming the path.
  public init(path: String) throws(FileFormatError) {
    // Open it ourselves first, so a missing, unreadable or non-regular file (a FIFO would block
    // ZIPFoundation's open) gets a sentence, and garbage is refused from its last 64 KiB without
    // ZIPFoundation's byte-by-byte scan of the whole file for an end record.
    let file = try ReadableFile(path: path)
    let tailLength = min(file.size, 22 + 65_535)
    let tail = Data(try file.read(count: tailLength, at: file.size - tailLength))
    file.close()
    guard let declared = Self.declaredMemberCount(tail) else {
      throw .malformed(
        path: path, format: "zip", reason: "no readable end-of-central-directory record (truncated, or not a zip)")
    }
    let archive: Archive
    do {
      archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
    } catch {
      throw .malformed(
        path: path, format: "zip", reason: "no readable end-of-central-directory record (truncated, or not a zip)")
    }
    try self.init(archive: archive, path: path, declared: declared)
  }

  /// Reads an archive held in memory; `path` names it in errors.
  ///
  /// ZIPFoundation's in-memory backend (0.9.20) traps when a hostile archive points past the end of
  /// the data (`MemoryFile.readData` makes a negative range) and leaks itself when there is no end
  /// record; its file backend just reads short. So the bytes go to a private temporary file, which
  /// ZIPFoundation opens and which is unlinked at once (the open file lives on until the archive is
  /// released). Found by FuzzNumpy; see Tests/FuzzRegressions/Numpy.
  public init(data: Data, path: String) throws(FileFormatError) {
    // Garbage is refused here, without a temporary file and without ZIPFoundation's byte-by-byte
    // scan of the whole input for an end record.
    guard let declared = Self.declaredMemberCount(data) else {
      throw .malformed(
        path: path, format: "zip", reason: "no readable end-of-central-directory record (truncated, or not a zip)")
    }
    if declared > Self.maximumMembers && declared != 0xFFFF {
      throw .tooLarge(
        path: path,
        reason: "the central directory lists \(declared) members, more than the \(Self.maximumMembers) a reader accepts"
      )
    }
    let copy = TemporaryFiles.temporaryPath(for: "zip-read", in: NSTemporaryDirectory())
    // Listed before it exists, so a signal between the two cannot leave it behind.
    TemporaryFiles.register(copy)
    let descriptor = open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      TemporaryFiles.unregister(copy)
      throw .cannotRead(
        path: path, reason: "cannot make a temporary copy in \(NSTemporaryDirectory()): \(SystemErrorText.current)")
    }
    defer {
      unlink(copy)
      TemporaryFiles.unregister(copy)
    }
    let complete = data.withUnsafeBytes { raw -> Bool in
      var written = 0
      while written < raw.count {
        let n = systemWrite(descriptor, raw.baseAddress! + written, raw.count - written)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return false }
        written += n
      }
      return true
    }
    let reason = SystemErrorText.current
    _ = systemClose(descriptor)
    guard complete else {
      throw .cannotRead(path: path, reason: "cannot make a temporary copy in \(NSTemporaryDirectory()): \(reason)")
    }
    let archive: Archive
    do {
      archive = try Archive(url: URL(fileURLWithPath: copy), accessMode: .read)
    } catch {
      throw .malformed(
        path: path, format: "zip", reason: "no readable end-of-central-directory record (truncated, or not a zip)")
    }
    try self.init(archive: archive, path: path, declared: declared)
  }

  private init(archive: Archive, path: String, declared: Int) throws(FileFormatError) {
    if declared > Self.maximumMembers && declared != 0xFFFF {
      throw .tooLarge(
        path: path,
        reason: "the central directory lists \(declared) members, more than the \(Self.maximumMembers) a reader accepts"
      )
    }
    self.archive = archive
    self.path = path
    var listed: [Entry] = []
    var index: [String: Int] = [:]
    for entry in archive {
      guard listed.count < Self.maximumMembers else {
        throw .tooLarge(path: path, reason: "more than the \(Self.maximumMembers) members a reader accepts")
      }
      if index[entry.path] == nil { index[entry.path] = listed.count }
      listed.append(entry)
    }
    entries = listed
    entryIndex = index
    // ZIPFoundation stops listing at the first member it cannot read, silently.
    if declared != 0xFFFF && entries.count != declared {
      throw .malformed(
        path: path, format: "zip",
        reason:
          "the central directory lists \(declared) members but only \(entries.count) can be read (damaged or truncated)"
      )
    }
  }

  /// Whether the last end-of-central-directory signature within the final 22 + 65,535 bytes
  /// starts a complete record (its comment included), which is what ZIPFoundation accepts.
  static func hasEndRecord(_ data: Data) -> Bool { declaredMemberCount(data) != nil }

  /// The member count the end record declares (0xFFFF means "see the zip64 record"), or nil when
  /// there is no complete end record in the final 22 + 65,535 bytes.
  static func declaredMemberCount(_ data: Data) -> Int? {
    let recordSize = 22
    guard data.count >= recordSize else { return nil }
    return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Int? in
      func uint16(_ offset: Int) -> Int { Int(raw[offset]) | Int(raw[offset + 1]) << 8 }
      let lowest = max(0, raw.count - recordSize - 65_535)
      var offset = raw.count - recordSize
      while offset >= lowest {
        if raw[offset] == 0x50 && raw[offset + 1] == 0x4b && raw[offset + 2] == 0x05 && raw[offset + 3] == 0x06 {
          return offset + recordSize + uint16(offset + 20) <= raw.count ? uint16(offset + 10) : nil
        }
        offset -= 1
      }
      return nil
    }
  }

  /// The members, in archive order.
  public var members: [Member] {
    entries.map {
      Member(
        name: $0.path, uncompressedSize: Int(clamping: $0.uncompressedSize),
        compressedSize: Int(clamping: $0.compressedSize))
    }
  }

  /// The bytes of the member `name`, CRC-checked.
  /// - Parameter limit: the largest member accepted, checked against the declared size before
  ///   anything is inflated and again while inflating (a lying header cannot make it grow).
  /// - Parameter expectedSize: given the first bytes inflated so far, the member's whole size as its
  ///   own header states it, or nil while the bytes are too few to tell; a size that differs from
  ///   the zip's declared one stops the inflation there (a small member posing as a huge one).
  /// - Throws: `FileFormatError` when the member is missing, too large, damaged or fails its CRC.
  public func contents(
    of name: String, limit: Int = FileBytes.defaultLimit, expectedSize: ((Data) throws(FileFormatError) -> Int?)? = nil
  ) throws(FileFormatError) -> Data {
    guard let position = entryIndex[name] else {
      throw .malformed(path: path, format: "zip", reason: "no member named \(name)")
    }
    let entry = entries[position]
    guard entry.type == .file else {
      throw .malformed(path: path, format: "zip", reason: "\(name) is not a regular file member")
    }
    let declared = entry.uncompressedSize
    guard declared <= UInt64(limit) else {
      throw .tooLarge(path: "\(path)!\(name)", reason: "declares \(declared) bytes, more than the \(limit) accepted")
    }
    // Reserved as it arrives, not from the declared size: a lying header must not reserve memory.
    var data = Data()
    var sizeChecked = expectedSize == nil
    do {
      // extract(_:consumer:) computes the CRC-32 but leaves the comparison to the caller.
      let crc = try archive.extract(entry, skipCRC32: false) { chunk in
        guard data.count + chunk.count <= Int(declared) else { throw MemberOverflow() }
        data.append(chunk)
        if !sizeChecked, let expectedSize {
          do {
            if let size = try expectedSize(data) {
              sizeChecked = true
              guard size == Int(declared) else { throw MemberSizeMismatch(stated: size) }
            }
          } catch let error as FileFormatError {
            throw WrappedFormatError(error: error)
          }
        }
      }
      guard crc == entry.checksum else { throw Archive.ArchiveError.invalidCRC32 }
    } catch let wrapped as WrappedFormatError {
      throw wrapped.error
    } catch let mismatch as MemberSizeMismatch {
      throw .malformed(
        path: path, format: "zip",
        reason:
          "\(name) declares \(declared) bytes but its own header describes \(mismatch.stated); not inflated further")
    } catch is MemberOverflow {
      throw .malformed(path: path, format: "zip", reason: "\(name) expands beyond its declared \(declared) bytes")
    } catch Archive.ArchiveError.invalidCRC32 {
      throw .malformed(path: path, format: "zip", reason: "\(name) fails its CRC-32 check")
    } catch {
      throw .malformed(path: path, format: "zip", reason: "\(name) is damaged or truncated (\(error))")
    }
    guard data.count == Int(declared) else {
      throw .malformed(
        path: path, format: "zip", reason: "\(name) holds \(data.count) bytes, its header declares \(declared)")
    }
    return data
  }

  /// A zip archive of `members`, stored uncompressed (as `numpy.savez` does) with a fixed time
  /// stamp, so the same members always give the same bytes.
  public static func storedArchive(_ members: [(name: String, data: Data)]) throws(FileFormatError) -> Data {
    do {
      let archive = try Archive(accessMode: .create)
      for (name, payload) in members {
        try archive.addEntry(
          with: name, type: .file, uncompressedSize: Int64(payload.count), modificationDate: fixedTimeStamp,
          permissions: 0o644, compressionMethod: .none
        ) { position, size in
          payload.subdata(in: (payload.startIndex + Int(position))..<(payload.startIndex + Int(position) + size))
        }
      }
      guard let data = archive.data else { throw ArchiveBuildFailure() }
      return data
    } catch {
      throw .cannotWrite(path: "(zip archive in memory)", reason: "ZIPFoundation could not build it: \(error)")
    }
  }

  /// 1980-01-01 00:00:00 UTC, the earliest time a zip header can hold.
  static let fixedTimeStamp = Date(timeIntervalSince1970: 315_532_800)
}

private struct MemberOverflow: Error {}
private struct MemberSizeMismatch: Error { let stated: Int }
private struct WrappedFormatError: Error { let error: FileFormatError }
private struct ArchiveBuildFailure: Error {}
