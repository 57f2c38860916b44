import Foundation
import OSSBatch
import TestSupport
import Testing

/// A run's request slots under the process's open-file limit (`ulimit -n`): a login's soft limit is often
/// 1,024, and at `upload.concurrency: 512` most jobs failed with EMFILE ("Too many open files").
@Suite(.serialized)
struct OpenFileLimitTests {
    /// Runs the real binary with RLIMIT_NOFILE set to `soft` and `hard`.
    private func ossbatch(
        _ h: EngineHarness,
        soft: Int,
        hard: Int,
        _ arguments: [String]
    ) async throws -> ProcessResult {
        try await h.ossbatchAfterPython("resource.setrlimit(resource.RLIMIT_NOFILE, (\(soft), \(hard)))", arguments)
    }

    private func setUp(_ label: String, concurrency: Int) async throws -> (EngineHarness, String) {
        let h = try await EngineHarness.start(label)
        for i in 0..<400 { try h.writeFile(String(format: "small/f%03d.bin", i), size: 2_000 + i, seed: UInt64(i)) }
        for i in 0..<6 { try h.writeFile("big/b\(i).bin", size: 1_200_000, seed: UInt64(1_000 + i)) }
        let manifest = try h.writeManifest(upload: [
            "concurrency: \(concurrency)", "files_in_flight: \(concurrency)", "part_size: 100KiB",
            "multipart_threshold: 1MiB",
        ])
        return (h, manifest)
    }

    @Test func aHardLimitBelowWhatTheSettingsNeedLowersThemAndEveryJobSucceeds() async throws {
        let (h, manifest) = try await setUp("nofile-hard", concurrency: 1024)
        defer { Task { await h.stop() } }
        let result = try await ossbatch(h, soft: 200, hard: 200, ["run", manifest, "--report", h.reportPath])
        #expect(result.exitCode == 0 && !result.signaled, "\(result)")
        #expect(
            result.stderrLines.contains(
                "warning: upload.concurrency 1024 and files_in_flight 1024 could hold 3136 files open, more than this "
                    + "process may open (200: its hard limit, ulimit -Hn); running 45 requests and 46 multipart files "
                    + "at once"
            ),
            "\(result.stderr)"
        )
        let report = try h.report()
        #expect(report.jobs.count == 406 && report.jobs.allSatisfy { $0.status == .succeeded })
        // The report keeps the manifest's settings: a resume elsewhere runs at them.
        #expect(report.upload.concurrency == 1024 && report.upload.filesInFlight == 1024)
        try h.expectAllStoredExactly()
    }

    @Test func aLowSoftLimitIsRaisedToTheHardOneAndNothingIsLowered() async throws {
        let (h, manifest) = try await setUp("nofile-soft", concurrency: 512)
        defer { Task { await h.stop() } }
        let result = try await ossbatch(h, soft: 256, hard: 4096, ["run", manifest, "--report", h.reportPath])
        #expect(result.exitCode == 0 && !result.signaled, "\(result)")
        #expect(!result.stderr.contains("could hold"), "\(result.stderr)")
        #expect(try h.report().jobs.allSatisfy { $0.status == .succeeded })
        try h.expectAllStoredExactly()
    }

    /// Below what any command needs, refused before anything is done, with the limit named: under
    /// `ulimit -n 10` a run crashed making its signal pipe (SIGILL) with no report, under 12 it advised resuming
    /// a report it never wrote (audit of 49872c5). The hard limit too: the soft one is raised to it first.
    @Test(arguments: [10, 20, 66])
    func anOpenFileLimitBelowTheLeastARunNeedsIsRefusedBeforeAnythingIsDone(limit: Int) async throws {
        let (h, manifest) = try await setUp("nofile-too-low", concurrency: 4)
        defer { Task { await h.stop() } }
        let result = try await ossbatch(h, soft: limit, hard: limit, ["run", manifest, "--report", h.reportPath])
        #expect(result.exitCode == 3 && !result.signaled, "\(result)")
        #expect(result.stderr.contains("may open \(limit) files (ulimit -n"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: h.reportPath))
        #expect(h.server.stats.snapshot.requestsByOperation.isEmpty)
        let enough = try await ossbatch(h, soft: 67, hard: 67, ["run", manifest, "--report", h.reportPath])
        #expect(enough.exitCode == 0, "\(enough.stderr)")
        try h.expectAllStoredExactly()
    }

    /// A user at its process limit (`ulimit -u`, threads counted) is refused with the limit named: under
    /// `ulimit -u 5` a run hung for ever, deaf to SIGTERM, holding its batch's lock (audit of 49872c5). Root is
    /// not held to the limit: the run is a user's no other process has (`nobody`'s are the other tests', whose
    /// processes count against the limit and made the exec itself fail).
    @Test func aThreadLimitTooLowToRunIsRefusedInsteadOfHanging() async throws {
        let h = try await EngineHarness.start("nproc-too-low")
        defer { Task { await h.stop() } }
        let manifest = try h.writeManifest()
        let result = try await h.ossbatchAfterPython(
            "resource.setrlimit(resource.RLIMIT_NPROC, (2, 2)); os.setgroups([]); os.setgid(43_210); os.setuid(43_210)",
            ["plan", manifest]
        )
        #expect(result.exitCode == 3 && !result.signaled, "\(result)")
        #expect(result.stderr.contains("threads it needs (ulimit -u"), "\(result.stderr)")
    }
}
