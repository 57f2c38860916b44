import Foundation

/// The manifest's bytes before YAML reads them: UTF-8 text of the characters YAML allows. The first bad
/// byte or character is reported at its line and column, counted as libyaml counts them (lines end at
/// `\n`, `\r\n`, `\r`, U+0085, U+2028 or U+2029; columns are characters), so these positions agree with
/// every other diagnostic's.
enum ManifestText {
    /// `bytes` as a string, or a diagnostic at the first byte that is not valid UTF-8.
    static func decode(_ bytes: Data, file: String) throws(ManifestError) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        // Only a file that is not UTF-8 pays for the scalar-by-scalar walk that finds where.
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var position = Position()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                position.advance(over: Unicode.UTF8.decode(encoded))
                offset += encoded.count
            case .error:
                let byte = bytes[bytes.startIndex + offset]
                throw ManifestError([
                    position.diagnostic(
                        file: file,
                        "byte 0x\(String(byte, radix: 16, uppercase: true)) is not valid UTF-8; "
                            + "a manifest is UTF-8 text (was it saved in another encoding?)"
                    )
                ])
            case .emptyInput:
                // Unreachable: `String(validating:)` refused these bytes, so the walk meets an error first.
                throw ManifestError([Diagnostic(file: file, line: 1, column: 1, message: "not valid UTF-8")])
            }
        }
    }

    /// A diagnostic at the first character YAML does not allow (control characters other than tab and line
    /// breaks, U+FFFE, U+FFFF), or `nil`. libyaml would refuse them too, but without a position.
    static func disallowedCharacter(in text: String, file: String) -> Diagnostic? {
        // Fast path on bytes: only a byte below 0x20, 0x7F, or the lead byte of U+0080–U+009F (0xC2) or of
        // U+FFFE/U+FFFF (0xEF) can start a disallowed character.
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xEF }) else { return nil }
        var position = Position()
        for scalar in text.unicodeScalars {
            if !isAllowed(scalar) {
                let code = String(scalar.value, radix: 16, uppercase: true)
                let name = "U+" + String(repeating: "0", count: max(0, 4 - code.count)) + code
                return position.diagnostic(
                    file: file,
                    "control character \(name) is not allowed in YAML; remove it, or write it as an escape "
                        + "(\"\\x\(code.count < 2 ? "0" + code : code)\") inside a double-quoted string"
                )
            }
            position.advance(over: scalar)
        }
        return nil
    }

    /// YAML 1.1's printable set, as libyaml checks it.
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x20...0x7E, 0x85, 0xA0...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// The 1-based line and column of the start of a character offset in `text` (libyaml's reader errors
    /// give an offset in characters), or `nil` when the offset is past the end.
    static func position(ofCharacterOffset offset: Int, in text: String) -> (line: Int, column: Int)? {
        guard let end = text.index(text.startIndex, offsetBy: offset, limitedBy: text.endIndex) else { return nil }
        var position = Position()
        for scalar in text[..<end].unicodeScalars { position.advance(over: scalar) }
        return (position.line, position.column)
    }

    /// A running line and column, advanced one character at a time.
    private struct Position {
        var line = 1
        var column = 1
        /// A `\r` just passed: a `\n` after it ends the same line.
        private var afterCarriageReturn = false

        mutating func advance(over scalar: Unicode.Scalar) {
            switch scalar.value {
            case 0x0A where afterCarriageReturn:
                break
            case 0x0A, 0x0D, 0x85, 0x2028, 0x2029:
                line += 1
                column = 1
            default:
                column += 1
            }
            afterCarriageReturn = scalar.value == 0x0D
        }

        func diagnostic(file: String, _ message: String) -> Diagnostic {
            Diagnostic(file: file, line: line, column: column, message: message)
        }
    }
}
