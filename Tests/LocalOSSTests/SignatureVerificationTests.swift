import Foundation
import TestSupport
import Testing

/// Signature checks: the official SDKs' recorded requests (the shared vectors) are replayed over HTTP and
/// must be accepted with the right secret and refused with a wrong one.
@Suite struct SignatureVerificationTests {
    struct Vector: Decodable {
        var name: String
        var sdk: String
        var method: String
        var target: String
        var headers: [[String]]
        var authorization: String
        var access_key_id: String
        var access_key_secret: String
        var region: String
        var bucket: String
    }

    static func vectors(_ file: String) throws -> [Vector] {
        // The vectors live with the signer's tests; read them in place rather than keeping a second copy.
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("OSSProtocolTests/Fixtures/\(file)")
        struct File: Decodable { var vectors: [Vector] }
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).vectors
    }

    /// Sends `vector` as recorded (target and headers), with `secret` configured on the server.
    static func replay(_ vector: Vector, serverSecret: String) async throws -> TestReply {
        try await LocalOSSFixture.with(
            bucket: vector.bucket,
            accessKeyID: vector.access_key_id,
            accessKeySecret: serverSecret
        ) { oss in
            var headers: [String: String] = [:]
            let transport: Set<String> = [
                "host", "content-length", "connection", "accept-encoding", "user-agent", "accept",
            ]
            for pair in vector.headers where !transport.contains(pair[0].lowercased()) { headers[pair[0]] = pair[1] }
            headers["Authorization"] = vector.authorization
            let length = vector.headers.first { $0[0].lowercased() == "content-length" }.flatMap { Int($0[1]) } ?? 0
            let body: Data? = length > 0 ? Data(repeating: 0x61, count: length) : nil
            let url = URL(string: oss.endpoint.absoluteString + vector.target)!
            return try await TestHTTP.send(vector.method, url, headers: headers, body: body)
        }
    }

    @Test(arguments: ["signature-v4.json", "signature-v1.json"])
    func everySDKVectorIsAcceptedWithItsSecretAndRefusedWithAnother(file: String) async throws {
        let vectors = try Self.vectors(file)
        #expect(vectors.count >= 10)
        for vector in vectors {
            let good = try await Self.replay(vector, serverSecret: vector.access_key_secret)
            // Past the signature check the request may still fail (e.g. NoSuchUpload for the recorded upload id).
            #expect(good.status != 403, "\(vector.sdk) \(vector.name): \(good.text)")
            let bad = try await Self.replay(vector, serverSecret: vector.access_key_secret + "x")
            #expect(bad.status == 403, "\(vector.sdk) \(vector.name)")
            if vector.method != "HEAD" {
                #expect(bad.xml("Code") == "SignatureDoesNotMatch", "\(vector.sdk) \(vector.name)")
            }
        }
    }

    @Test func wrongSecretAnswersSignatureDoesNotMatchWithRequestIDAndNoSecret() async throws {
        let vector = try #require(try Self.vectors("signature-v4.json").first)
        let reply = try await Self.replay(vector, serverSecret: "server-side-secret")
        #expect(reply.status == 403)
        #expect(reply.xml("Code") == "SignatureDoesNotMatch")
        #expect(reply.xml("RequestId") == reply.header("x-oss-request-id"))
        #expect(reply.xml("RequestId")?.isEmpty == false)
        #expect(!reply.text.contains("server-side-secret"))
        #expect(!reply.text.contains(vector.access_key_secret))
    }

    @Test func unknownAccessKeyIsInvalidAccessKeyId() async throws {
        try await LocalOSSFixture.with(accessKeyID: "someone-else", accessKeySecret: "s") { oss in
            let reply = try await TestHTTP.send(
                "GET",
                oss.url(forKey: "k"),
                headers: [
                    "Authorization": "OSS LTAI5tTESTKEYID0001:AAAA", "Date": "Wed, 25 Nov 2026 18:50:10 GMT",
                ]
            )
            #expect(reply.status == 403)
            #expect(reply.xml("Code") == "InvalidAccessKeyId")
        }
    }

    @Test func unsignedRequestIsDeniedWhenKeysAreConfigured() async throws {
        try await LocalOSSFixture.with { oss in
            let reply = try await TestHTTP.send("PUT", oss.url(forKey: "k"), body: Data("x".utf8))
            #expect(reply.status == 403)
            #expect(reply.xml("Code") == "AccessDenied")
        }
    }
}
