import Foundation

extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal, as signatures and ETags are written.
    public var hexString: String {
        var s = ""
        s.reserveCapacity(64)
        for byte in self {
            s.append(Character(Unicode.Scalar(hexDigits[Int(byte >> 4)])))
            s.append(Character(Unicode.Scalar(hexDigits[Int(byte & 0xF)])))
        }
        return s
    }

    /// Standard base64 with padding, as `Content-MD5` and signature V1 are written.
    public var base64String: String { Data(self).base64EncodedString() }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
