import Datasets
import Foundation

/// A `.npz` file: a zip archive of `.npy` arrays, readable with `numpy.load(path)`.
/// Members are stored uncompressed (as `numpy.savez` does) with their CRC-32, which
/// Python's zipfile checks on read.
public enum NumpyArchive {
  /// The archive bytes for `arrays`, in the order given.
  public static func data(_ arrays: [(name: String, array: NumpyArray)]) -> Data {
    var archive = Data()
    var directory = Data()
    for (name, array) in arrays {
      let payload = array.npyData()
      let fileName = Data((name + ".npy").utf8)
      let crc = Compression.crc32(payload)
      let offset = UInt32(archive.count)
      // Local file header: version 2.0, no flags, method 0 (stored), no time stamp.
      archive.appendLittleEndian(UInt32(0x0403_4b50))
      archive.appendLittleEndian(UInt16(20), UInt16(0), UInt16(0), UInt16(0), UInt16(0x21))
      archive.appendLittleEndian(crc, UInt32(payload.count), UInt32(payload.count))
      archive.appendLittleEndian(UInt16(fileName.count), UInt16(0))
      archive.append(fileName)
      archive.append(payload)
      directory.appendLittleEndian(UInt32(0x0201_4b50))
      directory.appendLittleEndian(UInt16(20), UInt16(20), UInt16(0), UInt16(0), UInt16(0), UInt16(0x21))
      directory.appendLittleEndian(crc, UInt32(payload.count), UInt32(payload.count))
      directory.appendLittleEndian(UInt16(fileName.count), UInt16(0), UInt16(0), UInt16(0), UInt16(0))
      directory.appendLittleEndian(UInt32(0), offset)
      directory.append(fileName)
    }
    let directoryOffset = UInt32(archive.count)
    archive.append(directory)
    archive.appendLittleEndian(UInt32(0x0605_4b50), UInt16(0), UInt16(0), UInt16(arrays.count), UInt16(arrays.count))
    archive.appendLittleEndian(UInt32(directory.count), directoryOffset, UInt16(0))
    return archive
  }

  /// Every array of the archive at `path`, by name (without `.npy`).
  /// - Throws: `CheckpointError` naming the path for a missing, truncated or malformed file.
  public static func read(contentsOf path: String) throws -> [String: NumpyArray] {
    guard FileManager.default.fileExists(atPath: path) else {
      throw CheckpointError.missing(path: path, hint: "")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw CheckpointError.malformed(path: path, reason: "cannot be read")
    }
    return try read(data, path: path)
  }

  /// Parses archive bytes; `path` names them in errors.
  public static func read(_ data: Data, path: String) throws -> [String: NumpyArray] {
    let archive: ZipArchive
    do {
      archive = try ZipArchive(data: data, path: path)
    } catch {
      throw CheckpointError.malformed(path: path, reason: "not a readable .npz archive (truncated?): \(error)")
    }
    var arrays: [String: NumpyArray] = [:]
    for entry in archive.entries where entry.name.hasSuffix(".npy") {
      let name = String(entry.name.dropLast(4))
      let member: Data
      do {
        member = try archive.contents(of: entry.name)
      } catch {
        throw CheckpointError.malformed(path: path, reason: "array \(name) is damaged: \(error)")
      }
      guard Compression.crc32(member) == entry.crc32 else {
        throw CheckpointError.malformed(path: path, reason: "array \(name) fails its CRC-32 check")
      }
      arrays[name] = try NumpyArray(npyData: member, name: "\(path)!\(name)")
    }
    return arrays
  }
}

extension Data {
  fileprivate mutating func appendLittleEndian(_ values: any FixedWidthInteger...) {
    for value in values { appendLittleEndian(one: value) }
  }

  private mutating func appendLittleEndian<T: FixedWidthInteger>(one value: T) {
    Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
  }
}
