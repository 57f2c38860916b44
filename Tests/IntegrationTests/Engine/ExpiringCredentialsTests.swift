import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// A batch that outlives its temporary credentials: the real `ossbatch` gets STS tokens lasting three seconds
/// from a loopback fake (ECS metadata service or STS), LocalOSS refuses each once it has expired, and the run
/// still ends with every object exact, renewals in its log, and no secret or token in any output or file.
@Suite(.serialized)
struct ExpiringCredentialsTests {
    static let lifetime: TimeInterval = 3

    /// Three multipart files sent at 1 MB/s: about six seconds, two token lifetimes.
    static func writeBatch(_ h: EngineHarness) throws -> String {
        for i in 0..<3 { try h.writeFile("big-\(i).bin", size: 2_000_000, seed: UInt64(i + 7)) }
        return try h.writeManifest(upload: [
            "concurrency: 4", "files_in_flight: 3", "part_size: 256KiB", "multipart_threshold: 1MiB",
            "bandwidth: 1MB/s",
        ])
    }

    /// The harness's own AccessKey is withheld: only the fake's temporary credentials can sign.
    static func environment(_ fake: FakeCredentialService, home: String) -> [String: String?] {
        [
            "OSS_ACCESS_KEY_ID": nil, "OSS_ACCESS_KEY_SECRET": nil, "OSS_SESSION_TOKEN": nil, "HOME": home,
            "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "false", "OSSBATCH_ECS_METADATA_ENDPOINT": fake.endpoint,
        ]
    }

    static func check(
        _ result: ProcessResult,
        _ h: EngineHarness,
        _ fake: FakeCredentialService,
        elapsed: Duration
    ) throws {
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        #expect(elapsed > .seconds(lifetime + 1), "the run must outlive the first token")
        try h.expectAllStoredExactly()
        #expect(try h.report().status == .succeeded)
        let renewals = result.stderr.split(separator: "\n").filter { $0.contains("refreshed; valid until") }
        #expect(!renewals.isEmpty, "\(result.stderr)")
        #expect(fake.issued.count >= 2)
        // Renewal ahead of expiry is proven by RefreshingCredentialsProviderTests; here a request signed just
        // before a token ran out (a loaded machine can take longer than the last third of a 3-second lifetime
        // to renew) may still be refused with SecurityTokenExpired and is then renewed and retried: the run
        // ends exact either way, and LocalOSS refused nothing but expired or replaced tokens.
        let refused = h.server.log.all.filter { $0.status == 403 }
        #expect(refused.allSatisfy { $0.errorCode == "SecurityTokenExpired" || $0.errorCode == "InvalidSecurityToken" })
        h.expectNoSecrets(
            in: [result.stdout, result.stderr],
            others: fake.issued.flatMap { [$0.secret, $0.token] }
        )
    }

    @Test func ecsRoleTokensExpiringEveryFewSecondsAreRenewedAndTheMultipartRunEndsExact() async throws {
        let h = try await EngineHarness.start("expiring-ecs")
        defer { Task { await h.stop() } }
        let fake = try await FakeCredentialService.start(
            registry: h.server.temporaryCredentials,
            lifetime: Self.lifetime,
            imdsV2: .required
        )
        defer { Task { await fake.stop() } }
        let manifest = try Self.writeBatch(h)
        let started = ContinuousClock.now
        let result = try await h.ossbatch(
            ["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"],
            environment: Self.environment(fake, home: h.dir.path)
        )
        try Self.check(result, h, fake, elapsed: ContinuousClock.now - started)
        #expect(result.stderr.contains("credentials from the ECS RAM role (metadata service \(fake.endpoint))"))
    }

