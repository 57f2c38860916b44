import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// A run with a wrong secret and an STS token, by the real binary: LocalOSS answers `SignatureDoesNotMatch`
/// with the string to sign (and for V4 the canonical request) holding the token, and none of it — neither
/// the secret ossbatch signed with nor the token — may reach its output, logs, report, journal or checkpoints.
@Suite(.serialized)
struct SignatureMismatchSecrecyTests {
    @Test(arguments: ["v4", "v1"], ["text", "json"])
    func wrongSecretWithATokenLeavesNeitherInLogsOrTheReport(signature: String, logFormat: String) async throws {
        let h = try await EngineHarness.start("mismatch-\(signature)-\(logFormat)")
        defer { Task { await h.stop() } }
        try h.writeFile("small.txt", size: 1000, seed: 1)
        try h.writeFile("big.bin", size: 1_500_000, seed: 2)
        let manifest = try h.writeManifest(
            target: ["signature: \(signature)"],
            upload: ["multipart_threshold: 1MiB", "part_size: 512KiB"]
        )
        let wrong = "WrOnG-SeCrEt-\(UUID().uuidString)"
        let result = try await h.ossbatch(
            ["run", manifest, "--report", h.reportPath, "--log-level", "trace", "--log-format", logFormat],
            environment: ["OSS_ACCESS_KEY_SECRET": wrong]
        )
        #expect(result.exitCode == 3, "\(result.stderr)")
        #expect(h.server.log.all.contains { $0.errorCode == "SignatureDoesNotMatch" })
        let report = try h.report()
        let fatal = try #require(report.fatalError)
        #expect(fatal.code == "SignatureDoesNotMatch")
        #expect(fatal.requestID?.isEmpty == false)
        let jobErrors = [fatal] + report.jobs.compactMap(\.outcome.error)
        for error in jobErrors {
            for text in [String(describing: error), error.message] {
                #expect(!text.contains(wrong) && !text.contains(h.token), "\(text)")
            }
        }
        // The error is shown (so the test looks where a leak would be), and nothing secret is anywhere.
        #expect((result.stdout + result.stderr).contains("SignatureDoesNotMatch"), "\(result.stderr)")
        h.expectNoSecrets(in: [result.stdout, result.stderr], others: [wrong])
    }

    @Test func anEndpointThatEchoesTheRequestIntoItsErrorShowsNeitherSecretNorToken() async throws {
        // No real OSS answer repeats the token, but a proxy or an OSS-compatible store that echoes the request
        // (its headers into `Message`, the token into the request id) would put it into every log line and
        // report that shows the error: what the server said is shown with both taken out.
        let h = try await EngineHarness.start("echoing-endpoint")
        defer { Task { await h.stop() } }
        try h.writeFile("small.txt", size: 100, seed: 1)
        let echo =
            "<Error><Code>AccessDenied</Code><Message>x-oss-security-token: \(h.token) secret \(h.secret)"
            + "</Message><RequestId>\(h.token)</RequestId><HostId>\(h.secret)</HostId></Error>"
        h.server.faults.add(FaultRule(operation: .putObject, count: nil, action: .respond(status: 403, body: echo)))
        let manifest = try h.writeManifest()
        let result = try await h.ossbatch(
            ["run", manifest, "--report", h.reportPath, "--log-level", "trace", "--output", "json"]
        )
        #expect(result.exitCode != 0, "\(result.stderr)")
        #expect(result.stderr.contains("x-oss-security-token: [redacted]"), "\(result.stderr)")
        h.expectNoSecrets(in: [result.stdout, result.stderr])
    }

    @Test func aSecretGivenToSetOrNamedByAnEnvPlaceholderIsRefusedWithoutRepeatingIt() async throws {
        let h = try await EngineHarness.start("set-secret")
        defer { Task { await h.stop() } }
        try h.writeFile("small.txt", size: 100, seed: 1)
        let manifest = try h.writeManifest()
        let secret = "SeCrEt-on-the-command-line-\(UUID().uuidString)"
        for path in ["target.access_key_secret", "target.security_token", "defaults.metadata.oidc_token"] {
            let refused = try await h.ossbatch(["plan", manifest, "--set", "\(path)=\(secret)"])
            #expect(refused.exitCode == 2, "\(path): \(refused.stderr)")
            #expect(refused.stderr.contains("--set \(path)=…"), "\(refused.stderr)")
            #expect(!(refused.stdout + refused.stderr).contains(secret), "\(path): \(refused.stderr)")
        }
        // A manifest that holds no secret must not spell one into object keys (listed by anyone who may list
        // the bucket, and kept in reports, logs and the index).
        let spelled = try h.writeManifest("env.yaml", prefix: "backup/{env:OSS_SESSION_TOKEN}/")
        let refused = try await h.ossbatch(["plan", spelled])
        #expect(refused.exitCode == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("looks like a secret"), "\(refused.stderr)")
        h.expectNoSecrets(in: [refused.stdout, refused.stderr])
    }

    @Test func aRunningBatchCanLeaveNoCoreDump() async throws {
        // Its memory holds the secret and the token: a crash must not write them to disk.
        let h = try await EngineHarness.start("no-core")
        defer { Task { await h.stop() } }
        try h.writeFile("small.txt", size: 100, seed: 1)
        h.server.faults.add(FaultRule(operation: .putObject, action: .hold(gate: "core")))
        let manifest = try h.writeManifest()
        let run = try h.start(["run", manifest, "--report", h.reportPath])
        #expect(await h.waitUntil(.seconds(120)) { h.server.faults.held(at: "core") == 1 })
        let limits = try String(contentsOfFile: "/proc/\(run.process.processIdentifier)/limits", encoding: .utf8)
        h.server.faults.open(gate: "core")
        let finished = await run.wait(timeout: .seconds(120))
        #expect(finished.exitCode == 0, "\(finished.stderr)")
        let core = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") })
        #expect(
            core.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).prefix(2) == ["0", "0"],
            "\(core)"
        )
    }
}
