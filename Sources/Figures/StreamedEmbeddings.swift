#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Dispatch
import FileFormats
import Foundation
import PlotKit

/// A `.npz` of 2-D features and integer labels, read in chunks straight from the file for a density
/// figure: nothing is loaded whole, so ten million rows cost the count buffers and two 1 MB chunks
/// per thread in memory, not the arrays (and not a copy of the archive). The first pass checks each
/// member's CRC-32 as it reads (each thread its own rows, the parts then combined), so a damaged
/// file is refused as the full reader refuses it.
///
/// Only the plain case takes this path: `numpy.savez` members stored uncompressed, `features` [N, 2]
/// float32/float64 (or an alias the reader knows) and `labels` [N] integers 0..<C with no other
/// arrays, all finite. Anything else returns `nil` from ``open(_:)`` and goes through
/// ``EmbeddingReader`` (which draws the same density figure from memory, and explains refusals).
public final class StreamedEmbeddings: DensitySource, @unchecked Sendable {
  // Unchecked: every property is set in init and only read after; reads use pread on a shared
  // descriptor, which is safe from several threads.
  public let path: String
  public let count: Int
  public private(set) var bounds: AxisLimits?
  public private(set) var classNames: [String] = []
  private let descriptor: Int32
  private let featureOffset: Int
  private let featureWidth: Int
  private let labelOffset: Int
  private let labelScalar: (width: Int, signed: Bool)

  static let chunkRows = 65_536

