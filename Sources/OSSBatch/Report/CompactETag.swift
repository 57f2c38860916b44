/// An ETag as OSS returns it, quotes included, stored in 17 bytes when it is the common `"` + 32 upper-case
/// hex digits + `"` (a PutObject's MD5), as its text otherwise (multipart ETags, anything unexpected).
/// Reads back as exactly the text it was made from.
enum CompactETag: Sendable, Hashable {
    case md5(UInt64, UInt64)
    case text(String)

    init(_ text: String) {
        // One pass over the bytes where they are (this runs for every job of a report read).
        var high: UInt64 = 0
        var low: UInt64 = 0
        var count = 0
        for byte in text.utf8 {
            let i = count
            count += 1
            let digit: UInt64
            switch (i, byte) {
            case (0, UInt8(ascii: "\"")), (33, UInt8(ascii: "\"")): continue
            case (1...32, UInt8(ascii: "0")...UInt8(ascii: "9")): digit = UInt64(byte - UInt8(ascii: "0"))
            case (1...32, UInt8(ascii: "A")...UInt8(ascii: "F")): digit = UInt64(byte - UInt8(ascii: "A") + 10)
            default:
                self = .text(text)
                return
            }
            if i <= 16 { high = high << 4 | digit } else { low = low << 4 | digit }
        }
        self = count == 34 ? .md5(high, low) : .text(text)
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
