/// A decimal number kept as text in files (a CRC-64), stored as the number when the text is its canonical
/// form (digits, no leading zero, within UInt64), as the text otherwise. Reads back as exactly the text.
enum CompactDecimal: Sendable, Hashable {
    case number(UInt64)
    case text(String)

    init(_ text: String) {
        // Canonical: digits only, no leading zero but in "0" itself, within UInt64 — read in one pass over the
        // bytes (printing the number again to compare cost as much as the rest of reading a report line).
        var value: UInt64 = 0
        var count = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), count == 0 || value != 0 else {
                self = .text(text)
                return
            }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowAgain) = shifted.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow, !overflowAgain else {
                self = .text(text)
                return
            }
            value = next
            count += 1
        }
        self = count == 0 ? .text(text) : .number(value)
    }

    var text: String {
        switch self {
        case .number(let n): String(n)
        case .text(let text): text
        }
    }
}
