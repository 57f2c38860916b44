import Foundation
import LocalOSS
import OSSBatch
import Synchronization
import TestSupport
import Testing

/// Two batches (two manifests, two source trees) that upload the same keys, each with `unchanged: skip`, on
/// one state directory: the upload index must never vouch for the object the bucket no longer holds. A
/// Python client holding the index's write lock stands in for a flush that has not come yet (as when a run
/// is killed before it, or between a job's end and the next flush).
@Suite(.serialized) struct SharedKeyIndexTests {
    /// `name`'s manifest: the files of `h.dir/source/` under `data/`, `unchanged: skip`.
    static func manifest(_ h: EngineHarness, _ name: String, source: String) throws -> String {
        let text = try String(contentsOfFile: try h.writeManifest(name, upload: ["unchanged: skip"]), encoding: .utf8)
        return try h.dir.write(name, text.replacingOccurrences(of: "source: src/", with: "source: \(source)/")).path
    }

    /// Writes `count` files of different contents under `h.dir/source/`, the same names in every tree.
    static func writeTree(_ h: EngineHarness, _ source: String, count: Int, seed: UInt64) throws {
        let dir = h.dir.url.appendingPathComponent(source)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for i in 0..<count {
            let bytes = (0..<(2_000 + i)).map { UInt8(truncatingIfNeeded: UInt64($0) &* (seed &+ UInt64(i))) }
            try Data(bytes).write(to: dir.appendingPathComponent("f\(i).bin"))
        }
    }

    static func indexPath(_ h: EngineHarness) -> String {
        UploadIndex.path(endpoint: h.endpoint, bucket: h.bucket, in: StateDirectory(path: h.stateDir))
    }

    /// A Python sqlite3 connection that takes the index's write lock (`BEGIN IMMEDIATE`), says `locked` on
    /// stderr, and holds it until `release` is called (or the process is killed).
    final class IndexWriteLock: Sendable {
        let process: RunningProcess
        let releaseFile: String

        init(_ h: EngineHarness) async throws {
            releaseFile = h.dir.path + "/release-\(UUID().uuidString)"
            let script = """
                import os, sqlite3, sys, time
                c = sqlite3.connect(sys.argv[1], isolation_level=None)
                c.execute("BEGIN IMMEDIATE")
                print("locked", file=sys.stderr, flush=True)
                while not os.path.exists(sys.argv[2]):
                    time.sleep(0.02)
                c.execute("COMMIT")
                """
            process = try RunningProcess(
                URL(fileURLWithPath: "/usr/bin/env"),
                ["python3", "-c", script, SharedKeyIndexTests.indexPath(h), releaseFile]
            )
            try #require(await process.waitForStderr(containing: "locked"), "\(process.stderrSoFar)")
        }

        /// Lets the lock go, and waits until it has.
        func release() async {
            _ = FileManager.default.createFile(atPath: releaseFile, contents: nil)
            _ = await process.wait()
        }
    }

    /// Runs `manifest` to its end with its report at `h.dir/report`.
    /// A (`unchanged: skip`, tree `srcA`) and B (`unchanged: upload`, tree `srcB`), one file each under the same
    /// key `data/f0.bin`, settled; A's first night run (its entry of the key in the index).
    static func batchUsingTheIndexAndOneNot(_ h: EngineHarness) async throws -> (a: String, b: String) {
        try Self.writeTree(h, "srcA", count: 1, seed: 3)
        try Self.writeTree(h, "srcB", count: 1, seed: 5)
        let a = try Self.manifest(h, "a.yaml", source: "srcA")
        let b = try h.dir.write(
            "b.yaml",
            try String(contentsOfFile: try Self.manifest(h, "b0.yaml", source: "srcB"), encoding: .utf8)
                .replacingOccurrences(of: "unchanged: skip", with: "unchanged: upload")
        ).path
        try await h.settle()
        #expect(try await Self.run(h, a, report: "a1.json").exitCode == 0)
        return (a, b)
    }

