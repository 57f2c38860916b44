import OSSProtocol
import Testing

@Suite struct SignerV1VectorTests {
    @Test(arguments: SignatureVector.v1)
    func reproducesStringToSignAndAuthorization(_ v: SignatureVector) {
        let computed = SignerV1(credentials: v.credentials).authorization(for: v.received)
        #expect(computed.stringToSign == v.string_to_sign)
        #expect(computed.authorization == v.authorization)
    }

    @Test(arguments: SignatureVector.v1)
    func parsesTheAuthorization(_ v: SignatureVector) throws {
        let parsed = try SignerV1.parseAuthorization(v.authorization)
        #expect(parsed.accessKeyID == v.access_key_id)
        #expect(v.authorization.hasSuffix(":" + parsed.signature))
    }

    @Test func signingAClientRequestMatchesTheVector() throws {
        let v = try #require(SignatureVector.v1.first { $0.name == "UploadPart" && $0.sdk.hasPrefix("alibabacloud") })
        var request = SignableRequest(
            method: "PUT",
            bucket: v.bucket,
            key: v.key,
            query: [.init("partNumber", "7"), .init("uploadId", "0004B9894A22E5B1888A1E29F8236E2D")]
        )
        let time = try #require(SigningTime(rfc1123: "Wed, 25 Nov 2026 18:50:10 GMT"))
        SignerV1(credentials: v.credentials).sign(&request, at: time)
        #expect(request.header("Authorization") == v.authorization)
    }

    @Test func onlySubresourcesAreSignedUnescapedAndSorted() {
        let resource = SignerV1.canonicalizedResource(
            bucket: "b",
            key: "a b/c",
            query: [
                .init("uploadId", "x y"), .init("encoding-type", "url"), .init("partNumber", "2"),
                .init("max-parts", "5"),
            ]
        )
        #expect(resource == "/b/a b/c?partNumber=2&uploadId=x y")
        #expect(SignerV1.canonicalizedResource(bucket: "b", key: nil, query: [.init("uploads")]) == "/b/?uploads")
        #expect(SignerV1.canonicalizedResource(bucket: nil, key: nil, query: []) == "/")
    }

    @Test func rejectsMalformedAuthorization() {
        #expect(throws: SigningError.self) { try SignerV1.parseAuthorization("OSS4-HMAC-SHA256 Credential=x") }
        #expect(throws: SigningError.self) { try SignerV1.parseAuthorization("OSS :sig") }
    }
}
