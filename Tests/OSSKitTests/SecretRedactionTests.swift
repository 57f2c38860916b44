import CurlHTTP
import Foundation
import OSSKit
import OSSProtocol
import TestSupport
import Testing

/// Secrets must never reach a log line, an error message or a report through `String(describing:)`.
@Suite struct SecretRedactionTests {
    static let secret = "SeCrEt-Value-0123456789"
    static let token = "StsToken-ABCDEFGHIJ"
    static let credentials = Credentials(accessKeyID: "LTAIvisible", accessKeySecret: secret, securityToken: token)

    private func expectClean(_ value: Any, sourceLocation: SourceLocation = #_sourceLocation) {
        for text in [String(describing: value), String(reflecting: value)] {
            #expect(!text.contains(Self.secret), "secret leaked: \(text)", sourceLocation: sourceLocation)
            #expect(!text.contains(Self.token), "token leaked: \(text)", sourceLocation: sourceLocation)
        }
    }

    /// Like `expectClean`, and the value does not even hold a copy: `dump` walks every stored property, so a
    /// copy kept where no description shows it today is caught too. (Credentials and signers do hold the
    /// secret, so this is for values that should not: errors and events.)
    private func expectNoCopy(_ value: Any, sourceLocation: SourceLocation = #_sourceLocation) {
        expectClean(value, sourceLocation: sourceLocation)
        var dumped = ""
        dump(value, to: &dumped)
        #expect(!dumped.contains(Self.secret), "secret kept: \(dumped)", sourceLocation: sourceLocation)
        #expect(!dumped.contains(Self.token), "token kept: \(dumped)", sourceLocation: sourceLocation)
    }

    @Test func credentialsSignersAndSignedRequestsHideSecretAndToken() {
        expectClean(Self.credentials)
        expectClean(SignerV4(credentials: Self.credentials, region: "cn-hangzhou"))
        expectClean(SignerV1(credentials: Self.credentials))
        for version in SignatureVersion.allCases {
            var request = SignableRequest(method: "PUT", bucket: "b", key: "k")
            switch version {
            case .v4:
                SignerV4(credentials: Self.credentials, region: "r").sign(&request, at: SigningTime(epochSeconds: 1))
            case .v1: SignerV1(credentials: Self.credentials).sign(&request, at: SigningTime(epochSeconds: 1))
            }
            #expect(request.header("x-oss-security-token") == Self.token)  // it is sent…
            expectClean(request)  // …but never printed
        }
    }

    /// A real `SignatureDoesNotMatch`: a request signed with a wrong secret and an STS token goes through libcurl
    /// to LocalOSS, whose answer (like OSS's) echoes the string to sign — and for V4 the canonical request —
    /// with the token in it. The parsed error, the client's error and a retry event built from it hold neither
    /// the secret nor the token, anywhere in their stored values, not just in their descriptions.
    @Test(arguments: SignatureVersion.allCases)
    func realSignatureMismatchAnswerLeavesNoSecretOrTokenInTheError(version: SignatureVersion) async throws {
        try await LocalOSSFixture.with(accessKeyID: "LTAIvisible", accessKeySecret: "the-right-secret") { oss in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            var request = SignableRequest(method: "PUT", bucket: oss.bucket, key: "k")
            let now = SigningTime(epochSeconds: Int64(Date().timeIntervalSince1970))
            switch version {
            case .v4: SignerV4(credentials: Self.credentials, region: oss.region).sign(&request, at: now)
            case .v1: SignerV1(credentials: Self.credentials).sign(&request, at: now)
            }
            let response = try await http.send(
                HTTPRequest(
                    method: "PUT",
                    url: oss.endpoint.absoluteString + request.encodedPath(includeBucket: true),
                    headers: request.headers,
                    body: .bytes(Array("body".utf8))
                )
            )
            #expect(response.status == 403)
            let body = String(decoding: response.body, as: UTF8.self)
            try #require(
                body.contains(Self.token),
                "the answer must echo the token, or this test proves nothing: \(body)"
            )
            let parsed = OSSServiceError(response: response)
            #expect(parsed.code == .signatureDoesNotMatch)
            #expect(parsed.requestID == response.header("x-oss-request-id"))
            expectNoCopy(parsed)

            var configuration = OSSClientConfiguration(
                endpoint: oss.endpoint.absoluteString,
                region: oss.region,
                signature: version,
                addressing: .path
            )
            configuration.retry = RetryPolicy(attempts: 1)
            let client = OSSClient(configuration: configuration, credentials: Self.credentials, transport: http)
            do {
                _ = try await client.putObject(
                    bucket: oss.bucket,
                    key: "k",
                    body: .bytes(Array("body".utf8)),
                    options: ObjectOptions()
                )
                Issue.record("a wrong secret must be refused")
            } catch let error as OSSError {
                #expect(error.code == .signatureDoesNotMatch)
                expectNoCopy(error)
                expectNoCopy(
                    RetryEvent(operation: "PutObject", bucket: "b", key: "k", attempt: 1, error: error, delay: 0.5)
                )
            }
        }
    }

    @Test func clientDescriptionHidesSecretAndToken() {
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        let client = OSSClient(
            configuration: OSSClientConfiguration(endpoint: "http://127.0.0.1:1", region: "r"),
            credentials: Self.credentials,
            transport: http
        )
        expectClean(client)
    }

    @Test func anAnswerThatEchoesTheRequestKeepsNoSecretInAnyErrorItBecomes() {
        // An endpoint or proxy that echoes the request: the token as a request id, in a header read as a CRC,
        // in an error code of its own.
        let secrets = [Self.secret, Self.token]
        let errors: [OSSError] = [
            .integrity(expected: 1, received: 2, requestID: Self.token),
            .invalidResponse("x-oss-hash-crc64ecma is not a decimal CRC: \(Self.token)", requestID: Self.token),
            .missingCRC64(operation: "PutObject", requestID: Self.token),
            .service(
                OSSServiceError(
                    httpStatus: 400,
                    code: OSSErrorCode(rawValue: "Echo" + Self.token),
                    message: Self.secret,
                    requestID: Self.token
                ),
                attempts: 1
            ),
        ]
        for error in errors { expectNoCopy(error.redacting(secrets)) }
    }
}