    static func run(_ h: EngineHarness, _ manifest: String, report: String) async throws -> ProcessResult {
        try await h.ossbatch(["run", manifest, "--report", h.dir.path + "/" + report, "--progress-interval", "3600"])
    }

    static func stored(_ h: EngineHarness, _ key: String) -> Data? { h.server.objectData(bucket: h.bucket, key: key) }

    static func file(_ h: EngineHarness, _ source: String, _ name: String) throws -> Data {
        try Data(contentsOf: h.dir.url.appendingPathComponent(source).appendingPathComponent(name))
    }

    static func entries(_ h: EngineHarness) throws -> [String: IndexEntry] {
        var warnings: [String] = []
        let index = try UploadIndex.open(at: indexPath(h), warnings: &warnings)
        var all: [String: IndexEntry] = [:]
        try index.scan { all[$0.key] = $0 }
        return all
    }

    /// B finds the index held past SQLite's patience (an exclusive lock: a `sqlite3` shell, a long prune) at its
    /// start and again at its first upload: it uploads without it, over A's key, and gives the index up, so A's
    /// next night rebuilds it and uploads its file again. Before, B left A's entry standing and A's next night
    /// skipped its file as unchanged over B's bytes, exit 0 (review of 572eea5).
    @Test func aBatchThatCannotOpenTheIndexGivesItUpSoNoEntryVouchesForTheKeysItReplaced() async throws {
        let h = try await EngineHarness.start("shared-key-index-held")
        defer { Task { await h.stop() } }
        let (a, b) = try await Self.batchUsingTheIndexAndOneNot(h)
        #expect(try Self.entries(h)["data/f0.bin"] != nil)

        let holder = try UploadIndexTests.holdExclusively(Self.indexPath(h))
        defer { holder.signal(SIGKILL) }
        #expect(await holder.waitForStderr(containing: "locked"), "\(holder.stderrSoFar)")
        let resultB = try await Self.run(h, b, report: "b1.json")
        #expect(resultB.exitCode == 0, "\(resultB.stderr)")
        #expect(resultB.stderr.contains("is given up"), "\(resultB.stderr)")
        #expect(Self.stored(h, "data/f0.bin") == (try Self.file(h, "srcB", "f0.bin")))
        holder.signal(SIGKILL)
        _ = await holder.wait()

        let plan = try await h.ossbatch(["plan", a])
        #expect(plan.stderr.contains("gave it up"), "plan does not read a condemned index: \(plan.stderr)")
        let secondA = try await Self.run(h, a, report: "a2.json")
        #expect(secondA.exitCode == 0, "\(secondA.stderr)")
        #expect(secondA.stderr.contains("rebuilding"), "\(secondA.stderr)")
        #expect(Self.stored(h, "data/f0.bin") == (try Self.file(h, "srcA", "f0.bin")), "A's file uploaded again")
        #expect(!FileManager.default.fileExists(atPath: Self.indexPath(h) + "-condemned"))
        #expect(
            try Self.entries(h)["data/f0.bin"] != nil,
            "the rebuilt index vouches for A's upload: \(secondA.stderr)"
        )
    }

    /// B gives the index up and is still uploading when A's next night starts: A must not rebuild the index
    /// then (it goes without it, and gives it up in its turn), or A's new entry of the shared key vouches for
    /// A's bytes that B is about to replace. Before, the first opener after the mark rebuilt it at once (an
    /// `index prune --dry-run` did too): A's third night skipped its file as unchanged over B's bytes, exit 0
    /// (review of c56b4e6). Once both have ended, the next opener rebuilds it.
    @Test func aGivenUpIndexIsNotRebuiltWhileTheRunThatGaveItUpStillUploads() async throws {
        let h = try await EngineHarness.start("shared-key-index-condemned-held")
        defer { Task { await h.stop() } }
        let (a, b) = try await Self.batchUsingTheIndexAndOneNot(h)

        // B finds the index held, gives it up before its upload, and its PutObject is then held at the server.
        let holder = try UploadIndexTests.holdExclusively(Self.indexPath(h))
        defer { holder.signal(SIGKILL) }
        #expect(await holder.waitForStderr(containing: "locked"), "\(holder.stderrSoFar)")
        h.server.faults.add(FaultRule(operation: .putObject, count: 1, action: .hold(gate: "b")))
        let runB = try h.start(["run", b, "--report", h.dir.path + "/b1.json", "--progress-interval", "3600"])
        #expect(await runB.waitForStderr(containing: "is given up"), "\(runB.stderrSoFar)")
        holder.signal(SIGKILL)
        _ = await holder.wait()

        // A's second night while B goes on: the index is left alone (A's one key is B's to upload now: busy,
        // exit 4), and so by a dry run of `index prune`, which reads only.
        let dryRun = try await h.ossbatch(["index", "prune", a, "--older-than-days", "30", "--dry-run"])
        #expect(dryRun.exitCode == 3, "\(dryRun.stdout)\(dryRun.stderr)")
        #expect(dryRun.stderr.contains("gave it up"), "\(dryRun.stderr)")
        let secondA = try await Self.run(h, a, report: "a2.json")
        #expect(secondA.exitCode == 4, "\(secondA.stderr)")
        #expect(!secondA.stderr.contains("rebuilding"), "\(secondA.stderr)")
        #expect(secondA.stderr.contains("still goes on"), "\(secondA.stderr)")
        #expect(FileManager.default.fileExists(atPath: Self.indexPath(h) + "-condemned"))

        h.server.faults.open(gate: "b")
        let resultB = await runB.wait(timeout: .seconds(120))
        #expect(resultB.exitCode == 0, "\(resultB.stderr)")
        #expect(Self.stored(h, "data/f0.bin") == (try Self.file(h, "srcB", "f0.bin")))

        // Both ended: A's third night rebuilds the index and uploads its file again over B's bytes.
        let thirdA = try await Self.run(h, a, report: "a3.json")
        #expect(thirdA.exitCode == 0, "\(thirdA.stderr)")
        #expect(thirdA.stderr.contains("rebuilding"), "\(thirdA.stderr)")
        #expect(Self.stored(h, "data/f0.bin") == (try Self.file(h, "srcA", "f0.bin")), "A's file uploaded again")
        #expect(!FileManager.default.fileExists(atPath: Self.indexPath(h) + "-condemned"))
        #expect(try Self.entries(h)["data/f0.bin"] != nil)
    }

    /// A's job ends while its index entry cannot be written yet: A still holds the key, so B, started then,
    /// waits for it, uploads after A's entry is written and writes its own after: the index's last word is B's,
    /// as the bucket's is. Before, A let the key go at its job's end, B could upload at once, and the two
    /// flushes landed in either order (the index then vouched for A's object, the bucket held B's).
    @Test func aKeyStaysLockedUntilItsIndexEntryIsWrittenSoTheIndexEndsWithTheLastUpload() async throws {
        let h = try await EngineHarness.start("shared-key-lock")
        defer { Task { await h.stop() } }
        try Self.writeTree(h, "srcA", count: 1, seed: 3)
        try Self.writeTree(h, "srcB", count: 1, seed: 5)
        try Self.writeTree(h, "srcC", count: 1, seed: 7)
        try await h.settle()
        let (a, b, c) = (
            try Self.manifest(h, "a.yaml", source: "srcA"), try Self.manifest(h, "b.yaml", source: "srcB"),
            try Self.manifest(h, "c.yaml", source: "srcC")
        )
        // The index exists (a third tree's night, under its own keys: a key with an entry could not be
        // uploaded while the lock is held), so that the lock below is on it.
        let other = try String(contentsOfFile: c, encoding: .utf8).replacingOccurrences(of: "data/", with: "other/")
        #expect(try await Self.run(h, try h.dir.write("c.yaml", other).path, report: "c.json").exitCode == 0)

        let lock = try await IndexWriteLock(h)
        let runA = try h.start(["run", a, "--report", h.dir.path + "/a.json", "--progress-interval", "3600"])
        // Who holds the key once A's job has ended (its journal says so) while its entry waits for the lock:
        // looked at from a dispatch thread the moment the line appears. The test's own task may be kept off
        // the cooperative pool for seconds by the tests beside it, and A's flush gives up (and lets the key go)
        // after SQLite's 5 s.
        let journal = h.dir.path + "/a.json.journal"
        let keys = try KeyLocks.forBucket(h.bucket, in: StateDirectory(path: h.stateDir))
        let holder = Mutex<LockHolder??>(nil)
        DispatchQueue.global().async {
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline && runA.process.isRunning {
                if ((try? String(contentsOfFile: journal, encoding: .utf8)) ?? "").contains("\"succeeded\"") {
                    let seen = keys.holder(of: "data/f0.bin")
                    holder.withLock { $0 = .some(seen) }
                    return
                }
                usleep(2_000)
            }
        }
        #expect(await h.waitUntil(.seconds(60)) { holder.withLock { $0 != nil } }, "A's job should end")
        let seen = holder.withLock { $0 }
        #expect(seen == .some(.process(runA.pid)), "A should hold the key until its entry is written")
        let runB = try h.start(["run", b, "--report", h.dir.path + "/b.json", "--progress-interval", "3600"])
        await lock.release()
        let (resultA, resultB) = (await runA.wait(), await runB.wait())
        #expect(resultA.exitCode == 0, "\(resultA.stderr)")
        #expect(resultB.exitCode == 0, "\(resultB.stderr)")

        let bBytes = try Self.file(h, "srcB", "f0.bin")
        #expect(Self.stored(h, "data/f0.bin") == bBytes)
        let entry = try #require(try Self.entries(h)["data/f0.bin"])
        #expect(entry.source.hasSuffix("/srcB/f0.bin"), "\(entry)")
        // A's next night uploads its file again, the bucket then A's.
        #expect(try await Self.run(h, a, report: "a2.json").exitCode == 0)
        #expect(Self.stored(h, "data/f0.bin") == (try Self.file(h, "srcA", "f0.bin")))
    }

    /// Two trees, `srcA` (`f0.bin`) and `srcB` (`a0.bin`, `f0.bin`), settled; B (`b.yaml`, `unchanged: upload`,
    /// one request at a time) started while no index exists, its first upload (`data/a0.bin`) stored and its
    /// answer held at the returned gate, so that B has not reached `data/f0.bin` yet. Returns A's manifest
    /// (`a.yaml`, `unchanged: skip`), B's process and the gate.
    static func startBatchBeforeAnyIndex(
        _ h: EngineHarness
    ) async throws -> (a: String, b: RunningProcess, gate: String) {
        try Self.writeTree(h, "srcA", count: 1, seed: 3)
        try Self.writeTree(h, "srcB", count: 1, seed: 5)
        try Data(repeating: 1, count: 100).write(to: h.dir.url.appendingPathComponent("srcB/a0.bin"))
        try await h.settle()
        let (a, b) = (try Self.manifest(h, "a.yaml", source: "srcA"), try Self.manifest(h, "b.yaml", source: "srcB"))
        let gate = h.hold(.putObject, after: 0, keyContains: "a0.bin")
        let runB = try h.start([
            "run", b, "--report", h.dir.path + "/b.json", "--progress-interval", "3600",
            "--set", "upload.unchanged=upload", "--set", "upload.concurrency=1",
        ])
        #expect(await h.waitUntil { Self.stored(h, "data/a0.bin") != nil })
        return (a, runB, gate)
    }

    /// B, a batch without `unchanged`, started before any index existed (none to take its keys out of); A's
    /// night then made one, indexing `data/f0.bin`, and B uploaded that key after. B's upload takes A's entry
    /// out of the index made since, and A's next night uploads its file again. Before, B, without an index,
    /// buried nothing: A's next night skipped its file as unchanged over B's bytes, exit 0.
    @Test func aBatchStartedBeforeTheIndexExistedTakesItsKeysOutOfTheIndexMadeSince() async throws {
        let h = try await EngineHarness.start("shared-key-late-index")
        defer { Task { await h.stop() } }
        let (a, runB, gate) = try await Self.startBatchBeforeAnyIndex(h)
        #expect(!FileManager.default.fileExists(atPath: Self.indexPath(h)), "B started without an index")

        #expect(try await Self.run(h, a, report: "a1.json").exitCode == 0)
        #expect(try Self.entries(h)["data/f0.bin"] != nil)
        h.server.faults.open(gate: gate)
        let resultB = await runB.wait()
        #expect(resultB.exitCode == 0, "\(resultB.stderr)")
        #expect(Self.stored(h, "data/f0.bin") == (try Self.file(h, "srcB", "f0.bin")))
        #expect(try Self.entries(h)["data/f0.bin"] == nil, "A's entry taken out")

        #expect(try await Self.run(h, a, report: "a2.json").exitCode == 0)
        #expect(Self.stored(h, "data/f0.bin") == (try Self.file(h, "srcA", "f0.bin")))
    }

    /// As above, but A's first night could not write its entry (a kill -9 before the flush; here the index's
    /// write lock held): `data/f0.bin` has no row when B, started before the index existed, uploads it. B's burial
    /// leaves a tombstone of its own there, so A's `resume` does not write A's entry over B's bytes, and A's next
    /// night uploads its file again. Before, with no row to bury, B left nothing, A's resume wrote its entry, and
    /// A's next night skipped its file, exit 0, over B's bytes.
    @Test func aBatchStartedBeforeTheIndexExistedLeavesATombstoneWhereTheKeyHadNoRow() async throws {
        let h = try await EngineHarness.start("shared-key-late-tombstone")
        defer { Task { await h.stop() } }
        let (a, runB, gate) = try await Self.startBatchBeforeAnyIndex(h)
        try await Self.runWithoutIndexing(h, a, report: "a.json", files: 1)
        #expect(try Self.entries(h)["data/f0.bin"] == nil, "A's entry never written")
        h.server.faults.open(gate: gate)
        let resultB = await runB.wait()
        #expect(resultB.exitCode == 0, "\(resultB.stderr)")
        #expect(Self.stored(h, "data/f0.bin") == (try Self.file(h, "srcB", "f0.bin")))

        let resumed = try await h.ossbatch(["resume", h.dir.path + "/a.json", "--progress-interval", "3600"])
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(try Self.entries(h)["data/f0.bin"] == nil, "A's resume vouches for nothing under B's bytes")
        #expect(try await Self.run(h, a, report: "a2.json").exitCode == 0)
        #expect(Self.stored(h, "data/f0.bin") == (try Self.file(h, "srcA", "f0.bin")))
    }

    /// B's night indexed the keys; A's uploaded them, but its entries were never written (a kill -9 before
    /// the flush, here a write lock taken once A's uploads were stored and held past SQLite's patience). B's
    /// entries were buried before A's requests, so they vouch for nothing; A's `resume` re-records what it
    /// journaled over the tombstones its own uploads left, and B's next night uploads its files again. Before
    /// 2026-12-05 (first fix), B's entries were kept and B's night skipped every file as unchanged, exit 0, over
    /// A's bytes.
    @Test func aResumedReportLeavesNoOtherBatchsEntryForTheKeysItUploaded() async throws {
        let h = try await EngineHarness.start("shared-key-restore")
        defer { Task { await h.stop() } }
        try Self.writeTree(h, "srcA", count: 3, seed: 3)
        try Self.writeTree(h, "srcB", count: 3, seed: 5)
        try await h.settle()
        let (a, b) = (try Self.manifest(h, "a.yaml", source: "srcA"), try Self.manifest(h, "b.yaml", source: "srcB"))
        #expect(try await Self.run(h, b, report: "b.json").exitCode == 0)
        #expect(try Self.entries(h).count == 3)

        // A's PutObjects are stored and their answers held; then the lock is taken and the answers let go.
        let reportA = h.dir.path + "/a.json"
        try await Self.runWithoutIndexing(h, a, report: "a.json", files: 3)
        for i in 0..<3 { #expect(Self.stored(h, "data/f\(i).bin") == (try Self.file(h, "srcA", "f\(i).bin"))) }
        #expect(try Self.entries(h).isEmpty, "B's entries were buried before A's uploads")

        let resumed = try await h.ossbatch(["resume", reportA, "--progress-interval", "3600"])
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        let afterResume = try Self.entries(h)
        #expect(
            afterResume.count == 3 && afterResume.values.allSatisfy { $0.source.contains("/srcA/") },
            "\(afterResume)"
        )

        h.server.stats.reset()
        let nightB = try await Self.run(h, b, report: "b2.json")
        #expect(nightB.exitCode == 0, "\(nightB.stderr)")
        #expect(h.server.stats.snapshot.requestsByOperation["PutObject"] == 3)
        for i in 0..<3 { #expect(Self.stored(h, "data/f\(i).bin") == (try Self.file(h, "srcB", "f\(i).bin"))) }
    }

    /// A's night uploaded the keys but wrote no entry (a kill -9 before the flush; here a write lock held past
    /// SQLite's patience). B, a batch without `unchanged`, then replaced the objects. A's `resume` — the cron
    /// line resumes last night's report first — fills in entries its report uploaded that the index lacks: it
    /// must not do so over B's replacement. B's run leaves a tombstone for each key it uploads, entry or not,
    /// so A's next night uploads its files again. Before, the keys had no row at all, the resume wrote A's
    /// entries, and A's night skipped every file as unchanged, exit 0, over B's bytes.
    @Test func aResumeWritesNoEntryForAKeyAnotherBatchReplacedWhileItHadNone() async throws {
        let h = try await EngineHarness.start("shared-key-void")
        defer { Task { await h.stop() } }
        try Self.writeTree(h, "srcA", count: 3, seed: 3)
        try Self.writeTree(h, "srcB", count: 3, seed: 5)
        try Self.writeTree(h, "srcC", count: 1, seed: 7)
        try await h.settle()
        let a = try Self.manifest(h, "a.yaml", source: "srcA")
        let c = try Self.manifest(h, "c.yaml", source: "srcC")
        let b = try h.dir.write(
            "b.yaml",
            try String(contentsOfFile: a, encoding: .utf8)
                .replacingOccurrences(of: "  unchanged: skip\n", with: "")
                .replacingOccurrences(of: "source: srcA/", with: "source: srcB/")
        ).path
        // The index exists (a third tree's night, under its own keys), so that the lock below is on it.
        let other = try String(contentsOfFile: c, encoding: .utf8).replacingOccurrences(of: "data/", with: "other/")
        #expect(try await Self.run(h, try h.dir.write("c.yaml", other).path, report: "c.json").exitCode == 0)

        let lock = try await IndexWriteLock(h)
        let runA = try await Self.run(h, a, report: "a.json")
        await lock.release()
        #expect(runA.exitCode == 0, "\(runA.stderr)")
        #expect(try Self.entries(h).keys.allSatisfy { $0.hasPrefix("other/") }, "A's entries were not written")
        #expect(try await Self.run(h, b, report: "b.json").exitCode == 0)
        for i in 0..<3 { #expect(Self.stored(h, "data/f\(i).bin") == (try Self.file(h, "srcB", "f\(i).bin"))) }

        let resumed = try await h.ossbatch(["resume", h.dir.path + "/a.json", "--progress-interval", "3600"])
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        let afterResume = try Self.entries(h).keys.sorted()
        #expect(afterResume.allSatisfy { $0.hasPrefix("other/") }, "\(afterResume)")

        h.server.stats.reset()
        let nightA = try await Self.run(h, a, report: "a2.json")
        #expect(nightA.exitCode == 0, "\(nightA.stderr)")
        #expect(h.server.stats.snapshot.requestsByOperation["PutObject"] == 3)
        for i in 0..<3 { #expect(Self.stored(h, "data/f\(i).bin") == (try Self.file(h, "srcA", "f\(i).bin"))) }
    }

    /// B, another batch, replaced a key A indexes and was killed (kill -9) after its PutObject had stored the
    /// object, before its outcome reached the index (the flush, about a second later). A's next night must not
    /// skip its file over B's bytes: B buries the key's entry before the request that may replace the object.
    /// Before, A's entry stood until B was resumed, and A's night skipped the file as unchanged, exit 0.
    @Test func aBatchKilledAfterReplacingAKeyLeavesNoOtherBatchsEntryVouchingForIt() async throws {
        let h = try await EngineHarness.start("shared-key-killed")
        defer { Task { await h.stop() } }
        try Self.writeTree(h, "srcA", count: 2, seed: 3)
        try Self.writeTree(h, "srcB", count: 1, seed: 5)
        try await h.settle()
        let (a, b) = (try Self.manifest(h, "a.yaml", source: "srcA"), try Self.manifest(h, "b.yaml", source: "srcB"))
        #expect(try await Self.run(h, a, report: "a.json").exitCode == 0)
        #expect(try Self.entries(h)["data/f0.bin"]?.source.hasSuffix("/srcA/f0.bin") == true)

        // B's PutObject stores its bytes, then its answer is held; B is killed meanwhile.
        h.server.faults.add(FaultRule(operation: .putObject, count: nil, action: .hold(gate: "stored")))
        let runB = try h.start(["run", b, "--report", h.dir.path + "/b.json", "--progress-interval", "3600"])
        #expect(await h.waitUntil(.seconds(60)) { h.server.faults.held(at: "stored") == 1 })
        #expect(Self.stored(h, "data/f0.bin") == (try Self.file(h, "srcB", "f0.bin")))
        runB.signal(SIGKILL)
        _ = await runB.wait()
        h.server.faults.removeAll()
        h.server.faults.open(gate: "stored")
        #expect(try Self.entries(h)["data/f0.bin"] == nil, "B buried A's entry before its PutObject")

        h.server.stats.reset()
        let nightA = try await Self.run(h, a, report: "a2.json")
        #expect(nightA.exitCode == 0, "\(nightA.stderr)")
        #expect(h.server.stats.snapshot.requestsByOperation["PutObject"] == 1, "f0 again, f1 unchanged")
        #expect(Self.stored(h, "data/f0.bin") == (try Self.file(h, "srcA", "f0.bin")))
    }

    /// B, another batch, is to replace a key A indexes while another process holds the index's write lock past
    /// SQLite's patience: A's entry cannot be buried, so B does not upload over it (the job fails
    /// `IndexUnwritable`, exit 1, nothing sent) — uploaded, the object would sit under an entry vouching for
    /// A's bytes, and A's next night would skip its file over B's. B's resume, the lock gone, uploads it.
    @Test func anEntryThatCannotBeBuriedKeepsAnotherBatchFromReplacingItsObject() async throws {
        let h = try await EngineHarness.start("shared-key-unburied")
        defer { Task { await h.stop() } }
        try Self.writeTree(h, "srcA", count: 1, seed: 3)
        try Self.writeTree(h, "srcB", count: 1, seed: 5)
        try await h.settle()
        let (a, b) = (try Self.manifest(h, "a.yaml", source: "srcA"), try Self.manifest(h, "b.yaml", source: "srcB"))
        #expect(try await Self.run(h, a, report: "a.json").exitCode == 0)

        let lock = try await IndexWriteLock(h)
        h.server.stats.reset()
        let runB = try await Self.run(h, b, report: "b.json")
        await lock.release()
        #expect(runB.exitCode == 1, "\(runB.stderr)")
        #expect(runB.stderr.contains("IndexUnwritable"), "\(runB.stderr)")
        #expect(h.server.stats.snapshot.requestsByOperation["PutObject"] == nil)
        #expect(Self.stored(h, "data/f0.bin") == (try Self.file(h, "srcA", "f0.bin")))

        let resumed = try await h.ossbatch(["resume", h.dir.path + "/b.json", "--progress-interval", "3600"])
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(Self.stored(h, "data/f0.bin") == (try Self.file(h, "srcB", "f0.bin")))
        h.server.stats.reset()
        #expect(try await Self.run(h, a, report: "a2.json").exitCode == 0)
        #expect(h.server.stats.snapshot.requestsByOperation["PutObject"] == 1)
        #expect(Self.stored(h, "data/f0.bin") == (try Self.file(h, "srcA", "f0.bin")))
    }

    /// Runs `manifest` with its PutObjects stored but their answers held until the index's write lock is taken,
    /// so that its entries cannot be written (as if killed before the flush) though its journal says
    /// `succeeded`: the run exits 0 with the index's warning.
    static func runWithoutIndexing(_ h: EngineHarness, _ manifest: String, report: String, files: Int) async throws {
        h.server.faults.add(FaultRule(operation: .putObject, count: nil, action: .hold(gate: report)))
        let started = try h.start([
            "run", manifest, "--report", h.dir.path + "/" + report, "--progress-interval", "3600",
        ])
        #expect(await h.waitUntil(.seconds(60)) { h.server.faults.held(at: report) == files })
        let lock = try await IndexWriteLock(h)
        h.server.faults.removeAll()
        h.server.faults.open(gate: report)
        let result = await started.wait()
        await lock.release()
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stderr.contains("cannot write the upload index"), "\(result.stderr)")
    }

    /// A's run buried C's entry (its tombstone, A's own, so that A's resume may write A's entry) but could not
    /// write its own; B then replaced the object, its entry not written either. A's resume must not take the
    /// tombstone for its own any more: B took it over before its PutObject. Before, B left A's tombstone as it
    /// was, A's resume wrote A's entry, and A's next night skipped its file, exit 0, over B's bytes.
    @Test func aTombstoneIsTakenOverByTheBatchThatReplacesTheObjectSoAnotherReportsResumeCannotRestoreIt()
        async throws
    {
        let h = try await EngineHarness.start("shared-key-tombstone")
        defer { Task { await h.stop() } }
        for (tree, seed) in [("srcA", 3), ("srcB", 5), ("srcC", 7)] {
            try Self.writeTree(h, tree, count: 1, seed: UInt64(seed))
        }
        try await h.settle()
        let (a, b, c) = (
            try Self.manifest(h, "a.yaml", source: "srcA"), try Self.manifest(h, "b.yaml", source: "srcB"),
            try Self.manifest(h, "c.yaml", source: "srcC")
        )
        #expect(try await Self.run(h, c, report: "c.json").exitCode == 0)
        try await Self.runWithoutIndexing(h, a, report: "a.json", files: 1)
        try await Self.runWithoutIndexing(h, b, report: "b.json", files: 1)
        #expect(Self.stored(h, "data/f0.bin") == (try Self.file(h, "srcB", "f0.bin")))

        let resumed = try await h.ossbatch(["resume", h.dir.path + "/a.json", "--progress-interval", "3600"])
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(try Self.entries(h)["data/f0.bin"] == nil, "A's resume vouches for nothing under B's bytes")
        h.server.stats.reset()
        #expect(try await Self.run(h, a, report: "a2.json").exitCode == 0)
        #expect(h.server.stats.snapshot.requestsByOperation["PutObject"] == 1)
        #expect(Self.stored(h, "data/f0.bin") == (try Self.file(h, "srcA", "f0.bin")))
    }
}
