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
