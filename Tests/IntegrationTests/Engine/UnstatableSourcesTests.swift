import Foundation
import OSSBatch
import TestSupport
import Testing

/// Entries a directory lists but that cannot be stat'ed — a FUSE mount of another user without `allow_other`
/// (`EACCES`, root too), a dead `sshfs` mount (`ENOTCONN`) — made so by `HangingFilesShim`'s `REFUSED_STAT`
/// in the real binary. As `upload.on_unreadable` says: under `skip` (the default) a directory's line
/// `unlistable` and a file's `unreadable`, with no identity, and the rest goes up; under `fail` an error. Both
/// stopped every night's plan, exit 2, under `skip` too.
@Suite struct UnstatableSourcesTests {
    private static func refusing(_ name: String, errno: Int32) -> [String: String?] {
        ["LD_PRELOAD": StalledRunTests.shim, "REFUSED_STAT": name, "REFUSED_STAT_ERRNO": String(errno)]
    }

    @Test func entriesThatCannotBeStatedAreSkippedAsOnUnreadableSaysAndTheRestGoesUp() async throws {
        let h = try await EngineHarness.start("unstatable")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        let mount = try h.writeFile("fuse-mnt/inside.txt", size: 20, seed: 2).deletingLastPathComponent()
        let file = try h.writeFile("mnt-file.txt", size: 30, seed: 3)
        try h.writeFile("z.txt", size: 40, seed: 4)
        let manifest = try h.writeManifest()
        let refused = Self.refusing("mnt", errno: EACCES)

        let run = try await h.ossbatch(
            ["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"],
            environment: refused
        )
        #expect(run.exitCode == 1, "\(run.stderr)")
        #expect(run.stderr.contains("warning: cannot list directory \(mount.path): cannot stat it: Permission denied"))
        #expect(
            run.stderr.contains("warning: cannot read \(file.path): cannot stat it: Permission denied; it is left out")
        )
        let report = try h.report()
        #expect(report.jobs.map(\.spec.key) == ["data/a.txt", "data/fuse-mnt/", "data/mnt-file.txt", "data/z.txt"])
        #expect(report.jobs.map(\.outcome.reason) == [nil, .unlistable, .unreadable, nil])
        #expect(report.jobs[2].spec.size == 0 && report.jobs[2].spec.identity.inode == 0)
        #expect(h.storedMD5("data/a.txt") != nil && h.storedMD5("data/z.txt") != nil)
        #expect(h.storedMD5("data/mnt-file.txt") == nil && h.storedMD5("data/fuse-mnt/inside.txt") == nil)

        // The report reads back: `resume` has nothing to send and keeps the night's exit.
        let requests = h.server.stats.snapshot.requestsTotal
        let resumed = try await h.ossbatch(
            ["resume", h.reportPath, "--progress-interval", "3600"],
            environment: refused
        )
        #expect(resumed.exitCode == 1, "\(resumed.stderr)")
        #expect(h.server.stats.snapshot.requestsTotal == requests)

        // Under `fail`, an error naming the call's answer; nothing is sent.
        let strict = try h.writeManifest(upload: ["on_unreadable: fail"])
        let failed = try await h.ossbatch(
            ["run", strict, "--report", h.reportPath + ".2"],
            environment: Self.refusing("mnt-file", errno: ENOTCONN)
        )
        #expect(failed.exitCode == 2)
        #expect(
            failed.stderr.contains(
                "error: cannot stat \(file.path): Transport endpoint is not connected (upload.on_unreadable: fail"
            ),
            "\(failed.stderr)"
        )
        #expect(h.server.stats.snapshot.requestsTotal == requests)
    }
}
