/// An ETag as OSS returns it, quotes included, stored in 17 bytes when it is the common `"` + 32 upper-case
/// hex digits + `"` (a PutObject's MD5), as its text otherwise (multipart ETags, anything unexpected).
/// Reads back as exactly the text it was made from.
package enum CompactETag: Sendable, Hashable {
    case md5(UInt64, UInt64)
    case text(String)

    init(_ text: String) {
        self = Self(utf8: text.utf8.span) ?? .text(text)
    }

    /// The ETag whose text is these bytes, made without a string when it is an MD5 (`nil` otherwise: the
    /// caller makes the text). Over the bytes where they are (a `Span`): this runs for every job of a report
    /// read and every row of the upload index a night matches.
    init?(utf8 bytes: Span<UInt8>) {
        guard bytes.count == 34, bytes[0] == UInt8(ascii: "\""), bytes[33] == UInt8(ascii: "\"") else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for i in 1...32 {
            let byte = bytes[i]
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            if i <= 16 { high = high << 4 | digit } else { low = low << 4 | digit }
        }
        self = .md5(high, low)
    }

    /// The ETag whose text is these bytes (UTF-8).
    init(bytes: Span<UInt8>) {
        if let etag = Self(utf8: bytes) {
            self = etag
        } else {
            var text: [UInt8] = []
            text.reserveCapacity(bytes.count)
            for i in bytes.indices { text.append(bytes[i]) }
            self = .text(String(decoding: text, as: UTF8.self))
        }
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
