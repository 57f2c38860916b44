import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// The real binary, default reports: a night that stopped early under dated keys (`web01/{date}/`) leaves
/// its snapshot short of files the next night does not send again (it sends them to its own snapshot), so
/// `status` lists that night until its report is resumed, and `--keep-reports` keeps it. A night whose keys
/// the next night resolves alike (a fixed prefix, `{hostname}/`) is sent again by it and is not listed.
@Suite
struct DatedSnapshotStatusTests {
    private static let progress = ["--progress-interval", "3600"]

    /// A harness with `a.bin` (1,000 bytes) and `web.yaml` (keys `web01/{date:%Y-%m-%d}/`: batch `web`), and
    /// its state directory (also `ResumeBatchTests`').
    static func datedWeb(
        _ name: String
    ) async throws -> (h: EngineHarness, a: URL, manifest: String, state: StateDirectory) {
        let h = try await EngineHarness.start(name)
        let a = try h.writeFile("a.bin", size: 1000, seed: 1)
        let manifest = try h.writeManifest("web.yaml", prefix: "\"web01/{date:%Y-%m-%d}/\"")
        return (h, a, manifest, StateDirectory(path: h.stateDir))
    }

    /// The run of `manifest` at `moment` (`OSSBATCH_NOW`), OSS refusing every PutObject when `refused` (also
    /// `ResumeBatchTests`').
    static func night(
        _ h: EngineHarness,
        _ manifest: String,
        at moment: String,
        refused: Bool = false,
        _ more: [String] = []
    ) async throws -> ProcessResult {
        if refused {
            h.server.faults.add(
                FaultRule(operation: .putObject, count: nil, action: .fail(status: 403, code: .accessDenied))
            )
        }
        defer { h.server.faults.removeAll() }
        // A later creation time for each night's report than the last one's.
        try await Task.sleep(for: .milliseconds(20))
        return try await h.ossbatch(["run", manifest] + progress + more, environment: ["OSSBATCH_NOW": moment])
    }

    /// A run of `manifest` at `first` held by OSS until a second run at `second` has been refused because the
    /// first still held the batch (exit 4); then the first finishes. Both runs take `more` arguments (one
    /// `--report` for both: the unit's way). Returns the report the refused run wrote, the first's, and the
    /// refused run's stderr.
    private static func overrun(
        _ h: EngineHarness,
        _ manifest: String,
        at first: String,
        refusingOneAt second: String,
        _ more: [String] = []
    ) async throws -> (refused: String, ran: String, stderr: String) {
        let state = StateDirectory(path: h.stateDir)
        let batch = ((manifest as NSString).lastPathComponent as NSString).deletingPathExtension
        let gate = h.hold(.putObject, after: 0)
        let running = try h.start(
            ["run", manifest, "--quiet"] + progress + more,
            environment: ["OSSBATCH_NOW": first]
        )
        #expect(await h.waitUntil { h.server.stats.snapshot.requestsInFlight > 0 })
        // The first run's report is made before its first request.
        let ran = try #require(state.reports(ofBatch: batch).first)
        let refused = try await night(h, manifest, at: second, more)
        #expect(refused.exitCode == 4, "\(refused.stderr)")
        let refusedReport = try #require(state.reports(ofBatch: batch).first { $0 != ran }, "\(refused.stderr)")
        h.server.faults.open(gate: gate)
        #expect(await running.wait().exitCode == 0)
        return (refusedReport, ran, refused.stderr)
    }

