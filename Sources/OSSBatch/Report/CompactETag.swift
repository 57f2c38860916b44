/// An ETag as OSS returns it, quotes included, stored in 17 bytes when it is the common `"` + 32 upper-case
/// hex digits + `"` (a PutObject's MD5), as its text otherwise (multipart ETags, anything unexpected).
/// Reads back as exactly the text it was made from.
enum CompactETag: Sendable, Hashable {
    case md5(UInt64, UInt64)
    case text(String)

    init(_ text: String) {
        // Over the bytes where they are (a `Span`): this runs for every job of a report read.
        if let (high, low) = Self.md5Digits(text.utf8.span) {
            self = .md5(high, low)
        } else {
            self = .text(text)
        }
    }

    /// From the ETag's bytes as the upload index keeps them (a nightly run reads one per file; no string is
    /// made for the common form).
    init(utf8 bytes: [UInt8]) {
        if let (high, low) = Self.md5Digits(bytes.span) {
            self = .md5(high, low)
        } else {
            self = .text(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// The 32 digits of `"` + 32 upper-case hex digits + `"` as two halves; nil for any other text.
    private static func md5Digits(_ bytes: Span<UInt8>) -> (UInt64, UInt64)? {
        guard bytes.count == 34, bytes[0] == UInt8(ascii: "\""), bytes[33] == UInt8(ascii: "\"") else { return nil }
        // Without a branch on the digit's kind: random hex digits are letters or not at random, and a
        // mispredicted branch per digit was a tenth of reading the index (perf, 2026-12-03).
        var high: UInt64 = 0
        var low: UInt64 = 0
        var invalid: UInt8 = 0
        for i in 1...32 {
            let byte = bytes[i]
            let isDigit = byte &- UInt8(ascii: "0") < 10
            let isLetter = byte &- UInt8(ascii: "A") < 6
            invalid |= isDigit || isLetter ? 0 : 1
            // '0'...'9' are 0x30...0x39, 'A'...'F' 0x41...0x46: the low four bits, plus 9 for a letter.
            let digit = UInt64(byte & 0xF) &+ 9 &* UInt64(byte >> 6)
            if i <= 16 { high = high << 4 | digit } else { low = low << 4 | digit }
        }
        return invalid == 0 ? (high, low) : nil
    }

    var text: String {
        switch self {
        case .text(let text): return text
        case .md5(let high, let low):
            let digits = Array("0123456789ABCDEF".utf8)
            var bytes = [UInt8](repeating: UInt8(ascii: "\""), count: 34)
            for i in 0..<16 {
                bytes[1 + i] = digits[Int(high >> UInt64(60 - 4 * i) & 0xF)]
                bytes[17 + i] = digits[Int(low >> UInt64(60 - 4 * i) & 0xF)]
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
