import Foundation
import Testing

@testable import OSSBatch

/// Issue 14 item 8: "not valid UTF-8" and "control characters are not allowed" have a LINE:COLUMN, the
/// position of the first bad byte, counted as libyaml counts (so it agrees with every other diagnostic).
@Suite struct ManifestTextTests {
    private func diagnostics(_ bytes: [UInt8]) throws -> [Diagnostic] {
        let f = try ManifestFixture("placeholder")
        defer { f.remove() }
        try Data(bytes).write(to: URL(fileURLWithPath: f.manifestPath))
        return f.diagnostics()
    }

    @Test func invalidUTF8IsReportedAtTheFirstBadByte() throws {
        let d = try diagnostics(Array("version: 1\nfiles:\n  - source: dat".utf8) + [0xE9] + Array("a/\n".utf8))
        #expect(positions(d) == [at(3, 16)])
        #expect(d.first?.message.hasPrefix("byte 0xE9 is not valid UTF-8") == true)
    }

    @Test func columnsCountCharactersNotBytes() throws {
        // "é" is two bytes but one column; the truncated sequence after it is the bad one.
        let d = try diagnostics(Array("k: é".utf8) + [0xE2, 0x28, 0xA1])
        #expect(positions(d) == [at(1, 5)])
        #expect(d.first?.message.hasPrefix("byte 0xE2") == true)
    }

    @Test func controlCharacterIsReportedAtItsPosition() {
        let d = diagnose("version: 1\nfiles:\n  - source: \"a\u{07}b\"\n")
        #expect(positions(d) == [at(3, 15)])
        #expect(d.first?.message.hasPrefix("control character U+0007 is not allowed in YAML") == true)
        #expect(d.first?.message.contains("\"\\x07\"") == true)
    }

    @Test(arguments: [
        ("a\r\nb\u{01}", at(2, 2)), ("a\rb\u{01}", at(2, 2)), ("a\n\r\nb\u{7F}", at(3, 2)),
        ("a\u{85}b\u{1B}", at(2, 2)), ("a\u{2028}\u{FFFE}", at(2, 1)), ("\u{9F}", at(1, 1)),
    ])
    func lineBreaksCountAsLibyamlCountsThem(text: String, position: Position) {
        #expect(positions(diagnose(text)) == [position])
    }

    @Test func tabsLineBreaksAndNonASCIITextAreAllowed() {
        #expect(ManifestText.disallowedCharacter(in: "a:\t\"x\"\r\n\u{FEFF}é: ü 😀 \u{A0}", file: "/m") == nil)
    }

    @Test func libyamlReaderOffsetsBecomePositions() {
        let text = "ab\r\ncd\néf"
        #expect(ManifestText.position(ofCharacterOffset: 0, in: text)! == (1, 1))
        // Swift counts "\r\n" as one character, as Yams' offsets do.
        #expect(ManifestText.position(ofCharacterOffset: 4, in: text)! == (2, 2))
        #expect(ManifestText.position(ofCharacterOffset: 7, in: text)! == (3, 2))
        #expect(ManifestText.position(ofCharacterOffset: 99, in: text) == nil)
    }

    private func diagnose(_ text: String) -> [Diagnostic] {
        do {
            _ = try ManifestLoader.decode(text, path: "/m.yaml")
            return []
        } catch {
            return error.diagnostics
        }
    }
}