  /// The file as a streamed source, or `nil` when it is not the plain case (see the type).
  /// - Throws: `FileFormatError` naming the file and the member when a member fails its CRC-32.
  public static func open(_ path: String) throws(FileFormatError) -> StreamedEmbeddings? {
    guard path.lowercased().hasSuffix(".npz") else { return nil }
    // Non-blocking, so a FIFO or device named as input cannot hang the open; anything but a regular
    // file goes to the full reader, which refuses it by name.
    let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else { return nil }
    var status = stat()
    guard fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
      _ = close(fd)
      return nil
    }
    guard let members = storedMembers(fd) else {
      _ = close(fd)
      return nil
    }
    let names = Set(members.keys)
    let featureName = (["features"] + EmbeddingReader.featureAliases).first { names.contains($0) }
    let labelName = (["labels"] + EmbeddingReader.labelAliases).first { names.contains($0) }
    guard let featureName, let labelName, names.count == 2,
      let featureMember = members[featureName], let labelMember = members[labelName],
      let f = npyHeader(fd, at: featureMember.start), let l = npyHeader(fd, at: labelMember.start),
      f.shape.count == 2, f.shape[1] == 2, f.descr == "<f4" || f.descr == "<f8",
      l.shape == [f.shape[0]], let labelScalar = integerScalar(l.descr), f.shape[0] > 0,
      // Each array fills its member exactly, so the rows read are the bytes the CRC covers.
      f.dataOffset + byteCount(f.shape[0], 2 * (f.descr == "<f4" ? 4 : 8)) == featureMember.end,
      l.dataOffset + byteCount(l.shape[0], labelScalar.width) == labelMember.end
    else {
      _ = close(fd)
      return nil
    }
    let source = StreamedEmbeddings(
      path: path, descriptor: fd, count: f.shape[0], featureOffset: f.dataOffset,
      featureWidth: f.descr == "<f4" ? 4 : 8,
      labelOffset: l.dataOffset, labelScalar: labelScalar)
    guard let checksums = source.survey() else { return nil }
    for (member, dataOffset, parts) in [
      (featureMember, f.dataOffset, checksums.features), (labelMember, l.dataOffset, checksums.labels),
    ] {
      guard let header = bytes(fd, count: dataOffset - member.start, at: member.start) else { return nil }
      var crc = header.withUnsafeBytes { Checksum.crc32($0, continuing: 0) }
      for part in parts { crc = Checksum.crc32(combining: crc, part.crc, secondLength: part.length) }
      guard crc == member.crc else {
        throw .malformed(path: path, format: "zip", reason: "\(member.name) fails its CRC-32 check")
      }
    }
    return source
  }

  private init(
    path: String, descriptor: Int32, count: Int, featureOffset: Int, featureWidth: Int, labelOffset: Int,
    labelScalar: (width: Int, signed: Bool)
  ) {
    self.path = path
    self.descriptor = descriptor
    self.count = count
    self.featureOffset = featureOffset
    self.featureWidth = featureWidth
    self.labelOffset = labelOffset
    self.labelScalar = labelScalar
  }

  deinit { _ = close(descriptor) }

  /// The CRC-32 of a stretch of a member's bytes and its length.
  struct PartChecksum {
    var crc: UInt32 = 0
    var length = 0

    mutating func add(_ bytes: UnsafeRawBufferPointer) {
      crc = Checksum.crc32(bytes, continuing: crc)
      length += bytes.count
    }
  }

  /// First pass (both cores): limits, the labels' classes, and the CRC-32 of each thread's stretch
  /// of both arrays (in file order). `nil` when a feature is not finite or the labels are not dense
  /// class indices (the reader then decides, and says why).
  private func survey() -> (features: [PartChecksum], labels: [PartChecksum])? {
    struct Part {
      var minX = Float.infinity, maxX = -Float.infinity, minY = Float.infinity, maxY = -Float.infinity
      var seen = [Bool](repeating: false, count: EmbeddingReader.maximumClasses)
      var ok = true
      var features = PartChecksum()
      var labels = PartChecksum()
    }
    final class Parts: @unchecked Sendable {
      // Unchecked: each thread writes only its own index.
      var items = [Part](repeating: Part(), count: 2)
    }
    let parts = Parts()
    DispatchQueue.concurrentPerform(iterations: 2) { k in
      var part = Part()
      let rows = (count * k / 2)..<(count * (k + 1) / 2)
      let limit = part.seen.count
      do {
        try forEachChunk(rows, checksums: &part.features, &part.labels) { xy, labels, n in
          for i in 0..<n {
            let x = xy[2 * i], y = xy[2 * i + 1], c = labels[i]
            guard x.isFinite, y.isFinite, c >= 0, c < limit else {
              part.ok = false
              return false
            }
            part.minX = min(part.minX, x); part.maxX = max(part.maxX, x)
            part.minY = min(part.minY, y); part.maxY = max(part.maxY, y)
            part.seen[c] = true
          }
          return true
        }
      } catch { part.ok = false }
      parts.items[k] = part
    }
    let a = parts.items[0], b = parts.items[1]
    guard a.ok, b.ok else { return nil }
    let seen = zip(a.seen, b.seen).map { $0 || $1 }
    guard let top = seen.lastIndex(of: true) else { return nil }
    // The reader draws sparse labels ({0, 7, 90}) as the classes present: leave those to it.
    guard seen.filter({ $0 }).count > top / 2 else { return nil }
    classNames = (0...top).map(String.init)
    bounds = AxisLimits(
      xMin: Double(min(a.minX, b.minX)), xMax: Double(max(a.maxX, b.maxX)), yMin: Double(min(a.minY, b.minY)),
      yMax: Double(max(a.maxY, b.maxY)))
    return ([a.features, b.features], [a.labels, b.labels])
  }

  public func accumulate(rows: Range<Int>, into counter: DensityCounter) throws {
    var unchecked = PartChecksum()
    var alsoUnchecked = PartChecksum()
    try forEachChunk(rows, checksums: &unchecked, &alsoUnchecked, computingChecksums: false) { xy, labels, n in
      for i in 0..<n { counter.add(x: xy[2 * i], y: xy[2 * i + 1], label: labels[i]) }
      return true
    }
  }

  /// Reads `rows` chunk by chunk (pread, so threads share the descriptor), converted to float32 x,y
  /// pairs and Int labels; `body` returns false to stop. With `computingChecksums`, the raw bytes
  /// read are added to `featureChecksum` and `labelChecksum` as they arrive.
  private func forEachChunk(
    _ rows: Range<Int>, checksums featureChecksum: inout PartChecksum, _ labelChecksum: inout PartChecksum,
    computingChecksums: Bool = true,
    _ body: (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Int>, Int) -> Bool
  ) throws {
    let chunk = Self.chunkRows
    let rawFeatures = UnsafeMutableRawPointer.allocate(byteCount: chunk * 2 * featureWidth, alignment: 16)
    let rawLabels = UnsafeMutableRawPointer.allocate(byteCount: chunk * labelScalar.width, alignment: 16)
    var xy = [Float](repeating: 0, count: featureWidth == 4 ? 0 : chunk * 2)
    var labels = [Int](repeating: 0, count: chunk)
    defer {
      rawFeatures.deallocate()
      rawLabels.deallocate()
    }
    var start = rows.lowerBound
    while start < rows.upperBound {
      let n = min(chunk, rows.upperBound - start)
      try readFully(rawFeatures, count: n * 2 * featureWidth, at: featureOffset + start * 2 * featureWidth)
      try readFully(rawLabels, count: n * labelScalar.width, at: labelOffset + start * labelScalar.width)
      if computingChecksums {
        featureChecksum.add(UnsafeRawBufferPointer(start: rawFeatures, count: n * 2 * featureWidth))
        labelChecksum.add(UnsafeRawBufferPointer(start: rawLabels, count: n * labelScalar.width))
      }
      Self.decodeLabels(rawLabels, scalar: labelScalar, count: n, into: &labels)
      let go: Bool
      if featureWidth == 4 {
        let p = rawFeatures.assumingMemoryBound(to: Float.self)
        go = labels.withUnsafeBufferPointer { body(UnsafeBufferPointer(start: p, count: 2 * n), $0, n) }
      } else {
        let p = rawFeatures.assumingMemoryBound(to: Double.self)
        for i in 0..<(2 * n) { xy[i] = Float(p[i]) }
        go = xy.withUnsafeBufferPointer { f in labels.withUnsafeBufferPointer { body(f, $0, n) } }
      }
      if !go { return }
      start += n
    }
  }

  private func readFully(_ buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws {
    var done = 0
    while done < count {
      let r = pread(descriptor, buffer + done, count - done, off_t(offset + done))
      if r < 0 && errno == EINTR { continue }
      guard r > 0 else { throw EmbeddingError(path: path, reason: "truncated or unreadable while streaming") }
      done += r
    }
  }

  private static func decodeLabels(
    _ raw: UnsafeMutableRawPointer, scalar: (width: Int, signed: Bool), count n: Int, into labels: inout [Int]
  ) {
    labels.withUnsafeMutableBufferPointer { out in
      switch (scalar.width, scalar.signed) {
      case (8, _):
        for i in 0..<n { out[i] = Int(truncatingIfNeeded: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)) }
      case (4, true): for i in 0..<n { out[i] = Int(raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)) }
      case (4, false): for i in 0..<n { out[i] = Int(raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
      case (2, true): for i in 0..<n { out[i] = Int(raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)) }
      case (2, false): for i in 0..<n { out[i] = Int(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
      case (1, true): for i in 0..<n { out[i] = Int(raw.load(fromByteOffset: i, as: Int8.self)) }
      default: for i in 0..<n { out[i] = Int(raw.load(fromByteOffset: i, as: UInt8.self)) }
      }
    }
  }

  /// `rows × rowBytes`, or -1 when a hostile shape makes it overflow (then it matches no member).
  private static func byteCount(_ rows: Int, _ rowBytes: Int) -> Int {
    let (product, overflow) = rows.multipliedReportingOverflow(by: rowBytes)
    return overflow || product > Int(Int32.max) << 16 ? -1 : product
  }

  private static func integerScalar(_ descr: String) -> (width: Int, signed: Bool)? {
    switch descr {
    case "<i8": (8, true)
    case "<u8": (8, false)
    case "<i4": (4, true)
    case "<u4": (4, false)
    case "<i2": (2, true)
    case "<u2": (2, false)
    case "|i1": (1, true)
    case "|u1": (1, false)
    default: nil
    }
  }

  // MARK: - Zip and .npy headers (only what numpy.savez writes; anything else is left to the reader)

  private static func bytes(_ fd: Int32, count: Int, at offset: Int) -> [UInt8]? {
    guard count >= 0, offset >= 0 else { return nil }
    var out = [UInt8](repeating: 0, count: count)
    let r = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
    return r == count ? out : nil
  }

  private static func le(_ b: [UInt8], _ at: Int, _ width: Int) -> Int {
    (0..<width).reduce(0) { $0 | Int(b[at + $1]) << (8 * $1) }
  }

  /// A stored member: where its bytes (the `.npy` file) start and end in the archive, and the
  /// CRC-32 the central directory records for them.
  struct StoredMember {
    let name: String
    let start: Int
    let end: Int
    let crc: UInt32
  }

  /// Member name (without `.npy`) → the member, for stored (uncompressed) members only.
  private static func storedMembers(_ fd: Int32) -> [String: StoredMember]? {
    var st = stat()
    guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
    let size = Int(st.st_size)
    let tailLength = min(size, 22 + 65_535)
    guard tailLength >= 22, let tail = bytes(fd, count: tailLength, at: size - tailLength) else { return nil }
    guard let end = stride(from: tail.count - 22, through: 0, by: -1).first(where: { le(tail, $0, 4) == 0x0605_4b50 })
    else { return nil }
    let entries = le(tail, end + 10, 2), directorySize = le(tail, end + 12, 4), directoryOffset = le(tail, end + 16, 4)
    guard entries <= 16, directoryOffset != 0xFFFF_FFFF, directoryOffset + directorySize <= size,
      let directory = bytes(fd, count: directorySize, at: directoryOffset)
    else { return nil }
    var members: [String: StoredMember] = [:]
    var p = 0
    for _ in 0..<entries {
      guard p + 46 <= directory.count, le(directory, p, 4) == 0x0201_4b50 else { return nil }
      let method = le(directory, p + 10, 2), compressed = le(directory, p + 20, 4), plain = le(directory, p + 24, 4)
      let nameLength = le(directory, p + 28, 2), extra = le(directory, p + 30, 2), comment = le(directory, p + 32, 2)
      let local = le(directory, p + 42, 4), crc = UInt32(le(directory, p + 16, 4))
      guard method == 0, compressed == plain, plain != 0xFFFF_FFFF, local != 0xFFFF_FFFF,
        p + 46 + nameLength <= directory.count,
        let name = String(bytes: directory[(p + 46)..<(p + 46 + nameLength)], encoding: .utf8), name.hasSuffix(".npy"),
        let header = bytes(fd, count: 30, at: local), le(header, 0, 4) == 0x0403_4b50
      else { return nil }
      let dataOffset = local + 30 + le(header, 26, 2) + le(header, 28, 2)
      guard dataOffset + plain <= size else { return nil }
      members[String(name.dropLast(4))] = StoredMember(name: name, start: dataOffset, end: dataOffset + plain, crc: crc)
      p += 46 + nameLength + extra + comment
    }
    return members
  }

  private static func npyHeader(_ fd: Int32, at offset: Int) -> (descr: String, shape: [Int], dataOffset: Int)? {
    guard let head = bytes(fd, count: 12, at: offset), head[0] == 0x93, Array(head[1...5]) == Array("NUMPY".utf8)
    else { return nil }
    let (length, start) = head[6] == 1 ? (le(head, 8, 2), 10) : (le(head, 8, 4), 12)
    guard length < 65_536, let text = bytes(fd, count: length, at: offset + start),
      let header = String(bytes: text, encoding: .ascii)
    else { return nil }
    func field(_ key: String) -> Substring? {
      guard let r = header.range(of: "'\(key)':") else { return nil }
      return header[r.upperBound...].drop { $0 == " " }
    }
    guard let descrField = field("descr"), descrField.first == "'",
      let close = descrField.dropFirst().firstIndex(of: "'"),
      field("fortran_order")?.hasPrefix("False") == true,
      let shapeField = field("shape"), shapeField.first == "(", let shapeEnd = shapeField.firstIndex(of: ")")
    else { return nil }
    let descr = String(descrField[descrField.index(after: descrField.startIndex)..<close])
    let dims = shapeField[shapeField.index(after: shapeField.startIndex)..<shapeEnd].split(separator: ",").map {
      Int($0.trimmingCharacters(in: .whitespaces))
    }
    guard dims.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
    return (descr, dims.map { $0! }, offset + start + length)
  }
}
