import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// `ossbatch index prune`, the real binary against LocalOSS: a batch of dated snapshots keeps its newest
/// nights' entries and loses the older ones; tonight's keys and young entries stay; a deleted file's entry
/// goes; an entry without a fixed key prefix is left alone. Entries are confirmed at the real clock, so a
/// night is "old" by setting the prune's moment (`OSSBATCH_NOW`) ahead of it.
@Suite(.serialized) struct IndexPruneCommandTests {
    private func prune(
        _ s: UploadIndexTests.Setup,
        _ manifest: String,
        at now: String,
        days: Int,
        _ more: [String] = []
    ) async throws -> ProcessResult {
        try await s.h.ossbatch(
            ["index", "prune", manifest, "--older-than-days", "\(days)"] + more,
            environment: ["OSSBATCH_STATE_DIR": s.state, "OSSBATCH_NOW": now, "SITE": "web01"]
        )
    }

    @Test func aBatchOfDatedSnapshotsKeepsTonightsEntriesAndLosesOlderNightsThatNoPlanNames() async throws {
        let s = try await UploadIndexTests.start("prune-dated")
        defer { Task { await s.h.stop() } }
        try await UploadIndexTests.writeFiles(s.h, count: 3)
        // The prefix before `{date}` is the host's, resolved as the runs resolve it.
        let manifest = try s.h.writeManifest(upload: ["unchanged: copy"], prefix: "'{env:SITE}/{date}/'")
        for day in 1...3 {
            let night = try await s.h.ossbatch(
                ["run", manifest, "--report", s.h.dir.url.appendingPathComponent("night\(day).json").path],
                environment: [
                    "OSSBATCH_STATE_DIR": s.state, "OSSBATCH_NOW": "2027-01-0\(day)T03:00:00Z", "SITE": "web01",
                ]
            )
            #expect(night.exitCode == 0, "\(night.stderr)")
        }
        #expect(try s.entries().count == 9)

        // Entries younger than 60 days before 3 January 2027 (all of them, confirmed today): nothing goes.
        let young = try await prune(s, manifest, at: "2027-01-03T04:00:00Z", days: 60)
        #expect(young.exitCode == 0, "\(young.stderr)")
        #expect(young.stdout.contains(": 0 entries under 'web01/' last confirmed before 2026-11-04T04:00:00.000Z"))
        #expect(try s.entries().count == 9)

        // Older than 7 days before that moment: the two earlier nights, which the plan (3 January) does not name.
        let dry = try await prune(s, manifest, at: "2027-01-03T04:00:00Z", days: 7, ["--dry-run"])
        #expect(dry.exitCode == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains(": 6 entries under 'web01/' last confirmed before 2026-12-27T04:00:00.000Z"))
        #expect(dry.stdout.contains("would be removed (--dry-run)"))
        #expect(try s.entries().count == 9)
        let pruned = try await prune(s, manifest, at: "2027-01-03T04:00:00Z", days: 7)
        #expect(pruned.exitCode == 0, "\(pruned.stderr)")
        #expect(pruned.stdout.hasSuffix("that the plan does not name removed\n"), "\(pruned.stdout)")
        #expect(
            try s.entries().map(\.key) == [
                "web01/2027-01-03/f0.bin", "web01/2027-01-03/f1.bin", "web01/2027-01-03/f2.bin",
            ]
        )

