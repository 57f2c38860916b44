import Foundation
import OSSProtocol

/// Minimal XML writing for OSS's small, flat documents (reading goes through OSSProtocol's `XMLNode`).
enum XMLText {
    /// `<name>escaped value</name>`
    static func element(_ name: String, _ value: String) -> String { "<\(name)>\(xmlEscaped(value))</\(name)>" }
}
