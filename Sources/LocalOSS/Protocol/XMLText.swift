import Foundation

/// Minimal XML writing for OSS's small, flat documents (reading goes through OSSKit's `XMLNode`).
enum XMLText {
    /// Escapes text for element content.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
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

    /// `<name>escaped value</name>`
    static func element(_ name: String, _ value: String) -> String { "<\(name)>\(escape(value))</\(name)>" }
}
