import Foundation
import Glibc
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// The credential chain as the real `ossbatch` sees it: each source the environment or HOME can give, the
/// order between them, and what "no credentials" says.
@Suite(.serialized)
struct CredentialChainCommandTests {
    /// The harness's key through other sources only: OSS_* withheld, HOME a fresh directory.
    static func withoutOSSVariables(_ h: EngineHarness, _ more: [String: String?] = [:]) -> [String: String?] {
        var env: [String: String?] = [
            "OSS_ACCESS_KEY_ID": nil, "OSS_ACCESS_KEY_SECRET": nil, "OSS_SESSION_TOKEN": nil,
            "HOME": h.dir.url.appendingPathComponent("home").path,
        ]
        for (k, v) in more { env[k] = v }
        return env
    }

    func writeCLIConfig(_ h: EngineHarness, secret: String) throws {
        let config = """
            {"current": "upload", "profiles": [
              {"name": "upload", "mode": "AK", "access_key_id": "\(h.accessKeyID)", "access_key_secret": "\(secret)"}
            ]}
            """
        let url = try h.dir.write("home/.aliyun/config.json", config)
        #expect(chmod(url.path, 0o600) == 0)
    }

    @Test func alibabaCloudVariablesAreReadWhenTheOSSOnesAreNotSet() async throws {
        let h = try await EngineHarness.start("chain-ali")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 100)
        let env = Self.withoutOSSVariables(
            h,
            ["ALIBABA_CLOUD_ACCESS_KEY_ID": h.accessKeyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": h.secret]
        )
        let result = try await h.ossbatch(["run", try h.writeManifest(), "--report", h.reportPath], environment: env)
        #expect(result.exitCode == 0, "\(result.stderr)")
        try h.expectAllStoredExactly()
    }

    @Test func theAliyunCLIConfigIsReadAfterTheVariablesAndBeforeTheECSRole() async throws {
        let h = try await EngineHarness.start("chain-cli")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 100)
        try writeCLIConfig(h, secret: h.secret)
        let manifest = try h.writeManifest()
        let result = try await h.ossbatch(
            ["run", manifest, "--report", h.reportPath],
            environment: Self.withoutOSSVariables(h)
        )
        #expect(result.exitCode == 0, "\(result.stderr)")
        try h.expectAllStoredExactly()
        // Variables come first: a wrong secret in them wins over the right one in the config (and fails).
        let wrong = try await h.ossbatch(
            ["run", manifest, "--report", h.reportPath + ".2"],
            environment: Self.withoutOSSVariables(
                h,
                ["ALIBABA_CLOUD_ACCESS_KEY_ID": h.accessKeyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "wrong"]
            )
        )
        #expect(wrong.exitCode == 3, "\(wrong.stderr)")
        #expect(wrong.stderr.contains("SignatureDoesNotMatch"))
        h.expectNoSecrets(in: [result.stdout, result.stderr, wrong.stdout, wrong.stderr])
    }

    @Test func noCredentialsNamesEverySourceTriedAndSendsNothing() async throws {
        let h = try await EngineHarness.start("chain-none")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        let result = try await h.ossbatch(
            ["run", try h.writeManifest(), "--report", h.reportPath],
            environment: Self.withoutOSSVariables(h, ["ALIBABA_CLOUD_OIDC_TOKEN_FILE": "/var/run/token"])
        )
        #expect(result.exitCode == 3)
        for part in [
            "OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET (not set)",
            "ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (not set)",
            "RRSA (ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN are not set)",
            "home/.aliyun/config.json (no such file)", "the ECS RAM role (ALIBABA_CLOUD_ECS_METADATA_DISABLED=true)",
        ] {
            #expect(result.stderr.contains(part), "\(part)\n\(result.stderr)")
        }
        #expect(try h.report().fatalError?.code == "NoCredentials")
        #expect(h.server.stats.snapshot.requestsTotal == 0)
    }
}
