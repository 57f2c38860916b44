import Foundation
import LocalOSS
import OSSBatch
import OSSKit
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A source rewritten in place with its size and mtime put back (`touch -r`, `rsync --inplace`
/// `--times`, a tool that preserves times): only its ctime moves. The object must never mix the two versions,
/// during a run or across a resume, and the upload index must not vouch for the wrong one.
@Suite(.serialized)
struct InPlaceRewriteTests {
    /// New bytes over the file, same inode and size, its mtime (and atime) as they were.
    static func rewriteKeepingTimes(_ url: URL, seed: UInt64) throws {
        var before = stat()
        #expect(stat(url.path, &before) == 0)
        let size = Int(before.st_size)
        let handle = try FileHandle(forWritingTo: url)
        try handle.write(contentsOf: testBytes(size, seed: seed))
        try handle.close()
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, url.path, &times, 0) == 0)
        var after = stat()
        #expect(stat(url.path, &after) == 0)
        #expect(after.st_ino == before.st_ino && after.st_size == before.st_size)
        #expect(after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)
    }

    @Test func aFileRewrittenWhileItsPutWasInFlightFailsAsChangedAndResumeSendsTheNewVersion() async throws {
        let h = try await EngineHarness.start("rewrite-put")
        defer { Task { await h.stop() } }
        let url = try h.writeFile("one.bin", size: 200_000, seed: 1)
        // The server has taken the whole old body when the test rewrites the file.
        let gate = h.hold(.putObject, after: 0)
        let process = try h.start(["run", try h.writeManifest(), "--report", h.reportPath])
        #expect(await h.waitUntil(.seconds(120)) { h.server.faults.held(at: gate) == 1 })
        try Self.rewriteKeepingTimes(url, seed: 2)
        h.server.faults.open(gate: gate)
        let result = await process.wait(timeout: .seconds(120))
        #expect(result.exitCode == 1, "\(result.stderr)")
        let job = try #require(try h.report().jobs.first)
        #expect(job.outcome.status == .failed && job.outcome.error?.code == "SourceChanged", "\(job.outcome)")
        #expect(job.outcome.error?.message.contains("ctime") == true)

        h.server.faults.removeAll()
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        try h.expectAllStoredExactly()
    }

    /// A program holding `path` mapped (`mmap`, shared): it writes the first bytes at once (the page dirty, the
    /// file stamped), writes `ready`, waits for `go` to exist, writes the same bytes again (the same page,
    /// still dirty: no new stamp unless its write-back was started meanwhile), and writes `done`.
    static func startMappedWriter(_ path: String, ready: String, go: String, done: String) throws -> RunningProcess {
        let script = """
            import mmap, os, sys, time
            f = open(sys.argv[1], 'r+b'); m = mmap.mmap(f.fileno(), 0)
            m[0:5] = b'AAAAA'; open(sys.argv[2], 'w').close()
            while not os.path.exists(sys.argv[3]): time.sleep(0.01)
            m[0:5] = b'BBBBB'; open(sys.argv[4], 'w').close()
            time.sleep(600)
            """
        return try RunningProcess(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", script, path, ready, go, done])
    }

    @Test func aFileWrittenThroughAMemoryMapWhileItsPutWasInFlightFailsAsChangedAndIsNeverIndexed() async throws {
        let h = try await EngineHarness.start("rewrite-mmap")
        defer { Task { await h.stop() } }
        let url = try h.writeFile("one.bin", size: 200_000, seed: 1)
        let (ready, go, done) = (h.dir.path + "/ready", h.dir.path + "/go", h.dir.path + "/done")
        let writer = try Self.startMappedWriter(url.path, ready: ready, go: go, done: done)
        defer { writer.signal(SIGKILL) }
        #expect(await h.waitUntil(.seconds(30)) { FileManager.default.fileExists(atPath: ready) })
        try await h.settle()  // the first write's stamp has settled: the index would vouch for this version
        let manifest = try h.writeManifest(upload: ["unchanged: skip"])
        // The server has taken the whole body (AAAAA) when the writer writes again.
        let gate = h.hold(.putObject, after: 0)
        let process = try h.start(["run", manifest, "--report", h.reportPath])
        #expect(await h.waitUntil(.seconds(120)) { h.server.faults.held(at: gate) == 1 })
        _ = try h.dir.write("go", "")
        #expect(await h.waitUntil(.seconds(30)) { FileManager.default.fileExists(atPath: done) })
        h.server.faults.open(gate: gate)
        let result = await process.wait(timeout: .seconds(120))
        // Without the write-back started before the ctime was read, the second write left every stamp as it
        // was: the job succeeded with AAAAA while the file held BBBBB, and each later night skipped it.
        #expect(result.exitCode == 1, "\(result.stderr)")
        let job = try #require(try h.report().jobs.first)
        #expect(job.outcome.status == .failed && job.outcome.error?.code == "SourceChanged", "\(job.outcome)")

        h.server.faults.removeAll()
        try await h.settle()
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        try h.expectAllStoredExactly()
    }

    @Test func aFileRewrittenBetweenAKillAndTheResumeIsNeverStitchedFromBothVersions() async throws {
        let h = try await EngineHarness.start("rewrite-resume")
        defer { Task { await h.stop() } }
        let url = try h.writeFile("big.bin", size: 3_000_000, seed: 3)
        try await h.settle()  // a checkpoint keeps only a ctime that had settled when its parts were read
        let manifest = try h.writeManifest(upload: [
            "concurrency: 2", "part_size: 128KiB", "multipart_threshold: 1MiB", "unchanged: skip",
        ])
        try await EngineResumeTests.killMidUpload(h, manifest: manifest)
        let checkpoint = try #require(CheckpointStore(directory: h.checkpointDir).all().first?.checkpoint)
        #expect(checkpoint.ctimeNanoseconds != nil)
        try Self.rewriteKeepingTimes(url, seed: 4)
        try await h.settle()  // a ctime that has settled, which the index may vouch for

        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        try h.expectAllStoredExactly()
        let job = try #require(try h.report().jobs.first)
        #expect(job.outcome.partsReused ?? 0 == 0, "every old part differs from the new bytes")

        // The index holds the version that was sent: the next night, unchanged, sends nothing.
        h.server.stats.reset()
        let next = try await h.ossbatch(["run", manifest, "--report", h.dir.path + "/next.json"])
        #expect(next.exitCode == 0, "\(next.stderr)")
        #expect(h.server.stats.snapshot.requestsByOperation.isEmpty)
    }

    /// A file rewritten (size and times kept) just before its job read it, and the run killed mid-upload: the
    /// checkpoint does not keep that ctime, which had not settled (another rewrite within its tick would not
    /// have moved it), so the resume proves each part against the file before reusing it. Before, it was kept,
    /// and the resume — the ctime settled by then — reused every part unread and indexed the object as this
    /// version, though its parts could come from two. The rewrite is timed by the multipart slot: the job
    /// starts as soon as the file before it (`a.bin`), its Complete held at the server meanwhile, lets it go.
    @Test func aCheckpointOfAFileWhoseCtimeHadNotSettledHasEachPartProvenOnResume() async throws {
        let h = try await EngineHarness.start("rewrite-unsettled")
        defer { Task { await h.stop() } }
        try h.writeFile("a.bin", size: 1_500_000, seed: 2)
        let url = try h.writeFile("big.bin", size: 3_000_000, seed: 3)
        try await h.settle()
        let manifest = try h.writeManifest(upload: [
            "concurrency: 2", "files_in_flight: 1", "part_size: 128KiB", "multipart_threshold: 1MiB",
            "unchanged: skip",
        ])
        // a.bin's Complete held: once let go, its answer ends the job and big.bin's starts, its stat a few
        // milliseconds after the rewrite (the margin is 1 s: a machine that stalls this test's server or the run
        // that long between the two would fail it).
        let first = h.hold(.completeMultipartUpload, after: 0, keyContains: "a.bin")
        // big.bin's parts as `holdAfterACheckpoint` paces them: twelve pass in 1.5 s, past the checkpoint's 1 s.
        h.server.faults.add(
            FaultRule(operation: .uploadPart, keyContains: "big.bin", count: nil, action: .delay(milliseconds: 250))
        )
        let big = h.hold(.uploadPart, after: 12, keyContains: "big.bin")
        let process = try h.start(["run", manifest, "--report", h.reportPath])
        #expect(await h.waitUntil(.seconds(120)) { h.server.faults.held(at: first) >= 1 })
        try Self.rewriteKeepingTimes(url, seed: 4)
        h.server.faults.open(gate: first)
        #expect(
            await h.waitUntil(.seconds(120)) {
                h.server.faults.held(at: big) >= 1
                    && CheckpointStore(directory: h.checkpointDir).all().contains {
                        $0.checkpoint.key.hasSuffix("big.bin") && !$0.checkpoint.parts.isEmpty
                    }
            }
        )
        process.signal(SIGKILL)
        _ = await process.wait()
        h.server.faults.open(gate: big)
        h.server.faults.removeAll()
        let checkpoint = try #require(
            CheckpointStore(directory: h.checkpointDir).all().first { $0.checkpoint.key.hasSuffix("big.bin") }?
                .checkpoint
        )
        #expect(checkpoint.ctimeNanoseconds == nil, "a ctime that had not settled is not kept")

        try await h.settle()
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        try h.expectAllStoredExactly()
        let job = try #require(try h.report().jobs.first { $0.spec.key.hasSuffix("big.bin") })
        #expect(job.outcome.partsReused ?? 0 > 0, "parts proven against the file are reused")
        #expect(job.outcome.warnings?.contains { $0.contains("is not known (it had not settled") } == true)
        h.server.stats.reset()
        let next = try await h.ossbatch(["run", manifest, "--report", h.dir.path + "/next.json"])
        #expect(next.exitCode == 0, "\(next.stderr)")
        #expect(h.server.stats.snapshot.requestsByOperation.isEmpty)
    }

    @Test func aChmodDuringAMultipartUploadFailsItButResumeReusesEveryPart() async throws {
        let h = try await EngineHarness.start("chmod-multipart")
        defer { Task { await h.stop() } }
        let url = try h.writeFile("big.bin", size: 1_000_000, seed: 5)
        let manifest = try h.writeManifest(upload: [
            "concurrency: 1", "part_size: 256KiB", "multipart_threshold: 512KiB",
        ])
        // Parts after the second wait until the file's mode has changed (its ctime with it).
        let gate = h.hold(.uploadPart, after: 2)
        let process = try h.start(["run", manifest, "--report", h.reportPath])
        #expect(await h.waitUntil(.seconds(120)) { h.server.faults.held(at: gate) == 1 })
        #expect(chmod(url.path, 0o600) == 0)
        h.server.faults.open(gate: gate)
        let result = await process.wait(timeout: .seconds(120))
        #expect(result.exitCode == 1, "\(result.stderr)")
        let failed = try #require(try h.report().jobs.first?.outcome)
        #expect(failed.error?.code == "SourceChanged" && failed.checkpoint != nil, "\(failed)")
        #expect(h.server.openUploadIDs(bucket: h.bucket).count == 1, "the upload is kept for the resume")

        h.server.faults.removeAll()
        h.server.stats.reset()
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        try h.expectAllStoredExactly()
        #expect(try h.report().jobs.first?.outcome.partsReused == 4)
        #expect(h.server.stats.snapshot.requestsByOperation["UploadPart"] == nil, "no part sent again")
    }
}
