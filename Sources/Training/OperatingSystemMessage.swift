import Foundation

/// Turns Foundation and POSIX errors into a short reason ("permission denied") with no error-domain text.
public enum OperatingSystemMessage {
  public static func reason(for error: Error) -> String {
    if let posix = error as? POSIXError { return text(errno: posix.code.rawValue) }
    let nsError = error as NSError
    if nsError.domain == NSPOSIXErrorDomain { return text(errno: Int32(nsError.code)) }
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
      return text(errno: Int32(underlying.code))
    }
    if nsError.domain == NSCocoaErrorDomain {
      switch CocoaError.Code(rawValue: nsError.code) {
      case .fileNoSuchFile, .fileReadNoSuchFile: return text(errno: ENOENT)
      case .fileWriteNoPermission, .fileReadNoPermission: return text(errno: EACCES)
      case .fileWriteFileExists: return text(errno: EEXIST)
      case .fileWriteOutOfSpace: return text(errno: ENOSPC)
      case .fileWriteVolumeReadOnly: return text(errno: EROFS)
      case .fileReadCorruptFile: return "the file is corrupt"
      case .fileReadInapplicableStringEncoding, .fileReadUnknownStringEncoding: return "the file is not UTF-8 text"
      default: return "the operation failed (error \(nsError.code))"
      }
    }
    return String(describing: error)
  }

  /// The path a Foundation error is about, when it names one.
  public static func path(of error: Error) -> String? {
    let info = (error as NSError).userInfo
    return info[NSFilePathErrorKey] as? String ?? (info[NSURLErrorKey] as? URL)?.path
  }

  private static func text(errno code: Int32) -> String {
    String(cString: strerror(code)).lowercased()
  }
}
