import OSSProtocol
import Testing

/// What a server or STS said, and URLs, as shown in messages: known secrets and passwords taken out.
@Suite struct SecretRedactionTextTests {
    @Test func everyOccurrenceOfEachSecretIsRedactedAndEmptyOnesAreIgnored() {
        #expect(
            SecretRedaction.redacting("token T0k T0k and S3c", ["T0k", "S3c", ""])
                == "token [redacted] [redacted] and [redacted]"
        )
        #expect(SecretRedaction.redacting("nothing here", ["T0k"]) == "nothing here")
    }

    @Test func anErrorThatEchoesTheRequestKeepsNoSecretInAnyField() {
        let echoed = OSSServiceError(
            httpStatus: 403,
            code: .accessDenied,
            message: "x-oss-security-token: TOKEN-1",
            requestID: "TOKEN-1",
            hostID: "SECRET-2",
            ec: "TOKEN-1",
            details: ["Header": "SECRET-2"]
        )
        let clean = echoed.redacting(["SECRET-2", "TOKEN-1"])
        let text =
            "\(clean) \(clean.message) \(clean.requestID) \(clean.hostID ?? "") \(clean.ec ?? "") \(clean.details)"
        #expect(!text.contains("TOKEN-1") && !text.contains("SECRET-2"), "\(text)")
        #expect(clean.message == "x-oss-security-token: [redacted]")
    }

    @Test func userInfoInAURLIsHidden() {
        #expect(SecretRedaction.hidingUserInfo("http://u:PaSs@127.0.0.1:9000/x") == "http://…@127.0.0.1:9000/x")
        #expect(SecretRedaction.hidingUserInfo("u:PaSs@host") == "…@host")
        #expect(SecretRedaction.hidingUserInfo("https://host/path@x") == "https://host/path@x")
        #expect(SecretRedaction.hidingUserInfo("https://sts.aliyuncs.com") == "https://sts.aliyuncs.com")
    }
}
