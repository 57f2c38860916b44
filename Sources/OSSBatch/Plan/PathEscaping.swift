/// Shows arbitrary path bytes safely and unambiguously: printable UTF-8 as is; bytes that are not valid UTF-8,
/// control characters and the backslash as `\xNN` (so that `\x` always starts an escape, and two different
/// names never show the same).
enum PathEscaping {
    static func escape<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let bytes = Array(bytes)
        var result = ""
        var parser = Unicode.UTF8.ForwardParser()
        var input = bytes.makeIterator()
        var position = 0
        func escaped(_ range: Range<Int>) { TerminalText.appendEscaped(bytes[range], to: &result) }
        while true {
            switch parser.parseScalar(from: &input) {
            case .valid(let encoded):
                let scalar = Unicode.UTF8.decode(encoded)
                // C0 and C1 controls, DEL and the backslash; everything else printable enough for a message.
                if TerminalText.isControl(scalar) || scalar == "\\" {
                    escaped(position..<position + encoded.count)
                } else {
                    result.unicodeScalars.append(scalar)
                }
                position += encoded.count
            case .error(let length):
                escaped(position..<position + length)
                position += length
            case .emptyInput:
                return result
            }
        }
    }
}
