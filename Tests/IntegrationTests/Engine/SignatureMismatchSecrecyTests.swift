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
}
