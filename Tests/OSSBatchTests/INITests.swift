import Testing

@testable import OSSBatch

/// The credentials-file INI dialect.
@Suite struct INITests {
    @Test func sectionsHoldTheirKeysLowerCasedWithValuesTrimmed() {
        let sections = INI.parse(
            """
            [default]
            Access_Key_ID = LTAIexample
              access_key_secret=s3cret\t

            [ prod ]
            access_key_id = LTAIprod
            """
        )
        #expect(sections["default"] == ["access_key_id": "LTAIexample", "access_key_secret": "s3cret"])
        #expect(sections["prod"] == ["access_key_id": "LTAIprod"])
        #expect(sections.count == 2)
    }

    @Test func aValueIsEverythingAfterTheFirstEqualsSignCommentCharactersIncluded() {
        // Base64 secrets end in "=", and a secret may contain "#" or ";": none of that is cut.
        let sections = INI.parse("[p]\nsecret = ab+/cd==\ntoken = x#y;z = w\n")
        #expect(sections["p"]?["secret"] == "ab+/cd==")
        #expect(sections["p"]?["token"] == "x#y;z = w")
    }

    @Test func commentsBlankLinesStrayLinesAndKeysOutsideASectionAreIgnored() {
        let sections = INI.parse(
            """
            orphan = before any section
            # a comment
            ; another = comment
            [p]
            no equals sign here
               # indented comment

            key = value
            """
        )
        #expect(sections == ["p": ["key": "value"]])
    }

    @Test func windowsLineEndingsParseLikeUnixOnes() {
        let sections = INI.parse("[p]\r\nkey = value\r\nother = 2\r\n")
        #expect(sections == ["p": ["key": "value", "other": "2"]])
    }

    @Test func aRepeatedSectionMergesAndTheLastValueOfAKeyWins() {
        let sections = INI.parse("[p]\na = 1\nb = 2\n[q]\nc = 3\n[p]\na = 9\n")
        #expect(sections["p"] == ["a": "9", "b": "2"])
        #expect(sections["q"] == ["c": "3"])
    }

    @Test func anEmptySectionIsKnownAndEmptyTextHasNone() {
        #expect(INI.parse("[empty]\n") == ["empty": [:]])
        #expect(INI.parse("").isEmpty)
        #expect(INI.parse("\n\n# only comments\n").isEmpty)
    }
}
