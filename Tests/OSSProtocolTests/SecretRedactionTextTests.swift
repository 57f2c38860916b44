import OSSProtocol
import Testing

/// What a server or STS said, and URLs, as shown in messages: known secrets and passwords taken out.
@Suite struct SecretRedactionTextTests {
    @Test func everyOccurrenceOfEachSecretIsRedactedAndShortOnesAreIgnored() {
        #expect(
            SecretRedaction.redacting("token T0kenT0k T0kenT0k and S3cretS3c", ["T0kenT0k", "S3cretS3c", ""])
                == "token [redacted] [redacted] and [redacted]"
        )
        #expect(SecretRedaction.redacting("nothing here", ["T0kenT0k"]) == "nothing here")
        // A one-letter "secret" would turn every message into a pattern that spells it out.
        #expect(SecretRedaction.redacting("The request signature", ["e", "est"]) == "The request signature")
    }

    @Test func aSecretQuotedOnlyInPartIsRedactedToo() {
        // An OIDC token (a JWT: header.payload.signature) that an STS message quotes cut short, or one
        // segment of; and an STS token quoted from its middle.
        let jwt =
            "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
        let sts = "CAIS8wF1q6Ft5B2yfSjIr5bSEtPyvLJl1IaCbU3VjW0xZdtbhqPDoDz2IHFPeHJrBe0WtPw3lGxR7PsYlqF6T5U="
        let head = String(jwt.prefix(30))
        let payload = jwt.split(separator: ".")[1]
        let middle = sts.dropFirst(20).prefix(25)
        let said = SecretRedaction.redacting(
            "OIDC token \(head)... is invalid; subject \(payload) unknown; token \(middle) expired",
            [jwt, sts]
        )
        #expect(said == "OIDC token [redacted]... is invalid; subject [redacted] unknown; token [redacted] expired")
        // Fewer than `fragmentLength` characters in common are kept: they could be anything.
        let short = String(jwt.prefix(SecretRedaction.fragmentLength - 1))
        #expect(SecretRedaction.redacting("starts with \(short)", [jwt]) == "starts with \(short)")
        #expect(
            SecretRedaction.redacting("RequestId 5C1B138A109F4E405B2D", [jwt, sts]) == "RequestId 5C1B138A109F4E405B2D"
        )
    }

    @Test func anErrorThatEchoesTheRequestKeepsNoSecretInAnyField() {
        let echoed = OSSServiceError(
            httpStatus: 403,
            code: .accessDenied,
            message: "x-oss-security-token: TOKEN-111",
            requestID: "TOKEN-111",
            hostID: "SECRET-222",
            ec: "TOKEN-111",
            details: ["Header": "SECRET-222"]
        )
        let clean = echoed.redacting(["SECRET-222", "TOKEN-111"])
        let text =
            "\(clean) \(clean.message) \(clean.requestID) \(clean.hostID ?? "") \(clean.ec ?? "") \(clean.details)"
        #expect(!text.contains("TOKEN-111") && !text.contains("SECRET-222"), "\(text)")
        #expect(clean.message == "x-oss-security-token: [redacted]")
    }

    @Test func userInfoInAURLIsHidden() {
        #expect(SecretRedaction.hidingUserInfo("http://u:PaSs@127.0.0.1:9000/x") == "http://…@127.0.0.1:9000/x")
        #expect(SecretRedaction.hidingUserInfo("u:PaSs@host") == "…@host")
        #expect(SecretRedaction.hidingUserInfo("https://host/path@x") == "https://host/path@x")
        #expect(SecretRedaction.hidingUserInfo("https://sts.aliyuncs.com") == "https://sts.aliyuncs.com")
    }
}
