import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element: name, text (concatenated character data) and child elements. OSS answers are
/// small and flat, so a tree beats a streaming state machine per response type.
public struct XMLNode: Sendable, Hashable {
    public var name: String
    public var text: String
    public var children: [XMLNode]

    public init(name: String, text: String = "", children: [XMLNode] = []) {
        self.name = name
        self.text = text
        self.children = children
    }

    /// The first child named `name`.
    public func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }

    /// Every child named `name`, in document order.
    public func children(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }

    /// The text of the first child named `name`.
    public func text(of name: String) -> String? { child(name)?.text }

    /// Parses a whole document into its root element; `nil` when the bytes are not well-formed XML.
    public static func parse(_ bytes: [UInt8]) -> XMLNode? {
        let collector = XMLCollector()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = collector
        parser.shouldProcessNamespaces = false
        guard parser.parse(), let root = collector.root else { return nil }
        return root
    }
}

/// Escapes text for an XML element body (the client's Complete body, LocalOSS's answers).
public func xmlEscaped(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for ch in text {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        default: out.append(ch)
        }
    }
    return out
}
