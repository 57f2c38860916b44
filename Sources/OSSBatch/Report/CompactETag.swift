/// An ETag as OSS returns it, quotes included, stored in 17 bytes when it is the common `"` + 32 upper-case
/// hex digits + `"` (a PutObject's MD5), as its text otherwise (multipart ETags, anything unexpected).
/// Reads back as exactly the text it was made from.
enum CompactETag: Sendable, Hashable {
    case md5(UInt64, UInt64)
    case text(String)

    init(_ text: String) {
        // Over the bytes where they are (a `Span`): this runs for every job of a report read and every row of
        // the upload index a night matches.
        let bytes = text.utf8.span
        guard bytes.count == 34, bytes[0] == UInt8(ascii: "\""), bytes[33] == UInt8(ascii: "\"") else {
            self = .text(text)
            return
        }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for i in 1...32 {
            let byte = bytes[i]
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(byte - UInt8(ascii: "A") + 10)
            default:
                self = .text(text)
                return
            }
            if i <= 16 { high = high << 4 | digit } else { low = low << 4 | digit }
        }
        self = .md5(high, low)
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
