import OSSBatch
import Testing

@Suite struct TerminalTextTests {
    @Test func printableTextIsLeftAsItIsBackslashesAndNonASCIIIncluded() {
        for text in ["data/a b.txt", "C:\\dir\\x41", "日本語/ファイル.txt", "already \\x0a escaped", ""] {
            #expect(TerminalText.line(text) == text)
            #expect(TerminalText.lines(text) == text)
        }
    }

    @Test func controlCharactersAreShownAsTheirUTF8BytesInHex() {
        let hostile = "evil\n2026-12-04T22:00:00.000Z succeeded \u{1B}]0;pwned\u{07}\u{1B}[31mred\r\t\u{7F}\u{85}.txt"
        #expect(
            TerminalText.line(hostile)
                == "evil\\x0a2026-12-04T22:00:00.000Z succeeded \\x1b]0;pwned\\x07\\x1b[31mred\\x0d\\x09\\x7f\\xc2\\x85.txt"
        )
        #expect(TerminalText.lines("one\u{1B}[2J\ntwo\n") == "one\\x1b[2J\ntwo\n")
    }
}
