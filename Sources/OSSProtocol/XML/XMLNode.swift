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

    /// Parses a whole document into its root element; `nil` when the bytes are not well-formed XML, or hold
    /// markup no OSS answer has (see `hasOnlyAnswerMarkup`).
    public static func parse(_ bytes: [UInt8]) -> XMLNode? {
        guard hasOnlyAnswerMarkup(bytes) else { return nil }
        let collector = XMLCollector()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = collector
        parser.shouldProcessNamespaces = false
        guard parser.parse(), let root = collector.root else { return nil }
        return root
    }
}

extension XMLNode {
    /// Whether `bytes` hold only the markup of an OSS answer: elements, text, references, comments, CDATA,
    /// and an XML declaration at the start. Processing instructions and document types are refused before
    /// the bytes reach Foundation's `XMLParser`, whose callbacks crash the process on some of them — a
    /// processing instruction without data (`<?x?>`, anywhere in the document) is a `strlen` of NULL, and
    /// a `NOTATION`, `ATTLIST` or unparsed `ENTITY` declaration crashes too (found by `fuzz-request`; a
    /// proxy's or a broken server's answer is such input). A `<` in text or an attribute is always escaped
    /// in XML, so a literal `<?` or `<!` outside a comment or a CDATA section is markup. That reading of the
    /// bytes holds for UTF-8 only: a document in another encoding (a UTF-16 byte order mark, a declared
    /// `encoding` other than UTF-8) is refused too — in UTF-16, `<?x?>` is `3C 00 3F 00 …`, which the scan
    /// passed and the parser crashed on.
    static func hasOnlyAnswerMarkup(_ bytes: [UInt8]) -> Bool {
        // No NUL: XML has no U+0000, and UTF-16 and UTF-32 put one beside every ASCII character.
        guard !bytes.contains(0) else { return false }
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }  // a UTF-8 byte order mark
        // `<?xml` and a blank is the declaration (`<?xml-stylesheet` is an instruction).
        let declaration = Array("<?xml".utf8)
        var i = start
        if bytes[start...].starts(with: declaration), bytes.count > start + 5, Self.isBlank(bytes[start + 5]) {
            guard let end = bytes[start...].firstRange(of: Array("?>".utf8)) else { return false }
            // Only what a declaration holds (`version`, `encoding`, `standalone`, their quoted values, blanks):
            // taken to the first `?>` whatever it held, an unterminated one swallowed a `<?x?>` after it, which
            // the parser then met (found by `fuzz-request`, 2026-12-06).
            let pseudoAttributes = bytes[(start + 5)..<end.lowerBound]
            guard pseudoAttributes.allSatisfy(Self.isDeclarationByte),
                Self.declaresUTF8(pseudoAttributes)
            else { return false }
            i = end.upperBound
        }
        let comment = Array("<!--".utf8)
        let cdata = Array("<![CDATA[".utf8)
        while let open = bytes[i...].firstIndex(of: UInt8(ascii: "<")) {
            let next = open + 1 < bytes.count ? bytes[open + 1] : 0
            if next == UInt8(ascii: "?") { return false }
            if next == UInt8(ascii: "!") {
                let rest = bytes[open...]
                if rest.starts(with: comment) {
                    guard let end = rest.firstRange(of: Array("-->".utf8)) else { return false }
                    i = end.upperBound
                    continue
                }
                if rest.starts(with: cdata) {
                    guard let end = rest.firstRange(of: Array("]]>".utf8)) else { return false }
                    i = end.upperBound
                    continue
                }
                return false
            }
            i = open + 1
        }
        return true
    }
}

extension XMLNode {
    /// Whether a declaration's pseudo-attributes (`version="1.0" encoding="UTF-8"`) leave the document in
    /// UTF-8: no `encoding`, or `UTF-8` in any case.
    static func declaresUTF8(_ pseudoAttributes: ArraySlice<UInt8>) -> Bool {
        guard let name = pseudoAttributes.firstRange(of: Array("encoding".utf8)) else { return true }
        let rest = pseudoAttributes[name.upperBound...].drop(while: isBlank)
        guard rest.first == UInt8(ascii: "=") else { return false }
        let value = rest.dropFirst().drop(while: isBlank)
        guard let quote = value.first, quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return false }
        let encoding = value.dropFirst().prefix { $0 != quote }
        let lowercased = encoding.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
        return lowercased.elementsEqual("utf-8".utf8) && value.dropFirst(encoding.count + 1).first == quote
    }

    /// An XML blank: space, tab, carriage return or line feed.
    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }

    /// A byte an XML declaration may hold: letters, digits, blanks, `=`, quotes and the characters of an
    /// encoding's or version's name (`.`, `-`, `_`, `:`).
    static func isDeclarationByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "="), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "."), UInt8(ascii: "-"),
            UInt8(ascii: "_"), UInt8(ascii: ":"):
            true
        default: isBlank(byte)
        }
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
