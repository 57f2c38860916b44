import Foundation
import LocalOSS
import TestSupport
import Testing

/// Issue 14 item 9, with the real binary: `--credentials-file` mistakes and `~`.
@Suite struct CredentialsFileCommandTests {
    /// No credentials in the environment: only the file named on the command line can supply them.
    private let noEnvironmentCredentials: [String: String?] = [
        "OSS_ACCESS_KEY_ID": nil, "OSS_ACCESS_KEY_SECRET": nil, "OSS_SESSION_TOKEN": nil,
    ]

    @Test func aDirectoryIsNotARegularFileAndNothingIsSent() async throws {
        let h = try await EngineHarness.start("creds-dir")
        defer { Task { await h.stop() } }
        try h.writeFile("a.bin", size: 10)
        let manifest = try h.writeManifest()
        let directory = h.dir.path + "/creds.d"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let result = try await h.ossbatch(
            ["run", manifest, "--report", h.reportPath, "--credentials-file", directory],
            environment: noEnvironmentCredentials
        )
        #expect(result.exitCode == 3)
        #expect(
            result.stderr.contains("error: credentials file \(directory) is not a regular file (it is a directory)")
        )
        #expect(!result.stderr.contains("chmod"))
        #expect(h.server.log.all.isEmpty)
    }

    @Test func tildeInTheCredentialsFileAndReportExpandsWithHOME() async throws {
        let h = try await EngineHarness.start("creds-home")
        defer { Task { await h.stop() } }
        try h.writeFile("a.bin", size: 10)
        let manifest = try h.writeManifest()
        let home = h.dir.path + "/home"
        let file = try h.dir.write(
            "home/.ossbatch/credentials",
            "[default]\naccess_key_id = \(h.accessKeyID)\naccess_key_secret = \(h.secret)\n"
        )
        #expect(chmod(file.path, 0o600) == 0)
        var environment = noEnvironmentCredentials
        environment["HOME"] = home
        let result = try await h.ossbatch(
            ["run", manifest, "--report", "~/report.json", "--credentials-file", "~/.ossbatch/credentials", "--quiet"],
            environment: environment
        )
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: home + "/report.json"))
        #expect(h.server.log.all.contains { $0.operation == .putObject && $0.status == 200 })
    }
}
