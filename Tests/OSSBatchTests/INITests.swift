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
        // Base64 secrets end in "=", and a value may contain "#" or ";" (not after whitespace): none of that is cut.
        let sections = INI.parse("[p]\nsecret = ab+/cd==\ntoken = x#y;z = w\n")
        #expect(sections["p"]?["secret"] == "ab+/cd==")
        #expect(sections["p"]?["token"] == "x#y;z = w")
    }

    /// The docs' own example: a token sent as `TOKEN      # optional (STS)` failed every request
    /// `InvalidSecurityToken`, and a header with a comment was no header, its keys overwriting the section above.
    @Test func aCommentAfterWhitespaceEndsAValueOrAHeader() {
        let sections = INI.parse(
            """
            [default]
            access_key_id = LTAIdefault
            access_key_secret = secretdefault
            [nightly]  # batch key
            access_key_id = LTAInightly   ; rotated monthly
            access_key_secret = secretnightly
            security_token = CAIS+tok/en==      # optional (STS)
            """
        )
        #expect(sections["default"] == ["access_key_id": "LTAIdefault", "access_key_secret": "secretdefault"])
        #expect(
            sections["nightly"] == [
                "access_key_id": "LTAInightly", "access_key_secret": "secretnightly", "security_token": "CAIS+tok/en==",
            ]
        )
    }

    @Test func aBrokenHeaderEndsTheSectionAboveItInsteadOfAddingToIt() {
        let sections = INI.parse("[default]\naccess_key_id = A\n[nightly\naccess_key_id = B\n")
        #expect(sections == ["default": ["access_key_id": "A"]])
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
