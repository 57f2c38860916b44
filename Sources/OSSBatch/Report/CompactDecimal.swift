/// A decimal number kept as text in files (a CRC-64), stored as the number when the text is its canonical
/// form (digits, no leading zero, within UInt64), as the text otherwise. Reads back as exactly the text.
enum CompactDecimal: Sendable, Hashable {
    case number(UInt64)
    case text(String)

    init(_ text: String) {
        if let n = UInt64(text), String(n) == text { self = .number(n) } else { self = .text(text) }
    }

    var text: String {
        switch self {
        case .number(let n): String(n)
        case .text(let text): text
        }
    }
}