        // The next night still copies from the night kept: no body byte sent.
        s.h.server.stats.reset()
        let next = try await s.h.ossbatch(
            ["run", manifest, "--report", s.h.dir.url.appendingPathComponent("night4.json").path],
            environment: ["OSSBATCH_STATE_DIR": s.state, "OSSBATCH_NOW": "2027-01-04T03:00:00Z", "SITE": "web01"]
        )
        #expect(next.exitCode == 0, "\(next.stderr)")
        #expect(s.requests == ["CopyObject": 3])
        try s.h.expectAllStoredExactly(prefix: "web01/2027-01-04/")
    }

    /// A prune run as a user who may not look into the state directory (cron's line under the wrong account)
    /// said "no upload index …: nothing to prune", exit 0, every night, the index growing (review of c56b4e6).
    @Test(.enabled(if: Unprivileged.isAvailable && geteuid() == 0, "needs root's state directory and another user"))
    func aPruneThatMayNotLookForTheIndexFailsRatherThanFindingNone() async throws {
        let s = try await UploadIndexTests.start("prune-wrong-user")
        defer { Task { await s.h.stop() } }
        try await UploadIndexTests.writeFiles(s.h, count: 1)
        let manifest = try s.h.writeManifest(upload: ["unchanged: skip"])
        let night = try await s.h.ossbatch(
            ["run", manifest, "--report", s.h.dir.url.appendingPathComponent("night.json").path],
            environment: ["OSSBATCH_STATE_DIR": s.state]
        )
        #expect(night.exitCode == 0, "\(night.stderr)")
        // The manifest and its files are the other user's to read; the state directory stays root's, 0700.
        try Unprivileged.handOver(s.h.dir.url)
        let chown = try await RunningProcess(URL(fileURLWithPath: "/bin/chown"), ["-R", "0:0", s.state]).wait()
        #expect(chown.exitCode == 0)
        let prune = try await Unprivileged.start(
            Products.url("ossbatch"),
            ["index", "prune", manifest, "--older-than-days", "30"],
            environment: s.h.environment.merging(["OSSBATCH_STATE_DIR": s.state]) { $1 }
        ).wait()
        #expect(prune.exitCode == 3, "\(prune.stdout)\(prune.stderr)")
        #expect(!prune.stdout.contains("nothing to prune"), "\(prune.stdout)")
        #expect(prune.stderr.contains("Permission denied") || prune.stderr.contains("permission denied"))
    }

    @Test func aClockFortyDaysFastPrunesNoEntryItMakesLookOld() async throws {
        let s = try await UploadIndexTests.start("prune-fast-clock")
        defer { Task { await s.h.stop() } }
        try await UploadIndexTests.writeFiles(s.h, count: 3)
        let manifest = try s.h.writeManifest(upload: ["unchanged: copy"], prefix: "'{env:SITE}/{date}/'")
        let lastNight = try await s.h.ossbatch(
            ["run", manifest, "--report", s.h.dir.url.appendingPathComponent("night.json").path],
            environment: ["OSSBATCH_STATE_DIR": s.state, "SITE": "web01"]
        )
        #expect(lastNight.exitCode == 0, "\(lastNight.stderr)")
        #expect(try s.entries().count == 3)
        // The prune on this machine's clock, now 40 days fast: by it, last night's entries (tonight's `copy`
        // copies from them) were confirmed 40 days ago.
        let offsetFile = try s.h.dir.write("wall-clock-offset", "\(40 * 86400)")
        let pruned = try await s.h.ossbatch(
            ["index", "prune", manifest, "--older-than-days", "30"],
            environment: [
                "OSSBATCH_STATE_DIR": s.state, "SITE": "web01", "LD_PRELOAD": WallClockStepTests.shim,
                "WALLCLOCK_OFFSET_FILE": offsetFile.path,
            ]
        )
        #expect(pruned.exitCode == 0, "\(pruned.stderr)")
        #expect(pruned.stdout.contains(": 0 entries under 'web01/'"), "\(pruned.stdout)")
        #expect(try s.entries().count == 3)
    }

    @Test func aDeletedFilesEntryGoesTheOthersStayAndAnUnprefixedEntryIsLeftAlone() async throws {
        let s = try await UploadIndexTests.start("prune-stable")
        defer { Task { await s.h.stop() } }
        try await UploadIndexTests.writeFiles(s.h, count: 3)
        let manifest = try s.h.writeManifest(upload: ["unchanged: skip"])
        let first = try await s.run(manifest, report: "r1.json")
        #expect(first.exitCode == 0, "\(first.stderr)")
        try FileManager.default.removeItem(at: s.h.dir.url.appendingPathComponent("src/f1.bin"))

        // Forty days on, every entry is old: only the one the plan no longer names goes.
        let fortyDaysOn = Timestamp.iso8601(Date().addingTimeInterval(40 * 86_400))
        let pruned = try await prune(s, manifest, at: fortyDaysOn, days: 30)
        #expect(pruned.exitCode == 0, "\(pruned.stderr)")
        #expect(pruned.stdout.contains(": 1 entry under 'data/'"))
        #expect(try s.entries().map(\.key) == ["data/f0.bin", "data/f2.bin"])
        s.h.server.stats.reset()
        let next = try await s.run(manifest, report: "r2.json")
        #expect(next.exitCode == 0, "\(next.stderr)")
        #expect(s.requests.isEmpty)

        // Keys starting with the date could be anyone's: nothing is searched.
        let top = try s.h.writeManifest("top.yaml", upload: ["unchanged: skip"], prefix: "'{date}/'")
        let unprefixed = try await prune(s, top, at: fortyDaysOn, days: 30)
        #expect(unprefixed.exitCode == 0, "\(unprefixed.stderr)")
        #expect(unprefixed.stderr.contains("files[0] has no key prefix before its first {date} or {time}"))
        #expect(unprefixed.stdout.contains(": 0 entries under no prefix"))
        #expect(try s.entries().count == 2)
    }

    /// A time placeholder inside a folder's name (`backup-{date}/`) searches no prefix: cut before it,
    /// `backup-` held another batch's `backup-static/`, whose entries no plan of this one names were pruned,
    /// and that batch sent every file again the next night (review of e4ab55a).
    @Test func aDatePartWayIntoAFolderNamePrunesNoOtherBatchsFolder() async throws {
        let s = try await UploadIndexTests.start("prune-mid-name")
        defer { Task { await s.h.stop() } }
        try await UploadIndexTests.writeFiles(s.h, count: 2)
        let other = try s.h.writeManifest("static.yaml", upload: ["unchanged: skip"], prefix: "backup-static/")
        #expect(try await s.run(other, report: "static.json").exitCode == 0)
        let dated = try s.h.writeManifest("dated.yaml", upload: ["unchanged: copy"], prefix: "'backup-{date}/'")
        #expect(try await s.run(dated, report: "dated.json").exitCode == 0)
        #expect(try s.entries().count == 4)

        let fortyDaysOn = Timestamp.iso8601(Date().addingTimeInterval(40 * 86_400))
        let pruned = try await prune(s, dated, at: fortyDaysOn, days: 30)
        #expect(pruned.exitCode == 0, "\(pruned.stderr)")
        #expect(pruned.stdout.contains(": 0 entries under no prefix"), "\(pruned.stdout)")
        #expect(try s.entries().filter { $0.key.hasPrefix("backup-static/") }.count == 2)
    }

    /// Two files whose names are canonically equivalent but not the same bytes (`café` with `é`, and with `e`
    /// and a combining accent: two files on Linux, two objects on OSS): when one is deleted, its entry goes and
    /// the other's stays. Compared as `String`s, the plan's remaining key named both, and the entry stayed.
    @Test func theEntryOfADeletedFileGoesBesideAnEquivalentlySpelledOneThatStays() async throws {
        let s = try await UploadIndexTests.start("prune-spellings")
        defer { Task { await s.h.stop() } }
        let (composed, decomposed) = ("caf\u{E9}.bin", "cafe\u{301}.bin")
        _ = try s.h.writeFile(composed, size: 1_000, seed: 1)
        _ = try s.h.writeFile(decomposed, size: 1_010, seed: 2)
        try await s.h.settle()
        let manifest = try s.h.writeManifest(upload: ["unchanged: skip"])
        let first = try await s.run(manifest, report: "r1.json")
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(try s.entries().count == 2)
        try FileManager.default.removeItem(atPath: s.h.dir.url.path + "/src/" + decomposed)

        let fortyDaysOn = Timestamp.iso8601(Date().addingTimeInterval(40 * 86_400))
        let pruned = try await prune(s, manifest, at: fortyDaysOn, days: 30)
        #expect(pruned.exitCode == 0, "\(pruned.stderr)")
        #expect(pruned.stdout.contains(": 1 entry under 'data/'"), "\(pruned.stdout)")
        #expect(try s.entries().map { Array($0.key.utf8) } == [Array("data/\(composed)".utf8)])
    }

    /// A directory the plan cannot list tonight (its stat refused, as a FUSE mount of another user refuses
    /// it: `HangingFilesShim`'s `REFUSED_STAT`) keeps its files' entries: they are not gone, and pruned, the night
    /// it could be listed again sent the whole subtree again (review of e4ab55a).
    @Test func theEntriesUnderADirectoryThePlanCannotListStay() async throws {
        let s = try await UploadIndexTests.start("prune-unlistable")
        defer { Task { await s.h.stop() } }
        try s.h.writeFile("a.bin", size: 1_000, seed: 1)
        try s.h.writeFile("mnt/b.bin", size: 1_010, seed: 2)
        try s.h.writeFile("mnt/c.bin", size: 1_020, seed: 3)
        try await s.h.settle()
        let manifest = try s.h.writeManifest(upload: ["unchanged: skip"])
        #expect(try await s.run(manifest, report: "r1.json").exitCode == 0)
        #expect(try s.entries().count == 3)
        let fortyDaysOn = Timestamp.iso8601(Date().addingTimeInterval(40 * 86_400))
        let pruned = try await s.h.ossbatch(
            ["index", "prune", manifest, "--older-than-days", "30"],
            environment: [
                "OSSBATCH_STATE_DIR": s.state, "OSSBATCH_NOW": fortyDaysOn, "LD_PRELOAD": StalledRunTests.shim,
                "REFUSED_STAT": "mnt",
            ]
        )
        #expect(pruned.exitCode == 0, "\(pruned.stderr)")
        #expect(pruned.stderr.contains("cannot list directory"), "\(pruned.stderr)")
        #expect(try s.entries().map(\.key) == ["data/a.bin", "data/mnt/b.bin", "data/mnt/c.bin"])
    }

    /// An index another process is writing (a night's run, someone's `sqlite3` shell) is busy: exit 4, as for
    /// a batch whose lock is held, not 3 (fatal), and a prune run again later does its work.
    @Test func anIndexAnotherProcessHoldsMakesThePruneBusyNotFatal() async throws {
        let s = try await UploadIndexTests.start("prune-busy")
        defer { Task { await s.h.stop() } }
        try await UploadIndexTests.writeFiles(s.h, count: 3)
        let manifest = try s.h.writeManifest(upload: ["unchanged: skip"])
        #expect(try await s.run(manifest, report: "r1.json").exitCode == 0)
        try FileManager.default.removeItem(at: s.h.dir.url.appendingPathComponent("src/f1.bin"))
        let holder = try RunningProcess(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", "-c",
                "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
                    + "c.execute('BEGIN EXCLUSIVE'); print('locked', file=sys.stderr, flush=True); time.sleep(600)",
                s.indexPath,
            ]
        )
        defer { holder.signal(SIGKILL) }
        #expect(await holder.waitForStderr(containing: "locked"), "\(holder.stderrSoFar)")
        let fortyDaysOn = Timestamp.iso8601(Date().addingTimeInterval(40 * 86_400))
        let busy = try await prune(s, manifest, at: fortyDaysOn, days: 30)
        #expect(busy.exitCode == 4, "\(busy.stderr)")
        #expect(
            busy.stderr.contains("cannot prune the upload index") && busy.stderr.contains("locked"),
            "\(busy.stderr)"
        )
        holder.signal(SIGKILL)
        _ = await holder.wait()
        let pruned = try await prune(s, manifest, at: fortyDaysOn, days: 30)
        #expect(pruned.exitCode == 0, "\(pruned.stderr)")
        #expect(try s.entries().map(\.key) == ["data/f0.bin", "data/f2.bin"])
    }

    @Test func aTargetWithoutAnIndexHasNothingToPrune() async throws {
        let s = try await UploadIndexTests.start("prune-none")
        defer { Task { await s.h.stop() } }
        try s.h.writeFile("a.txt", size: 10)
        let manifest = try s.h.writeManifest()
        let result = try await prune(s, manifest, at: "2027-01-03T04:00:00Z", days: 7)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("nothing to prune"))
        #expect(!FileManager.default.fileExists(atPath: s.indexPath))
    }
}
