import Foundation

extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal, as signatures and ETags are written.
    public var hexString: String {
        // ASCII bytes first, one String at the end: appending Characters costs more than the hash it encodes.
        var ascii: [UInt8] = []
        ascii.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            ascii.append(hexDigits[Int(byte >> 4)])
            ascii.append(hexDigits[Int(byte & 0xF)])
        }
        return String(decoding: ascii, as: UTF8.self)
    }

    /// Standard base64 with padding, as `Content-MD5` and signature V1 are written.
    public var base64String: String { Data(self).base64EncodedString() }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
