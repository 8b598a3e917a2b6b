import FileFormats
import _TestSupport
import Foundation
@testable import Datasets

/// Builds IDX, CSV and zip bytes inside the tests, so no dataset files live under Tests/.
enum Synthetic {
  /// `count` images of `rows` x `columns` whose pixels encode (image, position), and labels cycling through `classes`.
  static func split(count: Int, rows: Int = 4, columns: Int = 3, classes: Int = 10) -> (
    images: IDXFile, labels: IDXFile
  ) {
    let pixels = (0..<(count * rows * columns)).map { UInt8(truncatingIfNeeded: $0 * 7 + $0 / (rows * columns)) }
    let labels = (0..<count).map { UInt8($0 % classes) }
    return (IDXFile(dimensions: [count, rows, columns], bytes: pixels), IDXFile(dimensions: [count], bytes: labels))
  }

  static func temporaryDirectory() -> String { makeTemporaryDirectory("datasets") }

  /// Writes a complete dataset directory (both splits), gzipped or not.
  static func writeDataset(in directory: String, train: Int = 20, test: Int = 10, gzip: Bool) throws {
    for (split, count) in [(Split.train, train), (Split.test, test)] {
      let (images, labels) = Synthetic.split(count: count)
      for (name, file) in [(split.imagesFileName, images), (split.labelsFileName, labels)] {
        let bytes = gzip ? Gzip.compress(file.encoded()) : file.encoded()
        try bytes.write(to: URL(fileURLWithPath: directory + "/" + name + (gzip ? ".gz" : "")))
      }
    }
  }

  /// A zip archive holding `members`, each stored (method 0) or deflated (method 8).
  static func zip(_ members: [(name: String, data: Data, deflate: Bool)]) -> Data {
    var archive = Data()
    var directory = Data()
    for member in members {
      let payload: Data
      if member.deflate {
        // zlib's gzip member is a 10-byte header, the raw deflate stream, and an 8-byte trailer.
        let gz = Gzip.compress(member.data)
        payload = gz.subdata(in: 10..<(gz.count - 8))
      } else {
        payload = member.data
      }
      let offset = archive.count
      let name = Data(member.name.utf8)
      let method: UInt16 = member.deflate ? 8 : 0
      let crc = Checksum.crc32(member.data)
      archive.append(le32(0x0403_4b50))
      archive.append(le16(20)); archive.append(le16(0)); archive.append(le16(method))
      archive.append(le16(0)); archive.append(le16(0)); archive.append(le32(crc))
      archive.append(le32(UInt32(payload.count))); archive.append(le32(UInt32(member.data.count)))
      archive.append(le16(UInt16(name.count))); archive.append(le16(0))
      archive.append(name); archive.append(payload)
      directory.append(le32(0x0201_4b50))
      directory.append(le16(20)); directory.append(le16(20)); directory.append(le16(0)); directory.append(le16(method))
      directory.append(le16(0)); directory.append(le16(0)); directory.append(le32(crc))
      directory.append(le32(UInt32(payload.count))); directory.append(le32(UInt32(member.data.count)))
      directory.append(le16(UInt16(name.count))); directory.append(le16(0)); directory.append(le16(0))
      directory.append(le16(0)); directory.append(le16(0)); directory.append(le32(0));
      directory.append(le32(UInt32(offset)))
      directory.append(name)
    }
    let directoryOffset = archive.count
    archive.append(directory)
    archive.append(le32(0x0605_4b50))
    archive.append(le16(0)); archive.append(le16(0))
    archive.append(le16(UInt16(members.count))); archive.append(le16(UInt16(members.count)))
    archive.append(le32(UInt32(directory.count))); archive.append(le32(UInt32(directoryOffset)))
    archive.append(le16(0))
    return archive
  }

  private static func le16(_ value: UInt16) -> Data { Data([UInt8(value & 0xff), UInt8(value >> 8)]) }
  private static func le32(_ value: UInt32) -> Data {
    Data([UInt8(value & 0xff), UInt8((value >> 8) & 0xff), UInt8((value >> 16) & 0xff), UInt8(value >> 24)])
  }
}
