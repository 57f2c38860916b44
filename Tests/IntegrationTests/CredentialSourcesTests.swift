import CurlHTTP
import Foundation
import LocalOSS
import OSSBatch
import OSSKit
import OSSProtocol
import TestSupport
import Testing

/// The network credential sources over the real transport against a loopback fake metadata service and STS,
/// with LocalOSS accepting what they issue: IMDSv2 first and the v1 fallback, a named or discovered role,
/// AssumeRoleWithOIDC, and a token OSS refuses, renewed once and retried.
@Suite(.serialized) struct CredentialSourcesTests {
    static let http = CurlHTTPClient()

    /// LocalOSS (with a permanent key nobody uses here) and the fake services registering with it.
    static func with(
        lifetime: TimeInterval = 3600,
        imdsV2: FakeCredentialService.IMDSv2 = .supported,
        _ body: (LocalOSSFixture, FakeCredentialService) async throws -> Void
    ) async throws {
        try await LocalOSSFixture.with { oss in
            let fake = try await FakeCredentialService.start(
                registry: oss.server.temporaryCredentials,
                lifetime: lifetime,
                imdsV2: imdsV2
            )
            do {
                try await body(oss, fake)
                await fake.stop()
            } catch {
                await fake.stop()
                throw error
            }
        }
    }

    static func environment(_ fake: FakeCredentialService, _ more: [String: String] = [:]) -> [String: String] {
        ["OSSBATCH_ECS_METADATA_ENDPOINT": fake.endpoint, "HOME": "/nonexistent"].merging(more) { a, _ in a }
    }

    /// The environment of an RRSA pod whose OIDC token (`eyJ-fake-oidc-token`) is a file in `dir`, STS the fake.
    static func oidcEnvironment(
        _ fake: FakeCredentialService,
        tokenIn dir: TemporaryDirectory
    ) throws -> [String: String] {
        let tokenFile = try dir.write("token", "eyJ-fake-oidc-token\n")
        return environment(
            fake,
            [
                "ALIBABA_CLOUD_ROLE_ARN": "acs:ram::1:role/etl",
                "ALIBABA_CLOUD_OIDC_PROVIDER_ARN": "acs:ram::1:oidc-provider/ack",
                "ALIBABA_CLOUD_OIDC_TOKEN_FILE": tokenFile.path, "OSSBATCH_STS_ENDPOINT": fake.endpoint,
            ]
        )
    }

    static func client(_ oss: LocalOSSFixture, _ provider: any CredentialsProvider, attempts: Int = 3) -> OSSClient {
        OSSClient(
            configuration: OSSClientConfiguration(
                endpoint: oss.endpoint.absoluteString,
                region: oss.region,
                addressing: .path,
                retry: RetryPolicy(attempts: attempts, baseDelay: 0.01, maxDelay: 0.05)
            ),
            credentialsProvider: provider,
            transport: http
        )
    }

    static func provider(_ env: [String: String]) async throws -> any CredentialsProvider {
        try await CredentialsResolver(manifestSource: nil, environment: env).provider(transport: http)
    }

