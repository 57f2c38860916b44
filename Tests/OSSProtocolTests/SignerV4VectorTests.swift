import OSSProtocol
import Testing

@Suite struct SignerV4VectorTests {
    @Test func bothFixtureFilesAreLoadedInFull() {
        #expect(SignatureVector.v4.count == 18)
        #expect(SignatureVector.v1.count == 18)
    }

    @Test(arguments: SignatureVector.v4)
    func reproducesCanonicalRequestStringToSignAndAuthorization(_ v: SignatureVector) throws {
        let signer = SignerV4(credentials: v.credentials, region: v.region)
        let computed = try signer.authorization(for: v.received)
        #expect(computed.canonicalRequest == v.canonical_request)
        #expect(computed.stringToSign == v.string_to_sign)
        // oss2 writes ", Signature=" and the v2 SDK ",Signature=": compare the parsed parts, then the bytes.
        let expected = try SignerV4.parseAuthorization(v.authorization)
        #expect(computed.signature == expected.signature)
        #expect(computed.authorization == v.authorization.replacingOccurrences(of: ", ", with: ","))
    }

    @Test(arguments: SignatureVector.v4)
    func receivedRequestDecodesToTheVectorsBucketAndKey(_ v: SignatureVector) {
        let request = v.received
        #expect(request.bucket == v.bucket)
        #expect(request.key == v.key)
    }

    @Test(arguments: SignatureVector.v4)
    func parsesBothSDKsAuthorizationForms(_ v: SignatureVector) throws {
        let parsed = try SignerV4.parseAuthorization(v.authorization)
        #expect(parsed.accessKeyID == v.access_key_id)
        #expect(parsed.region == v.region)
        #expect(parsed.service == "oss")
        #expect(parsed.day == "20261125")
        #expect(parsed.additionalHeaders.isEmpty)
        #expect(parsed.signature.count == 64)
    }

    @Test func signingAClientRequestSetsDateHeadersAndMatchesTheVector() throws {
        // Rebuild the v2 SDK's "PutObject plain" request from decoded parts, sign it at the vector's time.
        let v = try #require(
            SignatureVector.v4.first { $0.name == "PutObject plain" && $0.sdk.hasPrefix("alibabacloud") }
        )
        var request = SignableRequest(
            method: "PUT",
            bucket: v.bucket,
            key: v.key,
            headers: [
                ("x-oss-object-acl", "public-read"), ("x-oss-meta-owner", "etl"), ("x-oss-meta-batch", "nightly"),
                ("Content-Type", "text/plain; charset=utf-8"),
            ]
        )
        let time = try #require(SigningTime(iso8601Basic: "20261125T185010Z"))
        SignerV4(credentials: v.credentials, region: v.region).sign(&request, at: time)
        #expect(request.header("Authorization") == v.authorization)
        #expect(request.header("Date") == "Wed, 25 Nov 2026 18:50:10 GMT")
        #expect(request.encodedPath(includeBucket: true) == v.target)
    }

    @Test func additionalHeadersAreSignedAndNamedInTheAuthorization() throws {
        var request = SignableRequest(method: "GET", bucket: "b", key: "k", headers: [("Host", "b.example.com")])
        request.setHeader("x-oss-date", "20261125T185010Z")
        let signer = SignerV4(credentials: Credentials(accessKeyID: "id", accessKeySecret: "s"), region: "r")
        let plain = try signer.authorization(for: request)
        let withHost = try signer.authorization(for: request, additionalHeaders: ["Host"])
        #expect(
            withHost.canonicalRequest.hasSuffix(
                "host:b.example.com\nx-oss-date:20261125T185010Z\n\nhost\nUNSIGNED-PAYLOAD"
            )
        )
        #expect(withHost.signature != plain.signature)
        let parsed = try SignerV4.parseAuthorization(withHost.authorization)
        #expect(parsed.additionalHeaders == ["host"])
    }

    @Test func stsTokenIsSentAsASignedHeader() throws {
        var request = SignableRequest(method: "HEAD", bucket: "b", key: "k")
        let creds = Credentials(accessKeyID: "id", accessKeySecret: "s", securityToken: "TOKEN-123")
        SignerV4(credentials: creds, region: "r").sign(&request, at: SigningTime(epochSeconds: 0))
        #expect(request.header("x-oss-security-token") == "TOKEN-123")
        let computed = try SignerV4(credentials: creds, region: "r").authorization(for: request)
        #expect(computed.canonicalRequest.contains("x-oss-security-token:TOKEN-123\n"))
    }

    @Test func rejectsMalformedAuthorizationHeaders() {
        for bad in [
            "", "OSS id:sig", "OSS4-HMAC-SHA256 Credential=id/20261125/r/oss/aliyun_v4_request",
            "OSS4-HMAC-SHA256 Credential=id/r,Signature=ab", "OSS4-HMAC-SHA256 Signature=ab",
        ] {
            #expect(throws: SigningError.self) { try SignerV4.parseAuthorization(bad) }
        }
    }

    @Test func missingDateIsAnError() {
        let signer = SignerV4(credentials: Credentials(accessKeyID: "id", accessKeySecret: "s"), region: "r")
        #expect(throws: SigningError.missingHeader("x-oss-date")) {
            try signer.authorization(for: SignableRequest(method: "GET", bucket: nil, key: nil))
        }
    }
}
