import Foundation

/// The two things Foundation's JSON decoder accepts but an experiment file must not hold:
/// a key given twice in one object (the decoder silently keeps one value) and a trailing comma.
/// Run before decoding; syntax errors proper are left to the decoder's own message.
enum StrictJSONCheck {
  private enum Container {
    case object(keys: Set<String>, currentKey: String?)
    case array(index: Int)
  }

  /// - Throws: `ExperimentError` naming `file`, the field path (`runs[0].parameters.m`) and the line.
  static func check(_ data: Data, file: String) throws {
    let bytes = [UInt8](data)
    var stack: [Container] = []
    // The path of the container at each depth, as FieldReader spells it.
    var paths: [String] = []
    var line = 1
    var index = 0
    // The last structural byte outside strings (to spot `,}` and `,]`), and whether the next
    // string in an object is a key.
    var lastToken: UInt8 = 0
    var expectsKey = false

    func fail(_ path: String, _ message: String) -> ExperimentError {
      ExperimentError(file: file, field: path, message: "line \(line): \(message)")
    }
    func childPath() -> String {
      let parent = paths.last ?? ""
      switch stack.last {
      case .object(_, let key?): return parent.isEmpty ? key : "\(parent).\(key)"
      case .array(let position): return "\(parent)[\(position)]"
      default: return parent
      }
    }

    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "\n"):
        line += 1
      case UInt8(ascii: "\""):
        let start = index
        index += 1
        while index < bytes.count && bytes[index] != UInt8(ascii: "\"") {
          index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
        }
        guard index < bytes.count else { return }  // unterminated: the decoder reports it
        if expectsKey, case .object(var keys, _) = stack.last {
          let raw = Data(bytes[start...index])
          let key =
            (try? JSONDecoder().decode(String.self, from: raw))
            ?? String(decoding: raw.dropFirst().dropLast(), as: UTF8.self)
          let path = (paths.last ?? "").isEmpty ? key : "\(paths.last!).\(key)"
          guard keys.insert(key).inserted else { throw fail(path, "the key '\(key)' appears twice in one object") }
          stack[stack.count - 1] = .object(keys: keys, currentKey: key)
          expectsKey = false
        }
        lastToken = UInt8(ascii: "\"")
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        let path = childPath()
        stack.append(byte == UInt8(ascii: "{") ? .object(keys: [], currentKey: nil) : .array(index: 0))
        paths.append(path)
        expectsKey = byte == UInt8(ascii: "{")
        lastToken = byte
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        if lastToken == UInt8(ascii: ",") {
          throw fail(paths.last ?? "", "a trailing comma before '\(Character(Unicode.Scalar(byte)))'")
        }
        _ = stack.popLast()
        _ = paths.popLast()
        expectsKey = false
        lastToken = byte
      case UInt8(ascii: ","):
        switch stack.last {
        case .object(let keys, _):
          stack[stack.count - 1] = .object(keys: keys, currentKey: nil)
          expectsKey = true
        case .array(let position):
          stack[stack.count - 1] = .array(index: position + 1)
        case nil:
          break
        }
        lastToken = byte
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
        break
      default:
        lastToken = byte
      }
      index += 1
    }
  }
}