    @Test func theECSRoleIsDiscoveredWithAnIMDSv2SessionTokenAndItsCredentialsWorkAtOSS() async throws {
        try await Self.with(imdsV2: .required) { oss, fake in
            let provider = try await Self.provider(Self.environment(fake))
            let put = try await Self.client(oss, provider).putObject(
                bucket: oss.bucket,
                key: "ecs.txt",
                body: .bytes(Array("hello".utf8)),
                options: ObjectOptions()
            )
            #expect(put.status == 200)
            #expect(
                fake.requests == [
                    "PUT /latest/api/token", "GET /latest/meta-data/ram/security-credentials/ +token",
                    "GET /latest/meta-data/ram/security-credentials/ossbatch-test-role +token",
                ]
            )
            #expect(fake.issued.count == 1)
        }
    }

    @Test func withoutIMDSv2TheRoleIsReadWithPlainRequestsUnlessV1IsDisabled() async throws {
        try await Self.with(imdsV2: .unavailable) { oss, fake in
            let named = Self.environment(fake, ["ALIBABA_CLOUD_ECS_METADATA": fake.roleName])
            let provider = try await Self.provider(named)
            _ = try await Self.client(oss, provider).headObject(bucket: oss.bucket, key: "none")
            // Named: no discovery request; plain GET after the refused token.
            #expect(
                fake.requests == [
                    "PUT /latest/api/token", "GET /latest/meta-data/ram/security-credentials/ossbatch-test-role",
                ]
            )
            var strict = named
            strict["ALIBABA_CLOUD_IMDSV1_DISABLED"] = "true"
            await #expect {
                _ = try await Self.provider(strict)
            } throws: { error in
                let message = (error as? CredentialsError)?.message ?? ""
                return message.contains("no IMDSv2 session token (HTTP 403)")
                    && message.contains("ALIBABA_CLOUD_IMDSV1_DISABLED")
            }
        }
    }

    @Test func aMetadataServiceThatIsNotThereEndsTheChainWithEverySourceTried() async throws {
        // A port nothing listens on: the chain's last resort fails fast.
        let started = ContinuousClock.now
        await #expect {
            _ = try await Self.provider([
                "OSSBATCH_ECS_METADATA_ENDPOINT": "http://127.0.0.1:1", "HOME": "/nonexistent",
            ])
        } throws: { error in
            let message = (error as? CredentialsError)?.message ?? ""
            return message.hasPrefix("no credentials: tried, in order, --credentials-file (not given)")
                && message.contains("the ECS RAM role (metadata service http://127.0.0.1:1)")
        }
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test func rrsaAssumesTheRoleWithTheOIDCTokenFileAtSTS() async throws {
        try await Self.with { oss, fake in
            let dir = try TemporaryDirectory("oidc")
            defer { dir.remove() }
            let env = try Self.oidcEnvironment(fake, tokenIn: dir)
            let provider = try await Self.provider(env)
            _ = try await Self.client(oss, provider).putObject(
                bucket: oss.bucket,
                key: "rrsa.txt",
                body: .bytes([1]),
                options: ObjectOptions()
            )
            #expect(fake.requests == ["POST /"])
            // A token STS refuses: its code and message, never the token.
            _ = try dir.write("token", "not-the-token")
            await #expect {
                _ = try await Self.provider(env)
            } throws: { error in
                let message = (error as? CredentialsError)?.message ?? ""
                return message.contains("HTTP 400 InvalidParameter.OIDCToken") && !message.contains("not-the-token")
            }
            #expect(fake.requests == ["POST /", "POST /"], "a refusal is not asked again")
        }
    }

    /// A key pair rotated in a credentials file, the old key disabled at once (automated rotation): the
    /// refusal (`InvalidAccessKeyId`) has the file read again and the request sent with the new pair. The file
    /// was read again only every 5 minutes, and the refusal stopped the night (review of e4ab55a).
    @Test func aKeyPairRotatedInACredentialsFileIsReadAgainWhenOSSNoLongerKnowsTheOldKey() async throws {
        try await LocalOSSFixture.with { oss in
            let dir = try TemporaryDirectory("rotated-key")
            defer { dir.remove() }
            let registry = oss.server.temporaryCredentials
            let expiry = Date().addingTimeInterval(3600)
            let write = { (id: String, secret: String, token: String) throws in
                let url = try dir.write(
                    "creds",
                    "[default]\naccess_key_id = \(id)\naccess_key_secret = \(secret)\nsecurity_token = \(token)\n"
                )
                chmod(url.path, 0o600)
            }
            registry.register(accessKeyID: "STS.old", secret: "old-secret", securityToken: "t-old", expiration: expiry)
            try write("STS.old", "old-secret", "t-old")
            let provider = try await CredentialsResolver(
                commandLineFile: dir.path + "/creds",
                manifestSource: nil,
                environment: ["HOME": "/nonexistent"]
            ).provider(transport: Self.http)
            let client = Self.client(oss, provider, attempts: 1)
            _ = try await client.headObject(bucket: oss.bucket, key: "k")
            registry.register(accessKeyID: "STS.new", secret: "new-secret", securityToken: "t-new", expiration: expiry)
            try write("STS.new", "new-secret", "t-new")
            registry.revoke(securityToken: "t-old")
            oss.log.removeAll()
            _ = try await client.headObject(bucket: oss.bucket, key: "k")
            #expect(oss.log.all.map(\.status) == [403, 404])
        }
    }

    /// STS busy for a moment when the night starts (three 503s, ~3.5 s): the credentials are had once it
    /// answers. Tried three times in 1.5 s, the whole night failed with no credentials, exit 3 (review of
    /// e4ab55a). A refusal (the 400 above) is not asked again.
    @Test func aServiceBusyForAMomentAtTheStartIsWaitedFor() async throws {
        try await Self.with { oss, fake in
            let dir = try TemporaryDirectory("oidc-busy")
            defer { dir.remove() }
            let env = try Self.oidcEnvironment(fake, tokenIn: dir)
            fake.failNext(3)
            let provider = try await Self.provider(env)
            _ = try await Self.client(oss, provider).headObject(bucket: oss.bucket, key: "none")
            #expect(fake.requests == Array(repeating: "POST /", count: 4))
            #expect(fake.issued.count == 1)
        }
    }

    @Test func aRevokedTokenIsRefusedByLocalOSSThenRenewedOnceAndTheRequestRetried() async throws {
        try await Self.with { oss, fake in
            let provider = try await Self.provider(Self.environment(fake))
            let client = Self.client(oss, provider)
            _ = try await client.headObject(bucket: oss.bucket, key: "k")
            let first = try #require(fake.issued.first)
            oss.server.temporaryCredentials.revoke(securityToken: first.token)
            oss.server.temporaryCredentials.register(
                accessKeyID: first.accessKeyID,
                secret: first.secret,
                securityToken: "another-token",
                expiration: first.expiration
            )
            oss.log.removeAll()
            _ = try await client.headObject(bucket: oss.bucket, key: "k")
            #expect(
                oss.log.all.map { "\($0.operation.rawValue) \($0.status)" } == ["HeadObject 403", "HeadObject 404"]
            )
            #expect(fake.issued.count == 2)
        }
    }

    @Test func localOSSRefusesAnExpiredTokenAsSecurityTokenExpired() async throws {
        try await LocalOSSFixture.with { oss in
            oss.server.temporaryCredentials.register(
                accessKeyID: "STS.expired",
                secret: "s",
                securityToken: "t",
                expiration: Date().addingTimeInterval(-1)
            )
            let client = Self.client(
                oss,
                StaticCredentialsProvider(
                    Credentials(accessKeyID: "STS.expired", accessKeySecret: "s", securityToken: "t")
                )
            )
            await #expect {
                _ = try await client.headObject(bucket: oss.bucket, key: "k")
            } throws: { error in
                (error as? OSSError)?.code == .securityTokenExpired
            }
            oss.server.temporaryCredentials.register(
                accessKeyID: "STS.expired",
                secret: "s",
                securityToken: "t",
                expiration: Date().addingTimeInterval(60)
            )
            let head = try await client.headObject(bucket: oss.bucket, key: "k")
            #expect(head == nil)
        }
    }

    /// With `retries.attempts: 1` too: the token's replacement is not a retry (before, one attempt allowed
    /// none, and a rotated token stopped the batch).
    @Test(arguments: [3, 1])
    func aCredentialsFileWhoseTokenWasRotatedIsReadAgainWhenOSSRefusesTheOldOne(attempts: Int) async throws {
        try await LocalOSSFixture.with { oss in
            let dir = try TemporaryDirectory("rotated")
            defer { dir.remove() }
            let registry = oss.server.temporaryCredentials
            let expiry = Date().addingTimeInterval(3600)
            registry.register(accessKeyID: "STS.file", secret: "file-secret", securityToken: "old", expiration: expiry)
            let write = { (token: String) throws in
                let url = try dir.write(
                    "creds",
                    "[default]\naccess_key_id = STS.file\naccess_key_secret = file-secret\nsecurity_token = \(token)\n"
                )
                chmod(url.path, 0o600)
            }
            try write("old")
            let provider = try await CredentialsResolver(
                commandLineFile: dir.path + "/creds",
                manifestSource: nil,
                environment: ["HOME": "/nonexistent"]
            ).provider(transport: Self.http)
            let client = Self.client(oss, provider, attempts: attempts)
            _ = try await client.headObject(bucket: oss.bucket, key: "k")
            // An agent rotates the token in the file; the old one stops working.
            try write("new")
            registry.register(accessKeyID: "STS.file", secret: "file-secret", securityToken: "new", expiration: expiry)
            oss.log.removeAll()
            _ = try await client.headObject(bucket: oss.bucket, key: "k")
            #expect(oss.log.all.map(\.status) == [403, 404])

            // The token revoked while the file is caught half rewritten (its writer not atomic): the error says
            // what OSS refused, with its request id, before the file's problem (audit of 72b75db: it named the
            // file alone, which is fine again by morning).
            registry.revoke(securityToken: "new")
            registry.register(
                accessKeyID: "STS.file",
                secret: "file-secret",
                securityToken: "newer",
                expiration: expiry
            )
            try dir.write("creds", "")
            oss.log.removeAll()
            await #expect {
                _ = try await client.headObject(bucket: oss.bucket, key: "k")
            } throws: { error in
                guard case .credentials(let e)? = error as? OSSError else { return false }
                let requestID = oss.log.all.first?.requestID ?? "?"
                return e.message.hasPrefix(
                    "OSS refused the credentials (InvalidSecurityToken, request id \(requestID)) and they could not be renewed: "
                ) && e.message.contains("creds")
            }
        }
    }
}
