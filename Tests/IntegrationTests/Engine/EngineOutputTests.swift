import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// What an unattended (cron) run prints: periodic progress lines, a live line on a terminal, silence with --quiet.
/// (JSON logs: JSONLogTests.)
@Suite(.serialized)
struct EngineOutputTests {
    @Test func withoutATerminalProgressIsATimestampedLineEveryInterval() async throws {
        let h = try await EngineHarness.start("progress")
        defer { Task { await h.stop() } }
        for i in 0..<3 { try h.writeFile("big-\(i).bin", size: 2_000_000, seed: UInt64(i)) }
        h.server.faults.add(FaultRule(operation: .uploadPart, count: nil, action: .delay(milliseconds: 60)))
        h.server.faults.add(.failNth(1, .uploadPart, status: 503, code: .serviceUnavailable))
        let manifest = try h.writeManifest(upload: [
            "concurrency: 2", "part_size: 256KiB", "multipart_threshold: 1MiB",
            "retries: {attempts: 3, base_delay: 10ms, max_delay: 20ms}",
        ])
        let result = try await h.ossbatch([
            "run", manifest, "--report", h.reportPath, "--progress-interval", "0.3", "--log-level", "debug",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let progress = result.stderrLines.filter { $0.hasPrefix("progress: ") }
        #expect(progress.count >= 2, "\(result.stderr)")
        #expect(progress.allSatisfy { $0.contains("files") && $0.contains("/s") })
        #expect(result.stderrLines.count == result.stderr.split(separator: "\n").count)
        #expect(
            result.stderr.split(separator: "\n").allSatisfy { $0.first?.isNumber == true },
            "every line timestamped"
        )
        #expect(result.stdout.contains("3 succeeded, 0 skipped, 0 failed, 0 pending of 3 files"))
        h.expectNoSecrets(in: [result.stdout, result.stderr])
    }

    @Test func onATerminalProgressIsOneLiveLineRedrawnInPlace() async throws {
        let h = try await EngineHarness.start("tty")
        defer { Task { await h.stop() } }
        for i in 0..<2 { try h.writeFile("big-\(i).bin", size: 2_000_000, seed: UInt64(i)) }
        h.server.faults.add(FaultRule(operation: .uploadPart, count: nil, action: .delay(milliseconds: 250)))
        let manifest = try h.writeManifest(upload: ["concurrency: 2", "part_size: 256KiB", "multipart_threshold: 1MiB"])
        // util-linux `script` gives the binary a pseudo-terminal, as an operator's shell would.
        let command = [Products.url("ossbatch").path, "run", manifest, "--report", h.reportPath]
            .map { "'" + $0 + "'" }.joined(separator: " ")
        let result = try await h.ossbatchVia(
            URL(fileURLWithPath: "/usr/bin/script"),
            ["-qefc", command, "/dev/null"]
        )
        #expect(result.exitCode == 0, "\(result.stdout)")
        let redraws = result.stdout.components(separatedBy: "\r\u{1B}[K").count - 1
        #expect(redraws >= 3, "the live line should be redrawn in place: \(result.stdout.debugDescription)")
        #expect(result.stdout.contains("files, "))
        #expect(!result.stdout.contains("progress: "), "no periodic lines on a terminal")
        #expect(result.stdout.contains("2 succeeded"))
    }

    @Test func quietPrintsNothingOnSuccessAndTheSummaryOnFailure() async throws {
        let h = try await EngineHarness.start("quiet")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        let manifest = try h.writeManifest()
        let ok = try await h.ossbatch(["run", manifest, "--report", h.reportPath, "--quiet"])
        #expect(ok.exitCode == 0)
        #expect(ok.stdout.isEmpty && ok.stderr.isEmpty, "\(ok.stdout)\(ok.stderr)")
        h.server.faults.add(
            FaultRule(operation: .putObject, count: nil, action: .fail(status: 400, code: .invalidArgument))
        )
        let failed = try await h.ossbatch(["run", manifest, "--report", h.reportPath, "--quiet"])
        #expect(failed.exitCode == 1)
        #expect(failed.stdout.contains("failed data/a.txt: InvalidArgument"))
        #expect(failed.stdout.contains("ossbatch resume"))
    }
}
