/// Text for a terminal or a log file in which names from elsewhere (file names any local user may choose, keys
/// and error messages from the server) cannot act: control characters shown as `\xNN` (the bytes of their
/// UTF-8 form), as `PathEscaping` shows them. An escape sequence in a file name would otherwise drive the
/// operator's terminal, and a newline would start a line that looks like one of ossbatch's own (`succeeded:
/// …` in cron mail). The report and JSON output keep names exact; this is for text meant to be read.
package enum TerminalText {
    /// `text` as one line: every control character escaped, the newline too.
    package static func line(_ text: String) -> String { escaped(text, keepingNewlines: false) }

    /// `text`, whose newlines separate lines of ossbatch's own, with every other control character escaped.
    package static func lines(_ text: String) -> String { escaped(text, keepingNewlines: true) }

    /// C0 and C1 controls and DEL: what a terminal may act on. Printable text (the backslash too) is left
    /// alone, so a message that already shows `\xNN` escapes is not escaped twice.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value)
    }

    private static func escaped(_ text: String, keepingNewlines: Bool) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && !(keepingNewlines && $0 == "\n") }) else {
            return text  // the common case, without a copy
        }
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 16)
        for scalar in text.unicodeScalars {
            if isControl(scalar) && !(keepingNewlines && scalar == "\n") {
                appendEscaped(String(scalar).utf8, to: &result)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Appends each of `bytes` as `\xNN` (lower-case hex).
    static func appendEscaped<Bytes: Sequence>(_ bytes: Bytes, to result: inout String) where Bytes.Element == UInt8 {
        for byte in bytes { result += "\\x" + String(byte, radix: 16, uppercase: false).leftPadded(to: 2) }
    }
}