    @Test func aDatedNightThatStoppedEarlyIsListedKeptAndClearedByItsResume() async throws {
        let h = try await EngineHarness.start("dated-status")
        defer { Task { await h.stop() } }
        let a = try h.writeFile("a.bin", size: 1000, seed: 1)
        try h.writeFile("b.bin", size: 2000, seed: 2)
        let manifest = try h.writeManifest("web.yaml", prefix: "\"web01/{date:%Y-%m-%d}/\"")
        let state = StateDirectory(path: h.stateDir)

        let first = try await Self.night(h, manifest, at: "2026-10-22T02:00:00Z", refused: true)
        #expect(first.exitCode == 3, "\(first.stderr)")
        let stopped = try #require(state.reports(ofBatch: "web").first)
        // The report keeps how its keys were resolved (its first line ends where its job lines begin).
        let firstLine = try #require(try String(contentsOfFile: stopped, encoding: .utf8).split(separator: "\n").first)
        let parsed = try JSONSerialization.jsonObject(with: Data((firstLine + "]}").utf8))
        let header = try #require(parsed as? [String: Any])
        let keys = try #require(header["key_resolution"] as? [String: Any], "\(header.keys.sorted())")
        #expect(keys["time_zone"] as? String == "UTC")
        let fields = try #require(keys["fields"] as? [[String: String]])
        #expect(
            fields == [
                ["path": "files[0].key_prefix", "written": "web01/{date:%Y-%m-%d}/", "resolved": "web01/2026-10-22/"]
            ]
        )

        #expect(try await Self.night(h, manifest, at: "2026-10-23T02:00:00Z").exitCode == 0)
        let second = try #require(state.reports(ofBatch: "web").first)
        #expect(h.storedMD5("web01/2026-10-23/a.bin") == (try EngineHarness.md5(of: a)))
        #expect(h.storedMD5("web01/2026-10-22/a.bin") == nil)

