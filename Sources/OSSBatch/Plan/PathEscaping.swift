/// Shows arbitrary path bytes safely: printable ASCII as is, everything else as `\xNN`.
enum PathEscaping {
    static func escape<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var result = ""
        for b in bytes {
            if b >= 0x20 && b < 0x7F && b != 0x5C {
                result.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                result += "\\x" + String(b, radix: 16, uppercase: false).leftPadded(to: 2)
            }
        }
        return result
    }
}
