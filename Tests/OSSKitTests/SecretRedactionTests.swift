import CurlHTTP
import OSSKit
import OSSProtocol
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

    @Test func errorsAndRetryEventsHideSecretAndToken() {
        let service = OSSServiceError(
            httpStatus: 403,
            code: .signatureDoesNotMatch,
            message: "mismatch",
            requestID: "r"
        )
        let errors: [OSSError] = [
            .service(service, attempts: 2), .transport(.reset("x"), attempts: 1),
            .integrity(expected: 1, received: 2, requestID: "r"), .invalidResponse("x", requestID: "r"),
        ]
        for error in errors {
            expectClean(error)
            expectClean(RetryEvent(operation: "PutObject", bucket: "b", key: "k", attempt: 1, error: error, delay: 0.5))
        }
        expectClean(SigningError.malformedAuthorization("x"))
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
}
