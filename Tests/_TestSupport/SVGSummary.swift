import Foundation

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// What the renderer tests check in an SVG: element counts, the root element's attributes and the
/// `<path>` elements' attributes, read with an XML parser (structure, never bytes).
public final class SVGSummary: NSObject, XMLParserDelegate {
  public private(set) var counts: [String: Int] = [:]
  public private(set) var rootAttributes: [String: String] = [:]
  public private(set) var paths: [[String: String]] = []

  /// The summary of `bytes`, or nil when they are not well-formed XML.
  public static func parse(_ bytes: [UInt8]) -> SVGSummary? {
    let summary = SVGSummary()
    let parser = XMLParser(data: Data(bytes))
    parser.delegate = summary
    return parser.parse() ? summary : nil
  }

  public func parser(
    _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
    attributes: [String: String] = [:]
  ) {
    if counts.isEmpty { rootAttributes = attributes }
    counts[name, default: 0] += 1
    if name == "path" { paths.append(attributes) }
  }

  /// Scatter paths in vector mode: the only round-capped strokes the renderer emits.
  public var scatterPathCount: Int { paths.filter { ($0["style"] ?? "").contains("stroke-linecap:round") }.count }
}
