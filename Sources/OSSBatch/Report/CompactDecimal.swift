/// A decimal number kept as text in files (a CRC-64), stored as the number when the text is its canonical
/// form (digits, no leading zero, within UInt64), as the text otherwise. Reads back as exactly the text.
enum CompactDecimal: Sendable, Hashable {
    case number(UInt64)
    case text(String)

    init(_ text: String) {
        // Canonical: digits only, no leading zero but in "0" itself (checked on the bytes: printing the number
        // again to compare cost as much as the rest of reading a report line).
        let utf8 = text.utf8
        if let first = utf8.first, first != UInt8(ascii: "0") || utf8.count == 1,
            utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), let n = UInt64(text)
        {
            self = .number(n)
        } else {
            self = .text(text)
        }
    }

    var text: String {
        switch self {
        case .number(let n): String(n)
        case .text(let text): text
        }
    }
}