        let status = try await StatusCommandTests.statusJSON(h, ["web"])
        #expect(status.exit == 1, "\(status.document)")
        let web = try #require(status.batches["web"])
        #expect(web["status"] as? String == "succeeded" && web["report"] as? String == second)
        let listed = try #require(web["other_unfinished"] as? [[String: Any]], "\(web)")
        #expect(listed.map { $0["report"] as? String } == [stopped])
        #expect(listed.first?["status"] as? String == "fatal")
        #expect(listed.first?["next"] as? String == "ossbatch resume \(stopped)")
        let problem = try #require(listed.first?["problem"] as? String)
        #expect(problem.contains("2 of its 2 files were never uploaded") && problem.contains("web01/2026-10-22/"))
        let table = try await h.ossbatch(["status", "web"])
        #expect(table.exitCode == 1)
        #expect(
            table.stdout.contains("web: another report is fatal: \(stopped); next: ossbatch resume \(stopped) — 2 of"),
            "\(table.stdout)"
        )

        // Pruned to two reports a night later: the good night's goes before the stopped night's (which says
        // what its snapshot lacks).
        #expect(try await Self.night(h, manifest, at: "2026-10-24T02:00:00Z", ["--keep-reports", "2"]).exitCode == 0)
        let kept = state.reports(ofBatch: "web")
        #expect(kept.contains(stopped) && !kept.contains(second) && kept.count == 2, "\(kept)")

        // Resumed, the stopped night fills its own snapshot, and the batch is green.
        let resumed = try await h.ossbatch(["resume", stopped] + Self.progress)
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(h.storedMD5("web01/2026-10-22/a.bin") == (try EngineHarness.md5(of: a)))
        #expect(h.storedMD5("web01/2026-10-22/b.bin") != nil)
        let after = try await StatusCommandTests.statusJSON(h, ["web"])
        #expect(after.exit == 0, "\(after.document)")
        #expect(after.batches["web"]?["other_unfinished"] == nil)
    }

    /// Night 1 overran; night 2, another day, was refused because night 1 still held the batch: it never ran,
    /// and its snapshot is empty. Listed (it used to be hidden, as a refusal whose files the running night would
    /// send), and resumed it fills its own snapshot.
    @Test func aDatedNightRefusedBecauseTheNightBeforeStillRanIsListedUntilResumed() async throws {
        let (h, a, manifest, _) = try await Self.datedWeb("dated-status-busy")
        defer { Task { await h.stop() } }
        let busy = try await Self.overrun(
            h,
            manifest,
            at: "2026-10-22T02:00:00Z",
            refusingOneAt: "2026-10-23T02:00:00Z"
        )
        .refused

        let status = try await StatusCommandTests.statusJSON(h, ["web"])
        #expect(status.exit == 1, "\(status.document)")
        let web = try #require(status.batches["web"])
        #expect(web["status"] as? String == "succeeded" && web["report"] as? String != busy, "\(web)")
        let listed = try #require(web["other_unfinished"] as? [[String: Any]], "\(web)")
        #expect(listed.map { $0["report"] as? String } == [busy])
        #expect(listed.first?["next"] as? String == "ossbatch resume \(busy)")
        #expect((listed.first?["problem"] as? String)?.contains("web01/2026-10-23/") == true, "\(listed)")

        #expect(try await h.ossbatch(["resume", busy] + Self.progress).exitCode == 0)
        #expect(h.storedMD5("web01/2026-10-23/a.bin") == (try EngineHarness.md5(of: a)))
        #expect(try await StatusCommandTests.statusJSON(h, ["web"]).exit == 0)
    }

    /// The systemd unit's way: one `--report` in the batch's directory every night. The stopped night's report,
    /// replaced by the next night's, is set aside among the batch's reports (not as `report.json.prev`, which
    /// the night after would replace), where `status` lists it.
    @Test func aStoppedDatedNightsReportAtAFixedPathIsSetAsideWhereStatusListsIt() async throws {
        let (h, a, manifest, state) = try await Self.datedWeb("dated-status-fixed-path")
        defer { Task { await h.stop() } }
        try FileManager.default.createDirectory(atPath: state.batch("web"), withIntermediateDirectories: true)
        let path = state.batch("web") + "/report.json"
        let report = ["--report", path]
        #expect(try await Self.night(h, manifest, at: "2026-10-22T02:00:00Z", refused: true, report).exitCode == 3)
        let second = try await Self.night(h, manifest, at: "2026-10-23T02:00:00Z", report)
        #expect(second.exitCode == 0, "\(second.stderr)")
        let aside = try #require(state.reports(ofBatch: "web").first { $0 != path }, "\(state.reports(ofBatch: "web"))")
        #expect(aside.hasPrefix(state.reports(batch: "web") + "/"))
        #expect(
            second.stderr.contains(
                "warning: the report at \(path) is of a night whose snapshot stays incomplete (1 of its 1 file was never"
            ) && second.stderr.contains("it is kept as \(aside), where 'ossbatch status' lists it"),
            "\(second.stderr)"
        )
        #expect(!FileManager.default.fileExists(atPath: path + ".prev"))
        let status = try await StatusCommandTests.statusJSON(h, ["web"])
        #expect(status.exit == 1, "\(status.document)")
        let listed = try #require(status.batches["web"]?["other_unfinished"] as? [[String: Any]])
        #expect(listed.map { $0["report"] as? String } == [aside])
        // A third night replaces report.json as any: the second night's goes to report.json.prev.
        #expect(try await Self.night(h, manifest, at: "2026-10-24T02:00:00Z", report).exitCode == 0)
        #expect(FileManager.default.fileExists(atPath: path + ".prev"))

        #expect(try await h.ossbatch(["resume", aside] + Self.progress).exitCode == 0)
        #expect(h.storedMD5("web01/2026-10-22/a.bin") == (try EngineHarness.md5(of: a)))
        #expect(try await StatusCommandTests.statusJSON(h, ["web"]).exit == 0)
    }

    /// `--keep-reports` comes down to N even when that takes an incomplete night's report, and says so.
    @Test func pruningAnIncompleteNightsReportToKeepNWarnsThatStatusNoLongerListsIt() async throws {
        let (h, _, manifest, state) = try await Self.datedWeb("dated-status-pruned")
        defer { Task { await h.stop() } }
        #expect(try await Self.night(h, manifest, at: "2026-10-22T02:00:00Z", refused: true).exitCode == 3)
        let stopped = try #require(state.reports(ofBatch: "web").first)
        let next = try await Self.night(h, manifest, at: "2026-10-23T02:00:00Z", ["--keep-reports", "1"])
        #expect(next.exitCode == 0, "\(next.stderr)")
        #expect(state.reports(ofBatch: "web").count == 1 && !state.reports(ofBatch: "web").contains(stopped))
        #expect(
            next.stderr.contains(
                "warning: removed the report \(stopped) to keep 1 (--keep-reports), although its night's snapshot "
                    + "stays incomplete (1 of its 1 file was never uploaded"
            ),
            "\(next.stderr)"
        )
        #expect(try await StatusCommandTests.statusJSON(h, ["web"]).exit == 0)
    }

    /// Twice a day under `{date}`: the second run, refused because the first still ran, is covered by it (the
    /// same keys). Pruned, it goes before the run that uploaded its files, which would otherwise leave it
    /// looking incomplete.
    @Test func aSameDayRunRefusedAsBusyIsPrunedBeforeTheRunThatUploadedItsFiles() async throws {
        let (h, _, manifest, state) = try await Self.datedWeb("dated-status-same-day")
        defer { Task { await h.stop() } }
        let (refused, uploaded, _) = try await Self.overrun(
            h,
            manifest,
            at: "2026-10-22T02:00:00Z",
            refusingOneAt: "2026-10-22T14:00:00Z"
        )
        #expect(try await StatusCommandTests.statusJSON(h, ["web"]).exit == 0)

        #expect(try await Self.night(h, manifest, at: "2026-10-23T02:00:00Z", ["--keep-reports", "2"]).exitCode == 0)
        let kept = state.reports(ofBatch: "web")
        #expect(kept.contains(uploaded) && !kept.contains(refused), "\(kept)")
        #expect(try await StatusCommandTests.statusJSON(h, ["web"]).exit == 0)
    }

    /// The unit's way again: both nights write one `--report`, so the refused night meets the running night's
    /// report lock. Its report is kept among the batch's default reports, refused, where `status` lists it.
    @Test func aDatedNightRefusedAtASharedReportsLockIsKeptAmongTheBatchsReportsAndListed() async throws {
        let (h, a, manifest, state) = try await Self.datedWeb("dated-status-shared-report")
        defer { Task { await h.stop() } }
        try FileManager.default.createDirectory(atPath: state.batch("web"), withIntermediateDirectories: true)
        let report = ["--report", state.batch("web") + "/report.json"]
        let (kept, _, stderr) = try await Self.overrun(
            h,
            manifest,
            at: "2026-10-22T02:00:00Z",
            refusingOneAt: "2026-10-23T02:00:00Z",
            report
        )
        #expect(kept.hasPrefix(state.reports(batch: "web") + "/"), "\(kept)")
        #expect(stderr.contains("warning: this night's report is kept as \(kept), refused"), "\(stderr)")

        let status = try await StatusCommandTests.statusJSON(h, ["web"])
        #expect(status.exit == 1, "\(status.document)")
        let listed = try #require(status.batches["web"]?["other_unfinished"] as? [[String: Any]], "\(status.document)")
        #expect(listed.map { $0["report"] as? String } == [kept])
        #expect(try await h.ossbatch(["resume", kept] + Self.progress).exitCode == 0)
        #expect(h.storedMD5("web01/2026-10-23/a.bin") == (try EngineHarness.md5(of: a)))
        #expect(try await StatusCommandTests.statusJSON(h, ["web"]).exit == 0)
    }

    @Test func aStoppedNightWhoseKeysTheNextNightResolvesAlikeIsNotListed() async throws {
        let h = try await EngineHarness.start("dated-status-alike")
        defer { Task { await h.stop() } }
        try h.writeFile("a.bin", size: 1000, seed: 1)
        // A placeholder, but the same keys every night: the next night sends the stopped night's files again.
        let manifest = try h.writeManifest("host.yaml", prefix: "\"{hostname}/\"")
        let state = StateDirectory(path: h.stateDir)
        #expect(try await Self.night(h, manifest, at: "2026-10-22T02:00:00Z", refused: true).exitCode == 3)
        #expect(try await Self.night(h, manifest, at: "2026-10-23T02:00:00Z").exitCode == 0)
        #expect(state.reports(ofBatch: "host").count == 2)
        let status = try await StatusCommandTests.statusJSON(h, ["host"])
        #expect(status.exit == 0, "\(status.document)")
        #expect(status.batches["host"]?["other_unfinished"] == nil)
        // And `--keep-reports` prunes the stopped night as any finished one.
        #expect(try await Self.night(h, manifest, at: "2026-10-24T02:00:00Z", ["--keep-reports", "1"]).exitCode == 0)
        #expect(state.reports(ofBatch: "host").count == 1)
    }
}