    @Test func aTwoHourTokenFromServicesThreeHoursBehindThisMachineIsFetchedOnceForTheWholeRun() async throws {
        // This machine's clock three hours fast: by it, each token the metadata service hands out expired an
        // hour before it was issued. Its lifetime is read off the service's own Date.
        let offset: TimeInterval = -3 * 3600
        let h = try await EngineHarness.start("clock-fast-ecs") { $0.clockOffset = offset }
        defer { Task { await h.stop() } }
        let fake = try await FakeCredentialService.start(
            registry: h.server.temporaryCredentials,
            lifetime: 7200,
            clockOffset: offset
        )
        defer { Task { await fake.stop() } }
        for i in 0..<24 { try h.writeFile("f-\(i).bin", size: 1000, seed: UInt64(i)) }
        let manifest = try h.writeManifest(upload: ["concurrency: 4"])
        let result = try await h.ossbatch(
            ["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"],
            environment: Self.environment(fake, home: h.dir.path)
        )
        #expect(result.exitCode == 0, "\(result.stderr)")
        try h.expectAllStoredExactly()
        #expect(fake.issued.count == 1, "\(fake.requests)")
        #expect(
            h.server.log.all.filter { $0.operation == .putObject }.map(\.status) == Array(repeating: 200, count: 24)
        )
    }

    @Test func rrsaTokensExpiringEveryFewSecondsAreReassumedAndTheMultipartRunEndsExact() async throws {
        let h = try await EngineHarness.start("expiring-rrsa")
        defer { Task { await h.stop() } }
        let fake = try await FakeCredentialService.start(
            registry: h.server.temporaryCredentials,
            lifetime: Self.lifetime,
            oidcToken: "eyJ-pod-token"
        )
        defer { Task { await fake.stop() } }
        let tokenFile = try h.dir.write("oidc-token", "eyJ-pod-token")
        let manifest = try Self.writeBatch(h)
        var env = Self.environment(fake, home: h.dir.path)
        env["ALIBABA_CLOUD_ROLE_ARN"] = "acs:ram::1:role/uploader"
        env["ALIBABA_CLOUD_OIDC_PROVIDER_ARN"] = "acs:ram::1:oidc-provider/ack"
        env["ALIBABA_CLOUD_OIDC_TOKEN_FILE"] = tokenFile.path
        env["OSSBATCH_STS_ENDPOINT"] = fake.endpoint
        let started = ContinuousClock.now
        let result = try await h.ossbatch(
            ["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"],
            environment: env
        )
        try Self.check(result, h, fake, elapsed: ContinuousClock.now - started)
        #expect(fake.requests.allSatisfy { $0 == "POST /" })
        h.expectNoSecrets(in: [result.stdout, result.stderr], others: ["eyJ-pod-token"])
    }

    /// The instance's metadata service is asked directly, whatever `http_proxy` says: through a squid on another
    /// instance it answers with that instance's role, and the whole night was signed as it, the secret and token
    /// carried in clear through the proxy (review of e4ab55a). Here the proxy is dead and OSS (`127.0.0.1`) is in
    /// `no_proxy`; the metadata service, reached as `localhost`, went through the proxy: no credentials, exit 3.
    @Test func theMetadataServiceIsNeverAskedThroughAProxy() async throws {
        let h = try await EngineHarness.start("metadata-no-proxy")
        defer { Task { await h.stop() } }
        let fake = try await FakeCredentialService.start(registry: h.server.temporaryCredentials, lifetime: 3600)
        defer { Task { await fake.stop() } }
        try h.writeFile("a.txt", size: 100)
        let manifest = try h.writeManifest()
        let closed = try await ProcessRunner.run(
            UnreachableServiceTests.python,
            ["python3", "-c", UnreachableServiceTests.listener, "closed"]
        )
        let port = try #require(Int(closed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        var env = Self.environment(fake, home: h.dir.path)
        env["OSSBATCH_ECS_METADATA_ENDPOINT"] = fake.endpoint.replacingOccurrences(of: "127.0.0.1", with: "localhost")
        env["http_proxy"] = "http://127.0.0.1:\(port)"
        env["no_proxy"] = "127.0.0.1"
        for other in ["NO_PROXY", "ALL_PROXY", "all_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"] {
            env[other] = .some(nil)
        }
        let result = try await h.ossbatch(
            ["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"],
            environment: env
        )
        #expect(result.exitCode == 0, "\(result.stderr)")
        try h.expectAllStoredExactly()
        #expect(fake.issued.count == 1)
    }

    /// The metadata service broken when the token expires: the batch stops on the first request that cannot be
    /// signed, the requests in flight and queued are cancelled, and every unfinished job is `pending`, not
    /// `failed` (audit of 72b75db: jobs caught by the stop were failed with `CredentialsError`, and each job in
    /// flight waited out a renewal of its own before the run could end). `resume` with credentials ends exact.
    @Test func aTokenThatCannotBeRenewedStopsTheBatchWithEveryUnfinishedJobPending() async throws {
        let h = try await EngineHarness.start("unrenewable-ecs")
        defer { Task { await h.stop() } }
        let fake = try await FakeCredentialService.start(
            registry: h.server.temporaryCredentials,
            lifetime: Self.lifetime
        )
        for i in 0..<60 { try h.writeFile("f-\(i).bin", size: 1000, seed: UInt64(i)) }
        // Four at a time, 400 ms each: about six seconds, twice the token's lifetime.
        h.server.faults.add(FaultRule(operation: .putObject, count: nil, action: .delay(milliseconds: 400)))
        let manifest = try h.writeManifest(upload: ["concurrency: 4", "files_in_flight: 4"])
        let process = try h.start(
            ["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"],
            environment: Self.environment(fake, home: h.dir.path)
        )
        defer { Task { await fake.stop() } }
        #expect(await h.waitUntil { !fake.issued.isEmpty })
        fake.failFromNow()
        let result = await process.wait()
        #expect(result.exitCode == 3, "\(result.stderr)")
        let report = try h.report()
        #expect(report.status == .fatal)
        #expect(report.fatalError?.code == "CredentialsError", "\(String(describing: report.fatalError))")
        #expect(report.totals.failed == 0, "\(report.jobs { status, _ in status == .failed }.map(\.outcome))")
        #expect(report.totals.pending > 0 && report.totals.succeeded + report.totals.pending == 60)
        #expect(result.stderr.components(separatedBy: "stopping the batch").count == 2, "\(result.stderr)")
        h.server.faults.removeAll()
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        try h.expectAllStoredExactly()
    }

    /// The token expires, and cannot be renewed, while the last part of a multipart upload is in flight: its
    /// Complete cannot be signed, so the job is `pending` with its upload kept, and `resume` completes it.
    /// Before, the multipart path took the credentials error for a failure of the job (`failed`).
    @Test func aCompleteThatCannotBeSignedLeavesItsJobPendingWithItsUpload() async throws {
        let h = try await EngineHarness.start("unrenewable-complete")
        defer { Task { await h.stop() } }
        let fake = try await FakeCredentialService.start(
            registry: h.server.temporaryCredentials,
            lifetime: Self.lifetime
        )
        defer { Task { await fake.stop() } }
        try h.writeFile("big.bin", size: 1_500_000, seed: 1)
        let manifest = try h.writeManifest(upload: ["concurrency: 1", "part_size: 128KiB", "multipart_threshold: 1MiB"])
        let gate = h.hold(.uploadPart, after: 11)  // the twelfth, last part
        let process = try h.start(
            ["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"],
            environment: Self.environment(fake, home: h.dir.path)
        )
        #expect(await h.waitUntil(.seconds(120)) { h.server.faults.held(at: gate) == 1 })
        fake.failFromNow()
        try await Task.sleep(for: .seconds(Self.lifetime + 1))  // the token it holds has expired
        h.server.faults.open(gate: gate)
        let result = await process.wait(timeout: .seconds(120))
        #expect(result.exitCode == 3, "\(result.stderr)")
        let job = try #require(try h.report().jobs.first)
        #expect(job.outcome.status == .pending && job.outcome.uploadID != nil, "\(job.outcome)")
        #expect(!h.server.log.all.contains { $0.operation == .completeMultipartUpload })
        h.server.faults.removeAll()
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        try h.expectAllStoredExactly()
    }
}
